# The distribution: board files, manifests (evaluated by MicroPython's own manifest tool),
# per-board .mpy builds, the unix board's firmware built for real, the ROMFS image run by the
# MicroPython unix port, and the exact esptool / mpremote / ESP build commands (DRY_RUN).
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, Server
from httpclient import request

from tools import boards  # noqa: E402
from tools import build  # noqa: E402
from tools import firmware  # noqa: E402

BOARDS = ["esp8266", "esp32", "esp32s3", "esp32c3", "unix"]
ARCH_CODES = {"x86": 1, "x64": 2, "xtensa": 9, "xtensawin": 10, "rv32imc": 11}


@pytest.fixture
def fwdir(tmp_path, monkeypatch):
    monkeypatch.setenv("PICOWEB_FIRMWARE_DIR", str(tmp_path / "firmware"))
    return tmp_path / "firmware"


def tool(name, *args, env=None):
    # python -m tools.NAME ARGS, from the project's folder, as the Makefile runs it
    e = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "tools." + name] + list(args), capture_output=True, text=True,
                          env=e, cwd=ROOT, timeout=120)


def test_every_board_is_defined():
    assert boards.names() == sorted(BOARDS)
    offsets = {"esp32": "0x1000", "esp32s3": "0x0", "esp32c3": "0x0", "esp8266": "0x0"}
    for name in BOARDS:
        b = boards.load(name)
        assert b["mpy_arch"] in ARCH_CODES and b["mpy_version"] == "6.3"
        if name in offsets:
            assert b["flash_offset"] == offsets[name] and b["chip"] == name and b["baud"]
            h = b["heap"]  # what the virtual board gives Python when it stands for this board
            assert 0 < h["free"] < h["gc_heap"] and "ports/" in h["source"]
    assert boards.load("esp32")["board"] == "ESP32_GENERIC"
    assert boards.load("esp8266")["romfs"] and not boards.load("esp32")["romfs"]
    assert boards.load("esp8266")["heap"]["gc_heap"] == 38 * 1024  # ports/esp8266/main.c


def test_unknown_board_lists_the_known_ones():
    p = tool("build", "mpy", "esp31")
    assert p.returncode != 0
    assert "unknown board 'esp31'; known boards: esp32, esp32c3, esp32s3, esp8266, unix" in p.stderr


@pytest.mark.parametrize("name", BOARDS)
def test_board_manifest_freezes_the_ports_modules_asyncio_and_picoweb(name, fwdir):
    # MicroPython's own manifest tool, against the port's board folder in its source tree
    b = boards.load(name)
    mods = firmware.frozen_modules(b, build.stage(b, os.path.join(ROOT, "tests", "apps", "full_app.py")))
    assert all(os.path.isfile(f) for f in mods.values())
    assert {"picoweb/__init__.py", "picoweb/http.py", "asyncio/core.py", "asyncio/stream.py"} <= set(mods)
    assert "main.py" not in mods  # the app's main.py stays on the filesystem
    # the board's start-up (a real board's _boot.py mounts the filesystem; the virtual board's own)
    assert ("vboard_main.py" if name == "unix" else "_boot.py") in mods


def test_manifest_freezes_the_staged_app_its_templates_and_requirements(fwdir, tmp_path):
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    (app / "main.py").write_text("import views\n")
    (app / "views.py").write_text("X = 1\n")
    (app / "templates" / "page.tpl").write_text("{% args x %}<p>{{ x }}</p>\n")
    (app / "require.txt").write_text("logging\n")
    st = build.stage(boards.load("esp32"), str(app))
    mods = firmware.frozen_modules(boards.load("esp32"), st)
    staged = {k for k, f in mods.items() if f.startswith(st)}
    assert staged == {"views.py", "templates/page_tpl.py", "templates/__init__.py"}
    assert "logging.py" in mods  # require("logging"), from micropython-lib
    build.build_mpy(boards.load("esp32"), str(app))
    p = tool("device", "deploy", "esp32", "/dev/ttyUSB0", env={"DRY_RUN": "1"})
    assert " + mip install logging + " in p.stdout


