"""The heap each framework needs on the virtual board's 32-bit firmware (an ESP board's object
sizes), run as make bench runs it (bench/run.py):

- for each framework's hello app, the board harness's app and the notes example, under three
  deliveries: frozen into the firmware (the framework and the app's modules; main.py on the
  board's filesystem), .mpy files in the board's lib/ on its stock firmware (asyncio only), and
  .py files there: the smallest GC heap at which the app serves its workload without a failure;
- what importing the framework leaves resident, under each delivery.

picoweb, picoweb 1.8.2 (with utemplate 1.4.1 and the ulogging and pkg_resources stand-ins, from
../shared/vendor/sdist), microdot 2.7 (with utemplate) and the bare asyncio server (the limit)
are each built the same way: their apps are in bench/apps/ and tests_hw/apps/.
"""
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import boards  # noqa: E402
import build  # noqa: E402
import firmware  # noqa: E402
import mpy  # noqa: E402
from heapsearch import smallest  # noqa: E402
from serverproc import BoardProcess  # noqa: E402

WORK = os.path.join(ROOT, "build", "bench", "heap")
APPS = os.path.join(ROOT, "bench", "apps")
HW_APPS = os.path.join(ROOT, "tests_hw", "apps")
DELIVERIES = ("frozen", "mpy", "py")
STEP = 256  # the search's resolution, bytes


# ---- the frameworks: their modules, their apps, how their templates are compiled ----

def sdist(name):
    # a vendored source archive, unpacked once under build/vendor/
    return firmware.unpack_once(os.path.join(firmware.vendor_dir(), "sdist", name + ".tar.gz"), os.path.join("vendor", name))


def microdot_dir():
    # microdot 2.7 as installed by `make setup`: the modules a board needs (its utemplate
    # support among them), as a package folder
    import importlib.util

    spec = importlib.util.find_spec("microdot")
    if spec is None:
        sys.exit("microdot is not installed: run `make setup`")
    d = os.path.join(WORK, "lib-microdot", "microdot")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for f in ("__init__.py", "microdot.py", "helpers.py", "utemplate.py"):
        shutil.copy(os.path.join(os.path.dirname(spec.origin), f), d)
    return d


class Framework:
    def __init__(self, name, libs, apps, imports, templates):
        self.name = name
        self.libs = libs  # package folders and module files the framework needs on the board
        self.apps = apps  # hello / harness / notes: a .py file or an app folder
        self.imports = imports  # the statement whose resident heap is reported
        self.templates = templates  # "picoweb" or "utemplate": the compiler of its apps' templates


def frameworks():
    old = sdist("picoweb-1.8.2")
    ut = os.path.join(sdist("utemplate-1.4.1"), "utemplate")
    return [
        Framework("picoweb", [os.path.join(ROOT, "picoweb")],
                  {"hello": os.path.join(APPS, "picoweb_hello.py"), "harness": os.path.join(HW_APPS, "picoweb_app"),
                   "notes": os.path.join(ROOT, "examples", "notes")}, "import picoweb", "picoweb"),
        Framework("picoweb-1.8.2", [os.path.join(old, "picoweb"), ut,
                                    os.path.join(sdist("pycopy-ulogging-0.3"), "ulogging.py"),
                                    os.path.join(sdist("pycopy-pkg_resources-0.2.2"), "pkg_resources.py")],
                  {"hello": os.path.join(APPS, "picoweb182_hello.py"), "harness": os.path.join(APPS, "harness_182"),
                   "notes": os.path.join(APPS, "notes_182")}, "import picoweb", "utemplate"),
        Framework("microdot", [microdot_dir(), ut],
                  {"hello": os.path.join(APPS, "microdot_hello.py"), "harness": os.path.join(HW_APPS, "microdot_app"),
                   "notes": os.path.join(APPS, "notes_microdot")}, "import microdot", "utemplate"),
        Framework("bare", [], {"hello": os.path.join(ROOT, "bench", "bare_server.py"),
                               "harness": os.path.join(HW_APPS, "bare_app")}, "import asyncio", None),
    ]


def utemplate_compile(tdir, outdir):
    # templates/*.tpl -> NAME_tpl.py with utemplate 1.4.1's own compiler (run here, on CPython)
    sys.path.insert(0, os.path.dirname(os.path.join(sdist("utemplate-1.4.1"), "utemplate")))
    try:
        from utemplate.source import Compiler
    finally:
        sys.path.pop(0)

    class Loader:
        def input_open(self, name):
            return open(os.path.join(tdir, name))

    os.makedirs(outdir, exist_ok=True)
    for f in sorted(os.listdir(tdir)):
        if f.endswith(".tpl"):
            with open(os.path.join(tdir, f)) as fi, open(os.path.join(outdir, f.replace(".", "_") + ".py"), "w") as fo:
                Compiler(fi, fo, loader=Loader()).compile()
    open(os.path.join(outdir, "__init__.py"), "w").close()


