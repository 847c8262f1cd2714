# Pycopy 3.6.1's firmware (make firmware RUNTIME=pycopy, tools/pycopy.py): the manifest it is
# built from, in Pycopy's older manifest language and evaluated by Pycopy's own tool; its unix
# port built for real, 32-bit, with picoweb, uasyncio and the app frozen in, and serving; the
# ESP ports' builds as DRY_RUN prints them.
import ast
import os
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from httpclient import request

from tools import boards  # noqa: E402
from tools import build  # noqa: E402
from tools import firmware  # noqa: E402
from tools import pycopy  # noqa: E402
from tools.frameworks import sdist  # noqa: E402
from tools.serverproc import ServerProcess, free_port  # noqa: E402

UNIX = boards.load("unix")
NOTES = os.path.join(ROOT, "examples", "notes")


@pytest.fixture
def fwdir(tmp_path, monkeypatch):
    # firmware/ of this test's own
    monkeypatch.setenv("PICOWEB_FIRMWARE_DIR", str(tmp_path / "firmware"))
    return tmp_path / "firmware"


def tool(*args, env=None, timeout=600):
    # python -m tools.build ARGS with RUNTIME=pycopy, from the project's folder, as `make` runs it
    e = dict(os.environ, RUNTIME="pycopy")
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "tools.build"] + list(args), capture_output=True, text=True, env=e,
                          cwd=ROOT, timeout=timeout)


def elf_class(path):
    with open(path, "rb") as f:
        return f.read(5)[4]  # 1: ELFCLASS32, 2: ELFCLASS64


class Served:
    """`binary main.py PORT` in folder (the board's filesystem), modules only frozen ones or
    from an empty PYCOPYPATH; stopped with SIGINT, then SIGKILL (Pycopy ignores SIGTERM)."""

    def __init__(self, binary, folder, tmp_path, limit=20.0):
        self.port = free_port()
        empty = tmp_path / "empty-path"
        empty.mkdir(exist_ok=True)
        self.log = open(tmp_path / "server.log", "w+")
        env = dict(os.environ, PYCOPYPATH=str(empty))
        env.pop("PICOWEB_PORT", None)  # the app gets its port as its argument
        self.proc = subprocess.Popen([str(binary), "main.py", str(self.port)], cwd=str(folder), stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)
        end = time.time() + limit
        self.ok = False
        while time.time() < end and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                self.ok = True
                break
            except OSError:
                time.sleep(0.05)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        ServerProcess.stop(self)
        out = self.output()
        self.log.close()
        return out


def test_the_manifest_freezes_picoweb_uasyncio_and_the_app_as_micropythons_does(fwdir):
    build.build_pycopy_firmware(UNIX, NOTES, arch=32, dry=True)
    manifest = os.path.join(pycopy.unix_build_dir(32), "manifest.py")
    with open(manifest) as f:
        tree = ast.parse(f.read())
    # Pycopy's language: calls of freeze() only here (an ESP board's begins with an include())
    assert {type(n.value).__name__ for n in tree.body} == {"Call"}
    assert {n.value.func.id for n in tree.body} == {"freeze"}
    mods = pycopy.manifest_modules(manifest, pycopy.pycopy_dir(), "unix")  # Pycopy's own tool
    # what MicroPython's tool freezes from picoweb's manifest (picoweb and the staged app) ...
    st = str(fwdir / "unix" / "stage")
    same = firmware.frozen_modules(UNIX, st, manifest=os.path.join(ROOT, "manifest.py"))
    assert {"picoweb/__init__.py", "picoweb/http.py", "store.py", "templates/list_tpl.py"} <= set(same)
    assert {k: os.path.realpath(v) for k, v in mods.items() if k in same} == \
        {k: os.path.realpath(v) for k, v in same.items()}
    # ... and besides: Pycopy's uasyncio, and the unix port's own frozen modules
    assert set(mods) - set(same) == {"uasyncio/__init__.py", "uasyncio/core.py", "upip.py", "upip_utarfile.py"}
    assert "main.py" not in mods  # it stays on the filesystem


def test_unix_firmware_builds_32_bit_then_again_at_once(fwdir):
    p = tool("firmware", "unix", NOTES, env={"ARCH": "32"})
    assert p.returncode == 0, p.stdout + p.stderr
    fw = fwdir / "unix" / "pycopy"
    assert elf_class(fw) == 1
    assert (fwdir / "unix" / "main.py").is_file() and (fwdir / "unix" / "static" / "notes.css").is_file()
    binary = os.path.join(pycopy.unix_build_dir(32), "pycopy")
    before = os.stat(binary).st_mtime_ns
    t = time.time()
    p = tool("firmware", "unix", NOTES, env={"ARCH": "32"})
    took = time.time() - t
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count("  up to date") == 2 and took < 15, (took, p.stdout)  # mpy-cross, the port
    assert os.stat(binary).st_mtime_ns == before


