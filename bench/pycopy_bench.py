"""make bench's Pycopy columns (bench/run.py): this picoweb against picoweb 1.8.2 on the same
Pycopy 3.6.1, each frozen with its app and Pycopy's uasyncio into Pycopy's unix port, 32-bit
(tools/pycopy.py builds it as `make firmware RUNTIME=pycopy` does): the smallest heap for hello
and the notes example (the workloads of bench/heap.py), and hello's throughput.
"""
import os
import shutil
import signal
import subprocess
import tempfile

from heap import STEP, WORKLOADS  # noqa: E402  (bench/heap.py)

from tools import frameworks, pycopy
from tools.heapsearch import smallest
from tools.serverproc import ServerProcess, free_port

FRAMEWORKS = ("picoweb", "picoweb-1.8.2")
APPS = ("hello", "notes")


def firmware(fw, app):
    """(binary, flash folder): Pycopy with the framework, uasyncio and the staged app frozen in;
    main.py and static/ in the flash folder, as `make firmware RUNTIME=pycopy` lays them out."""
    d = os.path.join(frameworks.WORK, "pycopy-%s-%s" % (fw.name, app))
    st, flash = frameworks.staged_flash(fw, app, d)
    sources = fw.libs + [os.path.join(pycopy.lib(), "uasyncio")] + frameworks.app_modules(st)
    binary = pycopy.build_unix_firmware(sources, os.path.join(d, "pycopy"), 32)
    return binary, flash


class Board:
    """`pycopy -X heapsize=N main.py PORT` in a fresh copy of the flash folder, only frozen
    modules on its path; stopped with SIGINT, then SIGKILL."""

    def __init__(self, binary, flash, heap, wait=15.0):
        self.tmp = tempfile.mkdtemp()
        folder = os.path.join(self.tmp, "flash")
        shutil.copytree(flash, folder)
        self.port = free_port()
        env = dict(os.environ, PYCOPYPATH=self.tmp)  # nothing importable there but the frozen modules
        env.pop("PICOWEB_PORT", None)
        self.proc = subprocess.Popen([binary, "-X", "heapsize=%d" % heap, "main.py", str(self.port)], cwd=folder,
                                     env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        self.ok = ServerProcess._listening(self, wait)

    alive = ServerProcess.alive

    def stop(self):
        ServerProcess.stop(self)
        shutil.rmtree(self.tmp, ignore_errors=True)


def smallest_heap(binary, flash, app):
    # bytes, to STEP; None if not even 512 KiB will do
    def works(k):
        b = Board(binary, flash, k * STEP)
        try:
            return b.ok and WORKLOADS[app](b.port) and b.alive()
        finally:
            b.stop()

    n = smallest(works, 4096 // STEP, 512 * 1024 // STEP)
    return n and n * STEP


def run(compare, rounds, seconds, log=print):
    """{"heap": {framework: {app: bytes}}, "throughput": compare()'s figures for the hello
    firmwares at a 1 MiB heap}. compare(procs, rounds, seconds) is bench/run.py's wrk loop."""
    fws = [f for f in frameworks.frameworks() if f.name in FRAMEWORKS]
    built = {(fw.name, app): firmware(fw, app) for fw in fws for app in APPS}
    heap = {fw.name: {} for fw in fws}
    for (name, app), (binary, flash) in built.items():
        heap[name][app] = smallest_heap(binary, flash, app)
        log("  pycopy %-14s %-6s %s" % (name, app, "%d bytes" % heap[name][app] if heap[name][app]
                                          else "fails at 512 KiB"))
    procs = {name: Board(*built[(name, "hello")], heap=1024 * 1024) for name in heap}
    return {"heap": heap, "throughput": compare(procs, rounds, seconds, "pycopy")}