@pytest.mark.parametrize("name", BOARDS)
def test_mpy_headers_match_the_board(name, fwdir):
    b = boards.load(name)
    lib = build.build_mpy(b, os.path.join(ROOT, "examples", "hello.py"))
    mpys = [os.path.join(d, f) for d, _, fs in os.walk(lib) for f in fs]
    assert any(p.endswith("picoweb/__init__.mpy") for p in mpys)
    major, minor = (int(x) for x in b["mpy_version"].split("."))
    for p in mpys:
        with open(p, "rb") as f:
            h = f.read(4)
        assert h[0:1] == b"M" and h[1] == major, (p, h)
        assert h[2] >> 2 in (0, ARCH_CODES[b["mpy_arch"]]), (p, h)  # bytecode only: no arch recorded
    assert os.path.isfile(fwdir / name / "main.py")
    assert os.path.isfile(fwdir / name / "boot.py") == (name != "unix")


def test_romfs_image_mounted_and_served_by_the_virtual_board(fwdir):
    # picoweb's .mpy in a ROMFS image, mounted at /rom by the virtual board's stock firmware,
    # which runs their bytecode in place as a board does from its ROMFS partition
    from tools.serverproc import free_port
    from tools.vboard import VirtualBoard

    img = build.build_romfs(boards.load("unix"), os.path.join(ROOT, "examples", "hello.py"))
    with open(img, "rb") as f:
        assert f.read(4)[:3] == b"\xd2\xcd\x31"  # ROMFS magic
    flash = fwdir / "flash"
    flash.mkdir()
    (flash / "main.py").write_text("import picoweb\nprint('picoweb from', picoweb.__file__)\n"
                                   + open(fwdir / "unix" / "main.py").read())
    log = open(fwdir / "console.txt", "wb")
    # The unix port holds the image in its heap (a board, in its flash): the heap is the image's
    # size and 24 KiB more, a small board's (an ESP32, whose firmware can have a ROMFS partition,
    # has some 100 KiB free). It was 64 KiB in all: as the image grew, hello's share shrank.
    heap = os.path.getsize(img) + 24 * 1024
    vb = VirtualBoard(str(flash), firmware.base_firmware(), heap=heap, romfs=img, http_port=free_port(),
                      log=log).start()
    try:
        from httpclient import wait_port

        class Running:
            def poll(self):
                return None

        wait_port(vb.http_port, Running())
        r = request(vb.http_port, path="/")
        assert (r.status, r.body) == (200, b"Hello world")
    finally:
        vb.stop()
        log.close()
    assert b"picoweb from /rom/lib/picoweb/__init__.mpy" in (fwdir / "console.txt").read_bytes()


def test_romfs_delivery_runs_the_bytecode_in_place():
    # make bench's romfs delivery: the image in the firmware's read-only data (out of the heap,
    # as a board's partition is in its flash), mounted at /rom by the board's start-up. Its
    # modules' bytecode runs where it is: importing picoweb from it leaves far less in the heap
    # than from the same .mpy files in lib/, which are copied into it (some 11 KB of bytecode).
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import heap
    from tools.frameworks import frameworks, prepare
    from tools.serverproc import BoardProcess

    pw = [f for f in frameworks() if f.name == "picoweb"][0]
    fwbin, flash = prepare(pw, "hello", "romfs")
    assert not os.path.exists(os.path.join(flash, "lib"))  # in the image only
    where = "import picoweb; assert picoweb.__file__ == '/rom/lib/picoweb/__init__.mpy', picoweb.__file__"
    rom = heap.resident(fwbin, flash, where)
    lib = heap.resident(*prepare(pw, "hello", "mpy"), "import picoweb")
    assert rom + 8192 < lib, (rom, lib)
    b = BoardProcess(fwbin, flash, 64 * 1024, fresh=True)
    try:
        assert b.ok
        r = request(b.port, path="/")
        assert (r.status, r.body) == (200, b"Hello world")
    finally:
        b.stop()


def test_flash_dry_run_prints_the_exact_esptool_commands(fwdir):
    # no image is needed to see the commands
    p = tool("device", "flash", "esp32", "/dev/ttyUSB0", env={"DRY_RUN": "1"})
    assert p.returncode == 0, p.stderr
    img = str(fwdir / "esp32" / "firmware.bin")
    esptool = os.path.join(os.path.dirname(sys.executable), "esptool")
    assert p.stdout.splitlines() == [
        "$ %s --chip esp32 --port /dev/ttyUSB0 --baud 460800 erase-flash" % esptool,
        "$ %s --chip esp32 --port /dev/ttyUSB0 --baud 460800 write-flash -z 0x1000 %s" % (esptool, img),
    ]


