#!/usr/bin/env python3
"""make bench: picoweb against a bare asyncio server (the limit) and microdot, side by side
in one run, under the same runtime. Throughput with wrk (keep-alive and Connection: close),
and the smallest MicroPython heap (-X heapsize) at which each answers 400 requests at
concurrency 4 (ab) without a failure. Results: bench/results/latest.{json,md}.

Options: --quick (fewer, shorter rounds), --no-cpython, --no-heap, --no-templates.
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
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import mpy  # noqa: E402
from heapsearch import smallest  # noqa: E402
from serverproc import ServerProcess, micropython  # noqa: E402

CORE = ("__init__", "conn", "server", "request")  # the modules every picoweb app loads
APPS = {
    "bare": os.path.join(BENCH, "bare_server.py"),
    "picoweb": os.path.join(BENCH, "apps", "picoweb_hello.py"),
    "microdot": os.path.join(BENCH, "apps", "microdot_hello.py"),
}


def need(tool, pkg):
    if not shutil.which(tool):
        sys.exit("%s not found: install Debian's %s (apt-get install %s)" % (tool, pkg, pkg))


def prepare():
    # build/bench/py: the sources; build/bench/mpy: the same compiled with mpy-cross.
    import importlib.util

    spec = importlib.util.find_spec("microdot")
    if spec is None:
        sys.exit("microdot not installed: run `make setup`")
    md_dir = os.path.dirname(spec.origin)
    py = os.path.join(BUILD, "py")
    shutil.rmtree(BUILD, ignore_errors=True)
    os.makedirs(os.path.join(py, "microdot"))
    shutil.copytree(os.path.join(ROOT, "picoweb"), os.path.join(py, "picoweb"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    for f in ("__init__.py", "microdot.py", "helpers.py"):
        shutil.copy(os.path.join(md_dir, f), os.path.join(py, "microdot", f))
    mpy.compile_all(os.path.join(BUILD, "mpy"), [os.path.join(py, "picoweb"), os.path.join(py, "microdot")])
    return py, os.path.join(BUILD, "mpy")


def Proc(runtime, app, libdir, heap=None):
    return ServerProcess(runtime, APPS[app], heap=heap and "%dK" % heap, path=[libdir], cwd=libdir, wait=10.0)


def wrk(port, seconds, close):
    cmd = ["wrk", "-t1", "-c4", "-d%ds" % seconds, "--timeout", "2s"]
    if close:
        cmd += ["-H", "Connection: close"]
    out = subprocess.run(cmd + ["http://127.0.0.1:%d/" % port], capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = int(errs.group(1)) if errs else 0
    if sock and not close:
        bad += sum(int(x) for x in sock.groups())
    return float(m.group(1)) if m else 0.0, bad


def throughput(runtime, libdir, rounds, seconds):
    # Interleaved rounds on servers that stay up; the median per server and mode.
    res = {}
    procs = {a: Proc(runtime, a, libdir, heap=1024) for a in APPS}
    try:
        for a, p in procs.items():
            if not p.ok:
                sys.exit("%s did not start under %s" % (a, runtime))
            wrk(p.port, 1, False)  # warm-up
        for mode in ("keep-alive", "close"):
            runs = {a: [] for a in APPS}
            bad = {a: 0 for a in APPS}
            for _ in range(rounds):
                for a, p in procs.items():
                    rps, b = wrk(p.port, seconds, mode == "close")
                    runs[a].append(rps)
                    bad[a] += b
            for a in APPS:
                res[(a, mode)] = {"rps": statistics.median(runs[a]), "runs": runs[a], "errors": bad[a]}
    finally:
        for p in procs.values():
            p.stop()
    return res


def ab_ok(port):
    out = subprocess.run(["ab", "-q", "-s", "5", "-n", "400", "-c", "4", "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True, timeout=120).stdout
    done = re.search(r"Complete requests:\s+(\d+)", out)
    failed = re.search(r"Failed requests:\s+(\d+)", out)
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    return bool(done and int(done.group(1)) == 400 and failed and int(failed.group(1)) == 0 and not non2xx)


def works(app, libdir, heap):
    p = Proc("micropython", app, libdir, heap)
    try:
        return p.ok and ab_ok(p.port) and p.alive()
    finally:
        p.stop()


def smallest_heap(app, libdir, lo=4, hi=512):
    # The smallest heap (KiB) at which app answers 400 requests at concurrency 4.
    return smallest(lambda kib: works(app, libdir, kib), lo, hi)


def romfs_heap(mpyd, lo=4, hi=512):
    # The smallest heap for the picoweb hello app with picoweb's .mpy in a ROMFS image, where the
    # unix port runs their bytecode in place as a board does from flash. The image itself is read
    # into the heap here; its size is given so that it can be taken off: a board keeps it in flash.
    src = os.path.join(BUILD, "romfs")
    shutil.copytree(os.path.join(mpyd, "picoweb"), os.path.join(src, "lib", "picoweb"))
    img = os.path.join(BUILD, "picoweb-romfs.img")
    subprocess.run([os.path.join(BIN, "mpremote"), "romfs", "--no-mpy", "-o", img, "build", src], check=True,
                   capture_output=True)

    def works(kib):
        p = ServerProcess("micropython", os.path.join(ROOT, "scripts", "romfs_run.py"), [img, APPS["picoweb"]],
                          heap="%dK" % kib, path=(), cwd=BUILD, wait=10.0)
        try:
            return p.ok and ab_ok(p.port) and p.alive()
        finally:
            p.stop()

    return smallest(works, lo, hi), os.path.getsize(img)


def template_figures(mpyd):
    # Heap figures of templates under MicroPython, each case in a fresh process.
    import tempfile

    import templates as tplbuild

    tmp = tempfile.mkdtemp()
    pkg = os.path.join(tmp, "benchtpl")
    os.makedirs(os.path.join(pkg, "templates"))
    open(os.path.join(pkg, "__init__.py"), "w").close()
    shutil.copy(os.path.join(ROOT, "tests", "apps", "webpkg", "templates", "table.tpl"), os.path.join(pkg, "templates"))

    def run(case, arg, fresh_sources=False):
        if fresh_sources:  # the source loader must compile: only the .tpl is there
            for f in os.listdir(os.path.join(pkg, "templates")):
                if not f.endswith(".tpl"):
                    os.unlink(os.path.join(pkg, "templates", f))
        else:
            tplbuild.build(os.path.join(pkg, "templates"))
        env = dict(os.environ, MICROPYPATH="%s:%s:.frozen" % (tmp, mpyd))
        out = subprocess.run([os.path.join(BIN, "micropython"), "-X", "heapsize=256K",
                              os.path.join(BENCH, "template_heap.py"), mpyd, case, arg],
                             env=env, capture_output=True, text=True, timeout=300)
        if out.returncode:
            sys.exit("template benchmark failed:\n" + out.stdout + out.stderr)
        return int(out.stdout.split()[-1])

    res = {"table_peak_bytes": {n: run("table", str(n)) for n in (10, 100, 1000)},
           "first_render_bytes": {"compiled": run("loader", "compiled"), "source": run("loader", "source", True)}}
    shutil.rmtree(tmp)
    return res


def notes_ok(port):
    # The notes app's pages in use: list, add, edit, delete, and page loads 4 at a time.
    import concurrent.futures
    import urllib.request

    def go(path, body=None):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=body)
        try:
            with urllib.request.urlopen(req, timeout=10) as f:
                return f.status, f.read()
        except Exception as e:
            return getattr(e, "code", 0), b""

    if go("/")[0] != 200:
        return False
    for i in range(5):
        if go("/new", b"title=note+%d&text=%s" % (i, b"x" * 200))[0] != 200:  # 303, followed to /
            return False
    if go("/edit/3")[0] != 200 or go("/edit/3", b"title=edited&text=y")[0] != 200 or go("/delete/2", b"")[0] != 200:
        return False
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        res = list(ex.map(lambda p: go(p), ["/", "/edit/1", "/static/notes.css", "/edit/4"] * 10))
    return all(st == 200 and b for st, b in res)


def notes_heap(lo=8, hi=512):
    # The smallest heap (KiB) at which the notes app, built for the unix board (.mpy, templates
    # precompiled), serves notes_ok(): the app the README's heap figure talks about.
    import tempfile

    import boards
    import build

    tmp = tempfile.mkdtemp()
    os.environ["PICOWEB_FIRMWARE_DIR"] = tmp
    build.build_mpy(boards.load("unix"), os.path.join(ROOT, "examples", "notes"))
    fw = os.path.join(tmp, "unix")

    def works(kib):
        shutil.rmtree(os.path.join(fw, "notes"), ignore_errors=True)
        p = ServerProcess("micropython", os.path.join(fw, "main.py"), heap="%dK" % kib,
                          path=[os.path.join(fw, "lib")], cwd=fw, wait=10.0)
        try:
            return p.ok and notes_ok(p.port) and p.alive()
        finally:
            p.stop()

    kib = smallest(works, lo, hi)
    shutil.rmtree(tmp)
    return kib


OPTIONAL = ("route", "static", "utils", "stats", "cookies", "auth", "sse", "websocket", "multipart", "cors",
            "chunked", "template")


def module_heap(mpyd):
    # {module: bytes}: each measured in a fresh MicroPython process, from .mpy
    out = {}
    for m in OPTIONAL:
        p = subprocess.run([micropython(), os.path.join(BENCH, "module_heap.py"), m], capture_output=True,
                           text=True, env=dict(os.environ, MICROPYPATH=mpyd + ":.frozen"), timeout=60)
        if p.returncode:
            sys.exit("module_heap.py %s failed:\n%s" % (m, p.stdout + p.stderr))
        out[m] = int(p.stdout.split()[-1])
    return out


def main():
    quick = "--quick" in sys.argv
    need("wrk", "wrk")
    need("ab", "apache2-utils")
    py, mpyd = prepare()
    rounds, seconds = (1, 1) if quick else (3, 3)
    results = {"date": time.strftime("%Y-%m-%d"), "machine": os.uname().machine, "throughput": {}, "heap_kib": {}}
    runtimes = ["micropython"] + ([] if "--no-cpython" in sys.argv else ["cpython"])
    for rt in runtimes:
        print("throughput under %s: wrk -t1 -c4, %d rounds of %d s ..." % (rt, rounds, seconds), flush=True)
        t = throughput(rt, mpyd if rt == "micropython" else py, rounds, seconds)
        results["throughput"][rt] = {"%s/%s" % k: v for k, v in t.items()}
    if "--no-heap" not in sys.argv:
        for app in APPS:
            for kind, d in (("py", py), ("mpy", mpyd)):
                if app == "bare" and kind == "mpy":
                    continue
                print("smallest heap: %s from .%s ..." % (app, kind), flush=True)
                results["heap_kib"]["%s/%s" % (app, kind)] = smallest_heap(app, d)
    if "--no-heap" not in sys.argv:
        print("smallest heap: picoweb from a ROMFS image ...", flush=True)
        kib, size = romfs_heap(mpyd)
        results["heap_kib"]["picoweb/romfs"] = kib
        results["romfs_image_bytes"] = size
        print("smallest heap: the notes app (examples/notes) from .mpy ...", flush=True)
        results["heap_kib"]["notes/mpy"] = notes_heap()
    if "--no-templates" not in sys.argv:
        print("templates: heap while rendering, per loader ...", flush=True)
        results["templates"] = template_figures(mpyd)
    print("optional modules: heap each adds once imported ...", flush=True)
    results["module_heap_bytes"] = module_heap(mpyd)
    results["core_mpy_bytes"] = {f: os.path.getsize(os.path.join(mpyd, "picoweb", f + ".mpy")) for f in CORE}
    md = report(results)
    print(md)
    os.makedirs(os.path.join(BENCH, "results"), exist_ok=True)
    with open(os.path.join(BENCH, "results", "latest.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(BENCH, "results", "latest.md"), "w") as f:
        f.write(md)


def report(r):
    out = ["# picoweb benchmark, %s (%s)" % (r["date"], r["machine"]), ""]
    for rt, t in r["throughput"].items():
        out += ["## Throughput under %s (requests/s, median; wrk -t1 -c4)" % rt, "",
                "| mode | bare asyncio | picoweb | microdot | picoweb/bare | picoweb/microdot |",
                "|---|---|---|---|---|---|"]
        for mode in ("keep-alive", "close"):
            b, p, m = (t["%s/%s" % (a, mode)]["rps"] for a in ("bare", "picoweb", "microdot"))
            errs = sum(t["%s/%s" % (a, mode)]["errors"] for a in APPS)
            out.append("| %s | %.0f | %.0f | %.0f | %.2f | %.2f |%s" % (
                mode, b, p, m, p / b if b else 0, p / m if m else 0, " errors: %d" % errs if errs else ""))
        out.append("")
    if r["heap_kib"]:
        out += ["## Smallest heap for 400 requests at concurrency 4 (MicroPython unix x64, KiB)", "",
                "| server | from .py | from .mpy |", "|---|---|---|"]
        for a in APPS:
            out.append("| %s | %s | %s |" % (a, r["heap_kib"].get(a + "/py"), r["heap_kib"].get(a + "/mpy", "-")))
        out.append("")
        if "picoweb/romfs" in r["heap_kib"]:
            kib, size = r["heap_kib"]["picoweb/romfs"], r["romfs_image_bytes"]
            out += ["picoweb from a ROMFS image (bytecode run in place, as from a board's flash): %s KiB, of which "
                    "%.1f KiB are the image itself, read into the heap by the unix port; %.0f KiB without it" % (
                        kib, size / 1024, kib - size / 1024), ""]
        if "notes/mpy" in r["heap_kib"]:
            out += ["The notes app (examples/notes, templates precompiled) from .mpy: %s KiB" % r["heap_kib"]["notes/mpy"], ""]
    if r.get("templates"):
        t = r["templates"]
        out += ["## Templates (MicroPython unix x64, bytes of live heap)", "",
                "| table rows | peak heap while streaming |", "|---|---|"]
        out += ["| %s | %s |" % kv for kv in t["table_peak_bytes"].items()]
        out += ["", "| loader | heap of the first render (10 rows) |", "|---|---|"]
        out += ["| %s | %s |" % kv for kv in t["first_render_bytes"].items()]
        out.append("")
    if r.get("module_heap_bytes"):
        out += ["## Optional modules: heap each adds once imported (from .mpy, MicroPython unix x64, bytes)", "",
                "| module | heap |", "|---|---|"]
        out += ["| picoweb.%s | %s |" % kv for kv in r["module_heap_bytes"].items()]
        out.append("")
    sizes = r["core_mpy_bytes"]
    out.append("picoweb core, the modules every app loads: %d bytes of .mpy (%s)" % (
        sum(sizes.values()), ", ".join("%s %d" % kv for kv in sizes.items())))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