# The files the harness's apps share (tests_hw/harness.py puts them beside each app too).
HW_SHARED = {"templates": ["page.tpl"], "static": ["style.css", "style.css.gz"]}
HEAPSTAT = os.path.join(ROOT, "picoweb", "heapstat.py")  # the other frameworks' apps take picoweb's sampler


def stage_app(fw, app, dest):
    # dest/: the app as a board gets it, its templates compiled by its framework's compiler;
    # main.py for a one-file app.
    shutil.rmtree(dest, ignore_errors=True)
    src = fw.apps[app]
    if os.path.isfile(src):
        os.makedirs(dest)
        shutil.copy(src, os.path.join(dest, "main.py"))
    else:
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*_tpl.py", "notes", "notes.db"))
    if app == "harness" and fw.name == "bare":  # the limit's app: hello and /_stats only
        shutil.copy(os.path.join(ROOT, "bench", "bare_server.py"), dest)
        shutil.copy(HEAPSTAT, dest)
    elif app == "harness":
        if fw.name != "picoweb":  # picoweb's app mounts picoweb.stats
            shutil.copy(HEAPSTAT, dest)
        for sub, files in HW_SHARED.items():
            os.makedirs(os.path.join(dest, sub), exist_ok=True)
            for f in files:
                shutil.copy(os.path.join(HW_APPS, f), os.path.join(dest, sub))
    if app == "notes":  # the ports to other frameworks share the example's store, templates and CSS
        notes = os.path.join(ROOT, "examples", "notes")
        for f in ("store.py", "templates", "static"):
            if not os.path.exists(os.path.join(dest, f)):
                (shutil.copytree if f != "store.py" else shutil.copy)(os.path.join(notes, f), os.path.join(dest, f))
    tdir = os.path.join(dest, "templates")
    if os.path.isdir(tdir):
        if fw.templates == "picoweb":
            import templates as tplbuild

            tplbuild.build(tdir, mpy=False, quiet=True)
            open(os.path.join(tdir, "__init__.py"), "w").close()
        else:
            utemplate_compile(tdir, tdir)
        for f in os.listdir(tdir):
            if f.endswith(".tpl"):
                os.unlink(os.path.join(tdir, f))
    return dest


def app_modules(st):
    # the staged app's modules and packages (all but main.py): frozen, or copied to lib/
    return [os.path.join(st, f) for f in sorted(os.listdir(st))
            if (f.endswith(".py") and f != "main.py") or os.path.isfile(os.path.join(st, f, "__init__.py"))]


def frozen_manifest(fw, path):
    # include the virtual board's stock firmware, the framework's modules, the staged app
    lines = ['include("%s")' % os.path.join(boards.BOARDS, "unix", "manifest_base.py")]
    for lib in fw.libs:
        base, name = os.path.split(lib)
        lines.append('%s("%s", base_path="%s")' % ("package" if os.path.isdir(lib) else "module", name, base))
    lines.append('include("%s")' % os.path.join(boards.BOARDS, "app_manifest.py"))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def prepare(fw, app, delivery):
    """(firmware binary, flash folder) for the app under the delivery."""
    key = "%s-%s-%s" % (fw.name.replace(" ", ""), app, delivery)
    d = os.path.join(WORK, key)
    st = stage_app(fw, app, os.path.join(d, "stage"))
    flash = os.path.join(d, "flash")
    shutil.rmtree(flash, ignore_errors=True)
    os.makedirs(flash)
    shutil.copy(os.path.join(st, "main.py"), flash)
    if os.path.isdir(os.path.join(st, "static")):
        shutil.copytree(os.path.join(st, "static"), os.path.join(flash, "static"))
    if delivery == "frozen":
        if fw.name == "picoweb":  # picoweb's own board manifest, as `make firmware` uses it
            man = os.path.join(boards.BOARDS, "unix", "manifest.py")
        else:
            man = frozen_manifest(fw, os.path.join(d, "manifest.py"))
        fwbin = firmware.build_unix(man, os.path.join(d, "micropython"), 32, st)
        return fwbin, flash
    lib = os.path.join(flash, "lib")
    srcs = fw.libs + app_modules(st)
    if delivery == "mpy":
        mpy.compile_all(lib, srcs, ["-march=x86"], quiet=True)
    else:
        os.makedirs(lib)
        for s in srcs:
            dst = os.path.join(lib, os.path.basename(s))
            (shutil.copytree if os.path.isdir(s) else shutil.copy)(s, dst)
    return firmware.base_firmware(32), flash


# ---- the workloads: what an app must serve, every answer checked ----

def get(port, path, body=None, timeout=10):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=body)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as f:
            return f.status, f.read()
    except Exception as e:
        return getattr(e, "code", 0), b""


