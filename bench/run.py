#!/usr/bin/env python3
"""make bench: picoweb against a bare asyncio server (the limit), picoweb 1.8.2 and microdot,
side by side in one run.

- Throughput under each runtime (MicroPython unix port, CPython): wrk, keep-alive and
  Connection: close, rounds alternated between the servers; ratios are what count. The same on
  the virtual board: each one's harness app frozen into the 32-bit firmware, at an ESP32's heap;
  there also a template page and a 4 KiB static file, against picoweb 1.8.2 and microdot.
- Heap on the virtual board's 32-bit firmware (bench/heap.py): the smallest heap for hello, the
  board harness's app and the notes example, frozen, .mpy and .py; what `import` leaves resident.
- The drop-in path on the 64-bit unix port: the smallest heap for hello from .mpy files.
- Templates and optional modules: what each costs in heap on the 32-bit firmware.
- Where the heap goes (bench/breakdown.py): resident, per connection, per request.
- Pycopy (bench/pycopy_bench.py): picoweb against 1.8.2 on Pycopy's frozen 32-bit firmware.
- A soak (bench/soak.py): 10,000 mixed requests on the ESP8266-sized virtual board.

Results go to build/bench/results/latest.{json,md,png}; --publish also copies them to
bench/results/, the copy the README quotes.
Options: --quick (fewer, shorter rounds), --no-cpython, --no-board (throughput), --no-throughput, --no-heap,
--no-templates, --no-breakdown, --no-pycopy, --no-soak, --frameworks "picoweb,bare" (for the heap), --jobs N (heap searches
at once).
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
BUILD = os.path.join(ROOT, "build", "bench")
RESULTS = os.path.join(BUILD, "results")
sys.path.insert(0, ROOT)  # this script runs from bench/: the tools are beside it
import breakdown  # noqa: E402  (bench/breakdown.py)
import heap  # noqa: E402  (bench/heap.py)
import pycopy_bench  # noqa: E402  (bench/pycopy_bench.py)
import soak  # noqa: E402  (bench/soak.py)
from tools import firmware, frameworks, mpy  # noqa: E402
from tools.heapsearch import smallest  # noqa: E402
from tools.serverproc import BoardProcess, ServerProcess  # noqa: E402
from tools.vboard import heap_model  # noqa: E402

CORE = ("__init__", "compat", "conn", "http", "request", "status")  # the modules every picoweb app loads
THROUGHPUT_APPS = {
    "bare": os.path.join(BENCH, "bare_server.py"),
    "picoweb": os.path.join(frameworks.APPS, "picoweb", "hello.py"),
    "microdot": os.path.join(frameworks.APPS, "microdot", "hello.py"),
}


def need(tool, pkg):
    if not shutil.which(tool):
        sys.exit("%s not found: install Debian's %s (apt-get install %s)" % (tool, pkg, pkg))


def prepare():
    # build/bench/py: picoweb and microdot's sources; build/bench/mpy: the same compiled.
    py = os.path.join(BUILD, "py")
    shutil.rmtree(py, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "picoweb"), os.path.join(py, "picoweb"), ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(frameworks.microdot_dir(), os.path.join(py, "microdot"))
    mpyd = os.path.join(BUILD, "mpy")
    shutil.rmtree(mpyd, ignore_errors=True)
    mpy.compile_all(mpyd, [os.path.join(py, "picoweb"), os.path.join(py, "microdot")], quiet=True)
    return py, mpyd


# ---- throughput ----

def wrk(port, seconds, close, path="/"):
    cmd = ["wrk", "-t1", "-c4", "-d%ds" % seconds, "--timeout", "2s"]
    if close:
        cmd += ["-H", "Connection: close"]
    out = subprocess.run(cmd + ["http://127.0.0.1:%d%s" % (port, path)], capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = int(errs.group(1)) if errs else 0
    if sock and not close:
        bad += sum(int(x) for x in sock.groups())
    return float(m.group(1)) if m else 0.0, bad


def throughput(runtime, libdir, rounds, seconds):
    procs = {a: ServerProcess(runtime, app, heap="1024K", path=[libdir], cwd=libdir, wait=10.0)
             for a, app in THROUGHPUT_APPS.items()}
    return compare(procs, rounds, seconds, runtime)


BOARD = "the virtual board (32-bit firmware, harness apps frozen, an ESP32's heap)"


def boards(names, like):
    # The board harness's app of each framework named, frozen into the virtual board's 32-bit
    # firmware, booted as a board with the heap of `like`.
    procs = {}
    for fw in frameworks.frameworks():
        if fw.name in names:
            fwbin, flash = frameworks.prepare(fw, "harness", "frozen")
            procs[fw.name] = BoardProcess(fwbin, flash, heap_model(like), wait=15.0, fresh=True)
    return procs


def board_throughput(rounds, seconds, like="esp32"):
    # bare, picoweb and microdot on the virtual board: wrk against each, as above.
    return compare(boards(THROUGHPUT_APPS, like), rounds, seconds, BOARD)


def compare(procs, rounds, seconds, runtime, path="/", stop=True):
    # Interleaved rounds on servers that stay up (each with .ok, .port, .stop()); the median per
    # server and mode. The servers are stopped at the end (unless stop is False).
    res = {}
    try:
        for a, p in procs.items():
            if not p.ok:
                sys.exit("%s did not start under %s" % (a, runtime))
            wrk(p.port, 1, False, path)  # warm-up
        for mode in ("keep-alive", "close"):
            runs = {a: [] for a in procs}
            bad = {a: 0 for a in procs}
            for _ in range(rounds):
                for a, p in procs.items():
                    rps, b = wrk(p.port, seconds, mode == "close", path)
                    runs[a].append(rps)
                    bad[a] += b
            for a in procs:
                res["%s/%s" % (a, mode)] = {"rps": statistics.median(runs[a]), "runs": runs[a], "errors": bad[a]}
    finally:
        for p in procs.values():
            if stop:
                p.stop()
    return res


# The pages with no bare limit (issue 18): the board harness's 20-row template page and a 4 KiB
# static file, against picoweb 1.8.2 (which closes every connection, keep-alive or not) and
# microdot, each one's harness app frozen into the virtual board at an ESP32's heap.
PAGES = {"template page (20 rows)": "/page", "4 KiB static file": "/static/4k.txt"}
PAGE_FRAMEWORKS = ("picoweb", "picoweb-1.8.2", "microdot")


def board_pages(rounds, seconds, like="esp32"):
    procs = boards(PAGE_FRAMEWORKS, like)
    try:
        return {page: compare(procs, rounds, seconds, BOARD, path, stop=False) for page, path in PAGES.items()}
    finally:
        for p in procs.values():
            p.stop()


# ---- the drop-in path on the 64-bit port ----

def heap64(fw):
    # The smallest heap (KiB) at which fw's hello, from .mpy files, answers 400 requests at
    # concurrency 4 on the prebuilt 64-bit unix port.
    _, flash = frameworks.prepare(fw, "hello", "mpy")

    def works(kib):
        p = ServerProcess("micropython", os.path.join(flash, "main.py"), heap="%dK" % kib,
                          path=[os.path.join(flash, "lib")], cwd=flash, wait=10.0)
        try:
            return p.ok and heap.hello_ok(p.port) and p.alive()
        finally:
            p.stop()

    return smallest(works, 4, 512)


# ---- templates and optional modules ----

def template_figures():
    # Heap figures of templates on the 32-bit firmware (picoweb frozen), each case in a fresh process.
    import tempfile

    from tools import templates as tplbuild

    tmp = tempfile.mkdtemp()
    pkg = os.path.join(tmp, "benchtpl")
    os.makedirs(os.path.join(pkg, "templates"))
    open(os.path.join(pkg, "__init__.py"), "w").close()
    shutil.copy(os.path.join(ROOT, "tests", "apps", "webpkg", "templates", "table.tpl"), os.path.join(pkg, "templates"))
    fw = firmware.picoweb_firmware()

    def run(case, arg, fresh_sources=False):
        if fresh_sources:  # the source loader must compile: only the .tpl is there
            for f in os.listdir(os.path.join(pkg, "templates")):
                if not f.endswith(".tpl"):
                    os.unlink(os.path.join(pkg, "templates", f))
        else:
            tplbuild.build(os.path.join(pkg, "templates"), mpy=False, quiet=True)
        out = subprocess.run([fw, "-X", "heapsize=256K", os.path.join(BENCH, "template_heap.py"), case, arg],
                             env=dict(os.environ, MICROPYPATH=".frozen:" + tmp), capture_output=True, text=True,
                             timeout=300)
        if out.returncode:
            sys.exit("template benchmark failed:\n" + out.stdout + out.stderr)
        return int(out.stdout.split()[-1])

    res = {"table_peak_bytes": {n: run("table", str(n)) for n in (10, 100, 1000)},
           "first_render_bytes": {"compiled": run("loader", "compiled"), "source": run("loader", "source", True)}}
    shutil.rmtree(tmp)
    return res


OPTIONAL = ("route", "static", "utils", "request_more", "stats", "cookies", "auth", "sse", "websocket", "multipart", "cors",
            "chunked", "template")


def module_heap(mpyd):
    # {"frozen"|"mpy": {module: bytes}}: what importing each optional module adds once picoweb is
    # imported, on the 32-bit firmware: frozen (picoweb's firmware) and from .mpy files (its stock
    # firmware); each in a fresh process.
    out = {}
    for kind, fw, path in (("frozen", firmware.picoweb_firmware(), ".frozen"),
                           ("mpy", firmware.base_firmware(), mpyd + ":.frozen")):
        out[kind] = {}
        for m in OPTIONAL:
            p = subprocess.run([fw, os.path.join(BENCH, "module_heap.py"), m], capture_output=True,
                               text=True, env=dict(os.environ, MICROPYPATH=path), timeout=60)
            if p.returncode:
                sys.exit("module_heap.py %s failed:\n%s" % (m, p.stdout + p.stderr))
            out[kind][m] = int(p.stdout.split()[-1])
    return out


# ---- the run ----

def arg(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main():
    quick = "--quick" in sys.argv
    need("wrk", "wrk")
    need("ab", "apache2-utils")
    py, mpyd = prepare()
    rounds, seconds = (1, 1) if quick else (3, 3)
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": os.uname().machine, "throughput": {}}
    if "--no-throughput" not in sys.argv:
        for rt in ["micropython"] + ([] if "--no-cpython" in sys.argv else ["cpython"]):
            print("throughput under %s: wrk -t1 -c4, %d rounds of %d s ..." % (rt, rounds, seconds), flush=True)
            results["throughput"][rt] = throughput(rt, mpyd if rt == "micropython" else py, rounds, seconds)
        if "--no-board" not in sys.argv:
            print("throughput on %s ..." % BOARD, flush=True)
            results["throughput"][BOARD] = board_throughput(rounds, seconds)
            print("a template page and a 4 KiB static file on the virtual board ...", flush=True)
            results["pages"] = board_pages(rounds, seconds)
    if "--no-heap" not in sys.argv:
        only = arg("--frameworks")
        print("heap on the 32-bit firmware: the smallest heap per app and delivery (%s) ..." % (only or "all frameworks"),
              flush=True)
        results["firmware_heap"] = heap.run(only and only.split(","), int(arg("--jobs", 2)))
        print("heap on the 64-bit unix port: hello from .mpy ...", flush=True)
        results["heap64_mpy_kib"] = {fw.name: heap64(fw) for fw in frameworks.frameworks()
                                     if not only or fw.name in only.split(",")}
    if "--no-templates" not in sys.argv:
        print("templates: heap while rendering, per loader ...", flush=True)
        results["templates"] = template_figures()
    if "--no-breakdown" not in sys.argv:
        print("where the heap goes: resident, per connection, per request (32-bit firmware) ...", flush=True)
        results["breakdown"] = breakdown.run()
    if "--no-pycopy" not in sys.argv:
        print("Pycopy 3.6.1, frozen 32-bit firmware: picoweb and picoweb 1.8.2, smallest heap and throughput ...",
              flush=True)
        results["pycopy"] = pycopy_bench.run(compare, rounds, seconds)
    if "--no-soak" not in sys.argv:
        print("soak: 10,000 mixed requests on the ESP8266-sized virtual board ...", flush=True)
        results["soak"] = soak.run()
    print("optional modules: heap each adds once imported ...", flush=True)
    results["module_heap_bytes"] = module_heap(mpyd)
    results["core_mpy_bytes"] = {f: os.path.getsize(os.path.join(mpyd, "picoweb", f + ".mpy")) for f in CORE}
    md = report(results)
    print(md)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "latest.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(md)
    if results.get("firmware_heap"):
        plot(results, os.path.join(RESULTS, "latest.png"))
    print("results: %s/latest.{json,md%s}" % (os.path.relpath(RESULTS, ROOT), ",png" if results.get("firmware_heap") else ""))
    if "--publish" in sys.argv:
        pub = os.path.join(BENCH, "results")
        for f in os.listdir(RESULTS):
            shutil.copy(os.path.join(RESULTS, f), pub)
        update_readme(results)
        print("published to %s/ and README.md's figures" % os.path.relpath(pub, ROOT))


def kib(n):
    return "-" if n is None else "%.2f" % (n / 1024)


def sections(r):
    """The report as named markdown sections: latest.md is all of them, and the README's
    <!-- bench:NAME --> blocks are each one, rewritten by --publish (so its figures are never
    copied by hand)."""
    out = {}
    if r["throughput"]:
        t_md = []
        for rt, t in r["throughput"].items():
            t_md += ["Throughput under %s (requests/s, median; wrk -t1 -c4):" % rt, "",
                     "| mode | bare asyncio | picoweb | microdot | picoweb/bare | picoweb/microdot |",
                     "|---|---|---|---|---|---|"]
            for mode in ("keep-alive", "close"):
                b, p, m = (t["%s/%s" % (a, mode)]["rps"] for a in ("bare", "picoweb", "microdot"))
                errs = sum(t["%s/%s" % (a, mode)]["errors"] for a in THROUGHPUT_APPS)
                t_md.append("| %s | %.0f | %.0f | %.0f | %.2f | %.2f |%s" % (
                    mode, b, p, m, p / b if b else 0, p / m if m else 0, " errors: %d" % errs if errs else ""))
            t_md.append("")
        out["throughput"] = t_md
    pg = r.get("pages")
    if pg:
        out["pages"] = ["| page, mode | picoweb | picoweb 1.8.2 | microdot | picoweb/1.8.2 | picoweb/microdot |",
                        "|---|---|---|---|---|---|"]
        for page, t in pg.items():
            for mode in ("keep-alive", "close"):
                p, o, m = (t["%s/%s" % (a, mode)] for a in PAGE_FRAMEWORKS)
                errs = ", ".join("%s %d" % (a, t["%s/%s" % (a, mode)]["errors"]) for a in PAGE_FRAMEWORKS
                                 if t["%s/%s" % (a, mode)]["errors"])
                out["pages"].append("| %s, %s | %.0f | %.0f | %.0f | %.2f | %.2f |%s" % (
                    page, mode, p["rps"], o["rps"], m["rps"], p["rps"] / o["rps"] if o["rps"] else 0,
                    p["rps"] / m["rps"] if m["rps"] else 0, " closed by the server (wrk's read errors): " + errs if errs else ""))
        out["pages"].append("")
    fh = r.get("firmware_heap")
    if fh:
        fws = list(fh)
        h_md = ["| app, delivery | " + " | ".join(fws) + " |", "|---|" + "---|" * len(fws)]
        for app in ("hello", "harness", "notes"):
            for dl in frameworks.DELIVERIES:
                h_md.append("| %s, %s | %s |" % (app, dl, " | ".join(kib(fh[f].get("%s/%s" % (app, dl))) for f in fws)))
        for dl in frameworks.DELIVERIES:
            h_md.append("| `import`, %s: resident | %s |" % (dl, " | ".join(kib(fh[f].get("import/" + dl)) for f in fws)))
        out["heap"] = h_md + [""]
    if r.get("heap64_mpy_kib"):
        h = r["heap64_mpy_kib"]
        out["heap64"] = ["| " + " | ".join(h) + " |", "|" + "---|" * len(h),
                         "| " + " | ".join(str(v) for v in h.values()) + " |", ""]
    if r.get("templates"):
        t = r["templates"]
        out["templates"] = (["| table rows | peak heap while streaming |", "|---|---|"]
                            + ["| %s | %s |" % kv for kv in t["table_peak_bytes"].items()]
                            + ["", "| loader | heap of the first render (10 rows) |", "|---|---|"]
                            + ["| %s | %s |" % kv for kv in t["first_render_bytes"].items()] + [""])
    sk = r.get("soak")
    if sk:
        out["soak"] = ["%d requests (%s), %s at a time, in %.0f s: live heap %d bytes after the first 1,000, %d at "
                       "the end (%+d); unexpected answers: %s." % (
                           sk["requests"], ", ".join(soak.KINDS[k] for k in soak.SOAK), "one" if sk["concurrency"] == 1
                           else sk["concurrency"], sk["seconds"], sk["heap_after_warmup"], sk["heap_at_end"], sk["drift"],
                           ", ".join("%s x%d" % kv for kv in sk["unexpected"].items()) or "none"), ""]
    if r.get("breakdown"):
        out["breakdown"] = [breakdown.table(r["breakdown"])]
    pc = r.get("pycopy")
    if pc:
        old, new = pc["heap"]["picoweb-1.8.2"], pc["heap"]["picoweb"]
        out["pycopy"] = ["| measure | picoweb | picoweb 1.8.2 | picoweb/1.8.2 |", "|---|---|---|---|"]
        for app in pycopy_bench.APPS:
            out["pycopy"].append("| %s: smallest heap (KiB) | %s | %s | %s |" % (
                app, kib(new[app]), kib(old[app]), "%.2f" % (new[app] / old[app]) if new[app] and old[app] else "-"))
        for mode in ("keep-alive", "close"):
            a, b = pc["throughput"]["picoweb/" + mode], pc["throughput"]["picoweb-1.8.2/" + mode]
            errs = a["errors"] + b["errors"]
            out["pycopy"].append("| hello, %s (requests/s) | %.0f | %.0f | %.2f |%s" % (
                mode, a["rps"], b["rps"], a["rps"] / b["rps"] if b["rps"] else 0, " errors: %d" % errs if errs else ""))
        out["pycopy"].append("")
    mh = r.get("module_heap_bytes")
    if mh:
        out["modules"] = (["| module | frozen | from .mpy |", "|---|---|---|"]
                          + ["| picoweb.%s | %s | %s |" % (m, mh["frozen"][m], mh["mpy"][m]) for m in mh["frozen"]]
                          + [""])
    sizes = r["core_mpy_bytes"]
    out["core"] = ["picoweb core, the modules every app loads: %d bytes of .mpy (%s)" % (
        sum(sizes.values()), ", ".join("%s %d" % kv for kv in sizes.items())), ""]
    return {k: "\n".join(v) for k, v in out.items()}


TITLES = {
    "throughput": "Throughput",
    "pages": "A template page and a static file on the virtual board (requests/s, median; wrk -t1 -c4)",
    "heap": "Heap on the virtual board's 32-bit firmware (KiB)",
    "heap64": "The drop-in path on the 64-bit unix port: hello from .mpy (KiB)",
    "templates": "Templates (32-bit firmware, picoweb frozen; bytes of live heap)",
    "breakdown": "Where the heap goes (32-bit firmware, picoweb and the harness app frozen; bytes)",
    "pycopy": "Pycopy 3.6.1: this picoweb against 1.8.2, each frozen into Pycopy's 32-bit unix port",
    "soak": "Soak: the board app (every optional module) at an ESP8266's heap",
    "modules": "Optional modules: heap each adds once imported (32-bit firmware, bytes)",
    "core": "The core's size",
}
HEAP_NOTE = (
    "The smallest GC heap at which each app serves its workload without a failure (hello: 400 requests at "
    "concurrency 4; harness: hello, JSON, a template page, a static file and a form POST, 40 of each, 4 at a time; "
    "notes: 30 notes added, viewed, edited, listed, then deleted, with page loads 4 at a time), to %d bytes; and "
    "what importing the framework leaves resident (after a collection). frozen: the framework and the app's modules "
    "frozen into the firmware, main.py on the board's filesystem; romfs: their .mpy files in a ROMFS partition (the "
    "image in the firmware's read-only data, as a partition is in a board's flash: the bytecode runs in place) on "
    "the stock firmware; mpy, py: those files in the board's lib/ on its stock firmware (asyncio frozen). `-` where "
    "a framework has no such app." % heap.STEP)


def report(r):
    out = ["# picoweb benchmark, %s (%s)" % (r["date"], r["machine"]), ""]
    for name, md in sections(r).items():
        out += ["## " + TITLES[name], ""] + ([HEAP_NOTE, ""] if name == "heap" else []) + [md]
    return "\n".join(out)


def update_readme(r, path=os.path.join(ROOT, "README.md")):
    # Each <!-- bench:NAME --> ... <!-- /bench:NAME --> block of the README becomes that section.
    with open(path) as f:
        text = f.read()
    for name, md in sections(r).items():
        a, b = "<!-- bench:%s -->\n" % name, "<!-- /bench:%s -->" % name
        i, j = text.find(a), text.find(b)
        if 0 <= i < j:
            text = text[: i + len(a)] + md + text[j:]
    with open(path, "w") as f:
        f.write(text)


def plot(r, path):
    # The firmware heap table as grouped bars: one group per app and delivery, a bar per framework.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fh = r["firmware_heap"]
    fws = list(fh)
    rows = ["%s/%s" % (a, d) for a in ("hello", "harness", "notes") for d in frameworks.DELIVERIES] + \
           ["import/%s" % d for d in frameworks.DELIVERIES]
    fig, ax = plt.subplots(figsize=(13, 5))
    w = 0.8 / len(fws)
    for i, f in enumerate(fws):
        xs = [j + i * w for j in range(len(rows))]
        ax.bar(xs, [(fh[f].get(k) or 0) / 1024 for k in rows], w, label=f)
    ax.set_xticks([j + 0.4 - w / 2 for j in range(len(rows))])
    ax.set_xticklabels([k.replace("/", "\n") for k in rows])
    ax.set_ylabel("KiB")
    ax.axhline(38016 / 1024, color="grey", linestyle=":", linewidth=1)
    ax.text(len(rows) - 0.5, 38016 / 1024, "ESP8266 GC heap", ha="right", va="bottom", fontsize=8, color="grey")
    ax.set_title("Smallest heap per app and delivery, and resident after import (32-bit firmware, %s)" % r["date"])
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    main()
