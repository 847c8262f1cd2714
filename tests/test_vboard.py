# The virtual board: its 32-bit firmware with the heap of the board it stands for, driven
# unmodified by mpremote over its pty, as a board is.
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from httpclient import request, wait_port


class Running:
    def poll(self):
        return None

from tools import boards  # noqa: E402
from tools import build  # noqa: E402
from tools import device  # noqa: E402
from tools import firmware  # noqa: E402
from tools.serverproc import free_port  # noqa: E402
from tools.vboard import VirtualBoard  # noqa: E402

MPREMOTE = os.path.join(os.path.dirname(sys.executable), "mpremote")


def mpremote(port, *args, timeout=60):
    return subprocess.run([MPREMOTE, "connect", port] + list(args), capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def vb(tmp_path, monkeypatch):
    # the stock firmware (asyncio, no picoweb): what the drop-in path deploys to
    monkeypatch.setenv("PICOWEB_FIRMWARE_DIR", str(tmp_path / "firmware"))
    b = VirtualBoard(str(tmp_path / "flash"), firmware.base_firmware(), "esp32", http_port=free_port()).start()
    yield b
    b.stop()
    assert b.proc.poll() is not None  # nothing left running


def test_heap_stands_for_the_board(tmp_path):
    # LIKE=esp8266: a 38 KiB GC heap (a 38,016-byte pool, as ports/esp8266/main.c gives), of which
    # what its boot and Wi-Fi keep is held back; gc.threshold as its _boot.py sets it
    b = VirtualBoard(str(tmp_path / "flash"), firmware.base_firmware(), "esp8266").start()
    try:
        p = mpremote(b.port, "exec", "import gc; gc.collect(); print('heap', gc.mem_free() + gc.mem_alloc(), "
                                     "gc.mem_free(), gc.threshold())")
        total, free, threshold = (int(x) for x in p.stdout.split("heap ")[1].split())
        assert total == 38016 and threshold == 38016 // 4
        assert 32736 - 1024 < free <= 32736  # the raw REPL's own objects take a little
    finally:
        b.stop()


def test_mpremote_exec_soft_resets_and_runs_code(vb):
    p = mpremote(vb.port, "exec", "import sys; print(sys.implementation.name, 6 * 7)")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "micropython 42" in p.stdout
    assert vb.boots >= 2  # mpremote's soft reset restarted the interpreter
    p = mpremote(vb.port, "exec", "print('again')")
    assert "again" in p.stdout


def test_files_go_to_the_boards_flash_folder(vb):
    p = mpremote(vb.port, "fs", "mkdir", "data", "+", "exec", "open('data/x.txt', 'w').write('hi')", "+", "fs", "ls", "data")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "x.txt" in p.stdout
    with open(os.path.join(vb.flash, "data", "x.txt")) as f:
        assert f.read() == "hi"


def test_deploy_then_reset_runs_main_py_and_serves(vb):
    # the drop-in path: picoweb and the app as .mpy in the board's lib/, on the stock firmware
    board = boards.load("unix")
    build.build_mpy(board, os.path.join(ROOT, "examples", "hello.py"))
    p = subprocess.run(device.deploy_command(board, vb.port), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert os.path.isfile(os.path.join(vb.flash, "lib", "picoweb", "__init__.mpy"))
    wait_port(vb.http_port, Running())  # the board restarted: it is a new process
    assert request(vb.http_port, path="/").body == b"Hello world"
    p = mpremote(vb.port, "exec", "import picoweb; print(picoweb.__file__)")
    assert "lib/picoweb/__init__.mpy" in p.stdout
    # deploying again copies nothing that has not changed
    p = subprocess.run(device.deploy_command(board, vb.port), capture_output=True, text=True, timeout=120)
    assert "Up to date: main.py" in p.stdout


def test_boot_py_runs_at_power_on_and_after_every_reset(tmp_path):
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "boot.py").write_text("open('boots.txt', 'a').write('b')\n")
    vb = VirtualBoard(str(flash), firmware.base_firmware(), "esp32").start()
    try:
        for _ in range(2):  # each mpremote session soft-resets the board once
            assert mpremote(vb.port, "exec", "print('hello')").returncode == 0
        assert vb.boots == 3
        assert (flash / "boots.txt").read_text() == "bbb"
    finally:
        vb.stop()