def test_frozen_modules_come_first_through_pycopys_virtual_path(fwdir, tmp_path):
    # Pycopy has no ".frozen" on sys.path: frozen modules are looked up first, under '*',
    # whatever PYCOPYPATH and the current folder hold
    p = tool("firmware", "unix", NOTES, env={"ARCH": "32"})
    assert p.returncode == 0, p.stdout + p.stderr
    (tmp_path / "store.py").write_text("raise ImportError('not the frozen one')\n")
    code = ("import sys, uasyncio, store, templates.list_tpl; "
            "print(sys.path, uasyncio.__file__, store.__file__, templates.list_tpl.__file__, sys.maxsize)")
    r = subprocess.run([str(fwdir / "unix" / "pycopy"), "-c", code], capture_output=True, text=True, timeout=30,
                       cwd=str(tmp_path), env=dict(os.environ, PYCOPYPATH=str(tmp_path)))
    assert r.stdout.split() == ["['',", "'%s']" % tmp_path, "*uasyncio/__init__.py", "*store.py",
                                "*templates/list_tpl.py", str(2 ** 31 - 1)], r.stdout + r.stderr


def test_a_module_the_app_no_longer_has_is_no_longer_frozen(fwdir, tmp_path):
    # Pycopy's make regenerates its frozen content only when a source is newer than it
    fw = str(fwdir / "unix" / "pycopy")
    for app, expect in ((NOTES, "*store.py"), (os.path.join(ROOT, "examples", "hello.py"), "gone")):
        p = tool("firmware", "unix", app, env={"ARCH": "32"})
        assert p.returncode == 0, p.stdout + p.stderr
        r = subprocess.run([fw, "-c", "try:\n import store\n print(store.__file__)\nexcept ImportError:\n print('gone')"],
                           capture_output=True, text=True, timeout=30, cwd=str(tmp_path),
                           env=dict(os.environ, PYCOPYPATH=str(tmp_path)))
        assert r.stdout.strip() == expect, r.stdout + r.stderr


def test_a_frozen_picoweb_1_8_2_app_serves(tmp_path):
    # The proof that the frozen firmware serves: picoweb 1.8.2 as published (with the ulogging
    # and pkg_resources it imports), uasyncio and an app module frozen in; main.py on the
    # filesystem, nothing on the module path.
    app = tmp_path / "app"
    app.mkdir()
    (app / "hello_app.py").write_text(
        "import picoweb\n\n"
        "app = picoweb.WebApp(None, serve_static=False)\n\n\n"
        "@app.route('/')\n"
        "def index(req, resp):\n"
        "    yield from picoweb.start_response(resp)\n"
        "    yield from resp.awrite('Hello from frozen picoweb 1.8.2')\n")
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text(
        "import sys\nimport picoweb, hello_app, ulogging\n"
        "print('frozen:', picoweb.__file__, hello_app.__file__, ulogging.__file__)\n"
        "hello_app.app.run(host='127.0.0.1', port=int(sys.argv[1]), debug=0)\n")
    old = sdist("picoweb-1.8.2")
    sources = [os.path.join(old, "picoweb"), os.path.join(sdist("pycopy-ulogging-0.3"), "ulogging.py"),
               os.path.join(sdist("pycopy-pkg_resources-0.2.2"), "pkg_resources.py"),
               os.path.join(pycopy.lib(), "uasyncio"), str(app / "hello_app.py")]
    fw = pycopy.build_unix_firmware(sources, str(tmp_path / "pycopy"), arch=32)
    srv = Served(fw, flash, tmp_path)
    try:
        assert srv.ok, srv.output()
        r = request(srv.port, "GET", "/")
        assert r.status == 200 and r.body == b"Hello from frozen picoweb 1.8.2"
        assert request(srv.port, "GET", "/nope").status == 404
    finally:
        out = srv.stop()
    assert "frozen: *picoweb/__init__.py *hello_app.py *ulogging.py" in out, out


def test_this_picoweb_serves_its_hello_app_from_the_frozen_firmware(fwdir, tmp_path):
    p = tool("firmware", "unix", env={"ARCH": "32"})  # examples/hello.py, the default app
    assert p.returncode == 0, p.stdout + p.stderr
    srv = Served(fwdir / "unix" / "pycopy", fwdir / "unix", tmp_path)
    try:
        assert srv.ok, srv.output()
        r = request(srv.port, "GET", "/")
        assert r.status == 200 and r.body == b"Hello world"
    finally:
        srv.stop()