@pytest.mark.parametrize("content,message", [
    (None, "no firmware image at"),
    (b"hello", "is not an ESP firmware image: it starts with b'h', not the image magic 0xE9"),
    (b"\xe9" + bytes(4), "is 5 bytes: too small for a MicroPython firmware image"),
])
def test_flash_checks_the_image_before_writing(fwdir, content, message):
    if content is not None:
        (fwdir / "esp32").mkdir(parents=True)
        (fwdir / "esp32" / "firmware.bin").write_bytes(content)
    p = tool("device", "flash", "esp32", "/dev/null")
    assert p.returncode != 0 and message in p.stderr and "Traceback" not in p.stderr
    assert "esptool" not in p.stdout  # nothing was run


def test_flash_esp8266_writes_romfs_with_mpremote(fwdir):
    build.build_romfs(boards.load("esp8266"), os.path.join(ROOT, "examples", "hello.py"))
    (fwdir / "esp8266" / "firmware.bin").write_bytes(bytes(100))
    p = tool("device", "flash", "esp8266", "/dev/ttyUSB1", env={"DRY_RUN": "1"})
    lines = p.stdout.splitlines()
    assert "write-flash -z --flash-size detect 0x0 " in lines[1]
    assert lines[2].endswith("mpremote connect /dev/ttyUSB1 romfs --no-mpy deploy %s" % (fwdir / "esp8266" / "romfs"))


def test_deploy_dry_run_builds_and_prints_the_mpremote_command(fwdir):
    p = tool("device", "deploy", "esp32", "/dev/ttyACM0", os.path.join(ROOT, "examples", "hello.py"), env={"DRY_RUN": "1"})
    assert p.returncode == 0, p.stderr
    out = fwdir / "esp32"
    mpremote = os.path.join(os.path.dirname(sys.executable), "mpremote")
    wifi = " + fs cp %s/wifi.json :wifi.json" % ROOT if os.path.exists(os.path.join(ROOT, "wifi.json")) else ""
    # examples/hello.py takes the static/ beside it along
    assert p.stdout.splitlines()[-1] == ("$ %s connect /dev/ttyACM0 fs cp -r %s/lib :. + fs cp %s/main.py :main.py"
                                         " + fs cp %s/boot.py :boot.py + fs cp -r %s/static :.%s + reset"
                                         % (mpremote, out, out, out, out, wifi))
    assert os.path.isfile(out / "lib" / "picoweb" / "__init__.mpy")


@pytest.mark.parametrize("args,env,message", [
    (["flash", "esp32", ""], {"DRY_RUN": "1"}, "give the board's serial port"),
    (["deploy", "esp32", "/dev/ttyNOPE7"], {}, "serial port /dev/ttyNOPE7 does not exist"),
    (["deploy", "unix", ""], {}, "the virtual board is not running"),
    (["deploy", "esp32c3", "/dev/ttyUSB0", "/nope/app.py"], {"DRY_RUN": "1"}, "no app at /nope/app.py"),
    (["flash", "unix", "/dev/ttyUSB0"], {"DRY_RUN": "1"}, "the unix board has no flash"),
])
def test_device_errors_are_clear(fwdir, args, env, message):
    p = tool("device", *args, env=env)
    assert p.returncode != 0 and message in p.stderr and "Traceback" not in p.stderr


def test_esp_firmware_without_tree_or_toolchain_says_what_to_install(fwdir, tmp_path):
    p = tool("build", "firmware", "esp32", env={"MICROPY_DIR": ""})
    assert "needs a MicroPython tree with the esp32 port" in p.stderr and "git clone" in p.stderr
    mp = tmp_path / "mp"
    for d in ("ports/esp8266", "lib/micropython-lib/micropython", "lib/berkeley-db-1.xx/include"):
        (mp / d).mkdir(parents=True)
    (mp / "ports" / "esp8266" / "Makefile").write_text("")
    p = tool("build", "firmware", "esp8266", env={"MICROPY_DIR": str(mp), "PATH": "/usr/bin:/bin"})
    assert "xtensa-lx106-elf-gcc not found: the esp8266 port needs the ESP8266 toolchain" in p.stderr
    assert "larsks/esp-open-sdk" in p.stderr  # the container image that has it
    assert "Traceback" not in p.stderr


