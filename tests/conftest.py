# Servers under test run as real processes on loopback, under each runtime: CPython, the
# MicroPython unix port (picoweb from source) and the virtual board's 32-bit firmware (picoweb
# frozen in, built from MicroPython's source by the first test that needs it).
import os
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests")

from tools.serverproc import ServerProcess, micropython  # noqa: E402,F401

RUNTIMES = ["cpython", "micropython", "firmware", "pycopy"]


def micropython_script_env(runtime):
    """(executable, MICROPYPATH entries) to run a script under MicroPython: "micropython", the
    prebuilt unix port with picoweb from source; "firmware", the virtual board's 32-bit firmware
    with picoweb frozen in (built on first use)."""
    if runtime == "firmware":
        from tools import firmware

        return firmware.picoweb_firmware(), [".frozen", ROOT]
    return micropython(), [ROOT, ".frozen"]


class Server(ServerProcess):
    # A ServerProcess whose output is kept in a file, for tests that read the log.
    def __init__(self, runtime, script, args=(), heap=None, path=(ROOT,), cwd=ROOT):
        self.log = tempfile.TemporaryFile()
        super().__init__(runtime, script, args, heap, path, cwd=cwd, output=self.log)
        if not self.ok:
            out = self.output()
            self.stop()
            raise RuntimeError("server failed to start:\n" + out)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        super().stop()
        self.log.close()


@pytest.fixture(scope="session", autouse=True)
def fresh_compiled_templates():
    # The source loader keeps a compiled template once made: start each run from the sources.
    for d in (os.path.join(TESTS, "apps", "webpkg", "templates"), os.path.join(ROOT, "examples", "templates")):
        for f in os.listdir(d):
            if f.endswith("_tpl.py"):
                os.unlink(os.path.join(d, f))


@pytest.fixture(scope="module", params=RUNTIMES)
def full_app(request):
    # tests/apps/full_app.py under each runtime. MicroPython compiles picoweb and this large app
    # from source, so it gets room for that (at 128 KiB, one more name in picoweb made the 64-bit
    # port's next qstr pool, a 3,568-byte block, fail to find room in the middle of compiling);
    # the small-heap behaviour has tests of its own.
    srv = Server(request.param, os.path.join(TESTS, "apps", "full_app.py"), heap="160K")
    yield srv
    srv.stop()