@pytest.mark.parametrize("name,port,extra,image,offset", [
    ("esp8266", "esp8266", " FROZEN_DIR= FROZEN_MPY_DIR=", "build-GENERIC/firmware-combined.bin", "0x0"),
    ("esp32", "esp32", "", "build-GENERIC/firmware.bin", "0x1000"),
])
def test_esp_firmware_dry_run_prints_pycopys_port_build(name, port, extra, image, offset, fwdir, tmp_path):
    src = tmp_path / "pycopy"
    p = tool("firmware", name, NOTES, env={"PYCOPY_DIR": str(src), "DRY_RUN": "1", "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr
    manifest = os.path.join(ROOT, "build", "pycopy-" + name, "manifest.py")
    cmds = [line for line in p.stdout.splitlines() if line.startswith("$ ")]
    assert cmds == [
        "$ make -C %s/mpy-cross" % src,
        "$ make -C %s/ports/%s BOARD=GENERIC submodules" % (src, port),
        "$ make -C %s/ports/%s -j2 BOARD=GENERIC%s FROZEN_MANIFEST=%s" % (src, port, extra, manifest),
    ]
    assert "copy %s/ports/%s/%s -> %s (written at %s)" % (
        src, port, image, fwdir / name / "firmware-pycopy.bin", offset) in p.stdout
    assert "(not built: PYCOPY_DIR must be a Pycopy tree with ports/%s" % port in p.stdout
    assert "(not built: %s not found" % ("xtensa-lx106-elf-gcc" if port == "esp8266" else "idf.py") in p.stdout
    # the manifest: the port's own (its _boot.py mounts the filesystem), then picoweb,
    # uasyncio and the app; evaluated by Pycopy's tool against a port folder standing in
    with open(manifest) as f:
        assert f.read().splitlines()[1] == "include('$(PORT_DIR)/boards/manifest.py')"
    (src / "ports" / port / "boards").mkdir(parents=True)
    (src / "ports" / port / "modules").mkdir()
    (src / "ports" / port / "modules" / "_boot.py").write_text("")
    (src / "ports" / port / "boards" / "manifest.py").write_text('freeze("$(PORT_DIR)/modules")\n')
    (src / "tools").mkdir()
    os.symlink(os.path.join(pycopy.pycopy_dir(), "tools", "makemanifest.py"), src / "tools" / "makemanifest.py")
    mods = pycopy.manifest_modules(manifest, str(src), port)
    assert {"_boot.py", "picoweb/__init__.py", "uasyncio/core.py", "store.py", "templates/list_tpl.py"} <= set(mods)
    # without DRY_RUN, and without the toolchain: what to install
    (src / "ports" / port / "Makefile").write_text("")
    p = tool("firmware", name, NOTES, env={"PYCOPY_DIR": str(src), "PATH": "/usr/bin:/bin"})
    assert p.returncode != 0 and "Traceback" not in p.stderr
    if port == "esp8266":
        assert "error: xtensa-lx106-elf-gcc not found: Pycopy's esp8266 port needs the ESP8266 toolchain" in p.stderr
    else:
        assert "error: idf.py not found: Pycopy's esp32 port needs ESP-IDF v4" in p.stderr


def test_errors_a_user_can_hit_are_one_clear_line(fwdir, tmp_path):
    p = tool("firmware", "esp32s3", env={"DRY_RUN": "1"})
    assert p.stderr.strip() == "error: Pycopy 3.6.1 has no esp32s3 board (its ESP ports build for esp8266, esp32)"
    p = tool("firmware", "esp32", env={"PYCOPY_DIR": ""})
    assert p.returncode != 0 and len(p.stderr.strip().splitlines()) == 1
    assert "needs a Pycopy tree with the esp32 port" in p.stderr and "git clone https://github.com/pfalcon/pycopy" in p.stderr
    p = tool("firmware", "unix", env={"PYCOPY_DIR": str(tmp_path / "nope")})
    assert p.stderr.strip().splitlines() == ["error: PYCOPY_DIR=%s is not a Pycopy source tree (no ports/unix); "
                                             "%s" % (tmp_path / "nope", pycopy.clone_hint())]
    p = tool("mpy", "esp32")
    assert p.stderr.strip() == "error: RUNTIME=pycopy is for make firmware; make mpy builds for MicroPython"
    p = tool("firmware", "unix", env={"RUNTIME": "cpython"})
    assert p.stderr.strip() == "error: RUNTIME=cpython: give micropython or pycopy"


def test_a_failing_make_names_its_log(fwdir, tmp_path):
    src = tmp_path / "pycopy"
    (src / "ports" / "unix").mkdir(parents=True)
    (src / "mpy-cross").mkdir()
    (src / "mpy-cross" / "Makefile").write_text("all:\n\t@echo 'broken on purpose'; exit 1\n")
    p = tool("firmware", "unix", env={"PYCOPY_DIR": str(src), "ARCH": "64"})
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert p.stderr.startswith("error: Pycopy's mpy-cross failed (make exit 2); the last lines of "
                               "build/pycopy-unix-64/mpy-cross.log:")
    assert "broken on purpose" in p.stderr
