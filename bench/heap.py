"""The heap each framework needs on the virtual board's 32-bit firmware (an ESP board's object
sizes), run as make bench runs it (bench/run.py):

- for each framework's hello app, the board harness's app and the notes example, under four
  deliveries: frozen into the firmware (the framework and the app's modules; main.py on the
  board's filesystem), .mpy files in a ROMFS partition (the image in the firmware's read-only
  data, out of the heap, as a board's partition is in its flash), .mpy files in the board's
  lib/ on its stock firmware (asyncio only), and .py files there: the smallest GC heap at which
  the app serves its workload without a failure;
- what importing the framework leaves resident, under each delivery.

The frameworks and their apps (tools/frameworks.py): picoweb, picoweb 1.8.2, microdot and the
bare asyncio server (the limit), each built the same way.
"""
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # this script runs from bench/: the tools are beside it

from tools.frameworks import DELIVERIES, frameworks, prepare  # noqa: E402
from tools.heapsearch import smallest  # noqa: E402
from tools.serverproc import BoardProcess  # noqa: E402

STEP = 256  # the search's resolution, bytes


# ---- the workloads: what an app must serve, every answer checked ----

def get(port, path, body=None, timeout=10):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=body)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as f:
            return f.status, f.read()
    except Exception as e:
        return getattr(e, "code", 0), b""


def ab_ok(port, n=400, c=4):
    try:
        out = subprocess.run(["ab", "-q", "-s", "5", "-n", str(n), "-c", str(c), "http://127.0.0.1:%d/" % port],
                             capture_output=True, text=True, timeout=120).stdout
    except subprocess.TimeoutExpired:  # a server that stalls at this heap does not serve it
        return False
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
    b = BoardProcess(fwbin, flash, heap, wait=15, fresh=True)
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