def test_unix_firmware_without_a_submodule_names_it(tmp_path):
    mp = tmp_path / "mp"
    for d in ("py", "ports/unix", "lib/micropython-lib/micropython"):
        (mp / d).mkdir(parents=True)
    p = tool("build", "firmware", "unix", env={"MICROPY_DIR": str(mp)})
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert "lacks the git submodule lib/berkeley-db-1.xx (needed for the btree module): git -C %s submodule " \
           "update --init lib/berkeley-db-1.xx" % mp in p.stderr


def test_board_file_is_json_with_a_note(fwdir):
    for name in BOARDS:
        with open(os.path.join(ROOT, "boards", name, "board.json")) as f:
            assert json.load(f)["note"]


@pytest.mark.parametrize("name,selector,image", [
    ("esp32", "BOARD=ESP32_GENERIC", "build-ESP32_GENERIC"),
    ("esp32s3", "BOARD=ESP32_GENERIC_S3", "build-ESP32_GENERIC_S3"),
    ("esp32c3", "BOARD=ESP32_GENERIC_C3", "build-ESP32_GENERIC_C3"),
    ("esp8266", "BOARD=ESP8266_GENERIC BOARD_VARIANT=FLASH_2M_ROMFS", "build-ESP8266_GENERIC-FLASH_2M_ROMFS"),
])
def test_esp_firmware_dry_run_prints_the_port_build(name, selector, image, fwdir, tmp_path):
    mp = tmp_path / "micropython"
    p = tool("build", "firmware", name, env={"MICROPY_DIR": str(mp), "DRY_RUN": "1"})
    assert p.returncode == 0, p.stderr
    port = "%s/ports/%s" % (mp, boards.load(name)["port"])
    cmds = [l for l in p.stdout.splitlines() if l.startswith("$ ")]
    assert cmds == [
        "$ make -C %s/mpy-cross" % mp,
        "$ make -C %s %s submodules" % (port, selector),
        "$ make -C %s -j2 %s FROZEN_MANIFEST=%s/boards/%s/manifest.py" % (port, selector, ROOT, name),
    ]
    assert "copy %s/%s/firmware.bin -> %s" % (port, image, fwdir / name / "firmware.bin") in p.stdout
    assert "the manifest freezes" in p.stdout and "asyncio/core.py, picoweb/__init__.py, _boot.py" in p.stdout


def test_unix_firmware_is_built_32_bit_with_picoweb_and_the_app_frozen(fwdir):
    p = tool("build", "firmware", "unix", os.path.join(ROOT, "examples", "notes"), env={"ARCH": "32"})
    assert p.returncode == 0, p.stdout + p.stderr
    fw = fwdir / "unix" / "micropython"
    with open(fw, "rb") as f:
        assert f.read(5)[4] == 1  # ELFCLASS32
    assert (fwdir / "unix" / "main.py").is_file() and (fwdir / "unix" / "static" / "notes.css").is_file()
    assert not (fwdir / "unix" / "lib").exists()  # nothing to copy but main.py and static/
    code = ("import picoweb, store, templates.list_tpl, btree, sys; "
            "print(picoweb.__file__, store.__file__, templates.list_tpl.__file__, sys.maxsize)")
    r = subprocess.run([str(fw), "-c", code], capture_output=True, text=True, timeout=30, cwd=str(fwdir),
                       env=dict(os.environ, MICROPYPATH=".frozen"))
    assert r.stdout.split() == ["picoweb/__init__.py", "store.py", "templates/list_tpl.py", str(2 ** 31 - 1)], r.stderr


def test_the_virtual_boards_btree_takes_its_pages_from_the_heap_as_an_esp8266s(tmp_path):
    # ESP8266 firmware gives BerkeleyDB the GC heap, 1 KiB pages, 3 cached at least: a store's
    # cache counts in the heap figures there (the unix port's own build: the C heap, 80 bytes)
    code = ("import btree, gc\n"
            "gc.collect(); a = gc.mem_alloc()\n"
            "db = btree.open(open('t.db', 'w+b'))\n"
            "for i in range(40): db[b'%08d' % i] = b'x' * 100\n"
            "gc.collect(); print(gc.mem_alloc() - a)\n"
            "assert db[b'00000007'] == b'x' * 100 and len(list(db.keys())) == 40\n")
    r = subprocess.run([firmware.base_firmware(32), "-X", "heapsize=64K", "-c", code], capture_output=True,
                       text=True, timeout=60, cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert int(r.stdout) > 3 * 1024, r.stdout