def ab_ok(port, n=400, c=4):
    out = subprocess.run(["ab", "-q", "-s", "5", "-n", str(n), "-c", str(c), "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True, timeout=120).stdout
    import re

    done = re.search(r"Complete requests:\s+(\d+)", out)
    failed = re.search(r"Failed requests:\s+(\d+)", out)
    return bool(done and int(done.group(1)) == n and failed and int(failed.group(1)) == 0
                and "Non-2xx" not in out)


def hello_ok(port):
    # 400 requests at concurrency 4 (ab), each a new connection
    return ab_ok(port)


FORM = b"name=board&location=kitchen&interval=60&unit=celsius"


def harness_ok(port):
    # the harness's scenarios, 4 clients at a time: hello, JSON, a template page, a static file,
    # a form POST; 40 of each
    checks = [("/", None, b"Hello world"), ("/json", None, b"temperature"), ("/page", None, b"sensor 19"),
              ("/static/style.css", None, b".c59"), ("/form", FORM, b"board")]
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        res = list(ex.map(lambda c: (get(port, c[0], c[1]), c[2]), checks * 40))
    return all(st == 200 and want in body for (st, body), want in res)


def notes_ok(port):
    # 30 notes added, each viewed and edited, the list after each; 4 clients loading pages at
    # once; then all 30 deleted and the list empty.
    for i in range(1, 31):
        st, body = get(port, "/new", b"title=note+%d&text=%s" % (i, b"x" * 100))
        if st != 200 or b"note %d" % i not in body:  # 303 to the list, followed
            return False
        if get(port, "/edit/%d" % i)[0] != 200:
            return False
        st, body = get(port, "/edit/%d" % i, b"title=edited+%d&text=y" % i)
        if st != 200 or b"edited %d" % i not in body:
            return False
    pages = ["/", "/edit/7", "/static/notes.css", "/edit/21"] * 10
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        if not all(st == 200 and b for st, b in ex.map(lambda p: get(port, p), pages)):
            return False
    for i in range(1, 31):
        st, body = get(port, "/delete/%d" % i, b"")
        if st != 200 or b"edited %d<" % i in body:
            return False
    return b"edited" not in get(port, "/")[1]


WORKLOADS = {"hello": hello_ok, "harness": harness_ok, "notes": notes_ok}


def serves(fwbin, flash, app, heap):
    # a fresh board (a fresh copy of its flash) with a GC heap of `heap` bytes runs the workload
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "flash")
        shutil.copytree(flash, f)
        b = BoardProcess(fwbin, f, heap, wait=15)
        try:
            return b.ok and WORKLOADS[app](b.port) and b.alive()
        finally:
            b.stop()


def smallest_heap(fwbin, flash, app):
    # bytes, to STEP; None if not even 512 KiB will do
    n = smallest(lambda k: serves(fwbin, flash, app, k * STEP), 4096 // STEP, 512 * 1024 // STEP)
    return n and n * STEP


def resident(fwbin, flash, statement):
    # bytes the statement leaves allocated, after a collection, on a board booted as usual
    code = ("import gc\ngc.collect()\na = gc.mem_alloc()\n%s\ngc.collect()\nprint('resident', gc.mem_alloc() - a)\n"
            % statement)
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "flash")
        shutil.copytree(flash, f)
        with open(os.path.join(f, "main.py"), "w") as m:
            m.write(code)
        p = subprocess.run([fwbin, "-X", "heapsize=512K", "-m", "vboard_main", "normal"], cwd=f, capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL, env={k: v for k, v in os.environ.items()
                                                                               if k != "MICROPYPATH"})
    for line in p.stdout.splitlines():
        if line.startswith("resident "):
            return int(line.split()[1])
    raise RuntimeError("measuring `%s` failed:\n%s%s" % (statement, p.stdout, p.stderr))


def run(only=None, jobs=2, log=print):
    """{framework: {"<app>/<delivery>": bytes or None, "import/<delivery>": bytes}}"""
    fws = [f for f in frameworks() if not only or f.name in only]
    cases = []
    for fw in fws:
        for app in fw.apps:
            if fw.name == "bare" and app != "hello":
                continue  # the bare server answers hello only (its harness app adds /_stats for the harness)
            for dl in DELIVERIES:
                cases.append((fw, app, dl, prepare(fw, app, dl)))
    out = {fw.name: {} for fw in fws}
    for fw, app, dl, (fwbin, flash) in cases:
        if app == "hello":
            out[fw.name]["import/" + dl] = resident(fwbin, flash, fw.imports)

    def one(case):
        fw, app, dl, (fwbin, flash) = case
        n = smallest_heap(fwbin, flash, app)
        log("  %-14s %-8s %-7s %s" % (fw.name, app, dl, "%d bytes" % n if n else "fails at 512 KiB"))
        return fw.name, "%s/%s" % (app, dl), n

    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for name, key, n in ex.map(one, cases):
            out[name][key] = n
    return out
