#!/usr/bin/env python3
"""Put a build on a board over its serial port.

usage: python -m tools.device flash BOARD PORT   erase, then write firmware/<board>/firmware.bin
                                    with esptool at the board's offset; then the ROMFS image, if
                                    one was built, with `mpremote romfs deploy`
       python -m tools.device deploy BOARD PORT  mpremote copies what the last build left for the
                                    board's filesystem (lib/ after `make mpy`; main.py, boot.py,
                                    static/, the local wifi.json), unchanged files skipped, then
                                    resets it

DRY_RUN=1 prints the exact commands without running them.
"""
import os
import sys

from tools import boards
from tools.build import out_dir
from tools.firmware import check_image
from tools.runner import ToolError, main_guard, run, venv_tool

def tool(name):
    return venv_tool(name) or name  # a missing tool is reported when its command runs


def check_port(port, dry):
    if not port:
        raise ToolError("give the board's serial port: PORT=/dev/ttyUSB0 (or /dev/ttyACM0, COM3 ...)")
    if not dry and port.startswith("/dev/") and not os.path.exists(port):
        raise ToolError("serial port %s does not exist: is the board plugged in? (ls /dev/tty*)" % port)


def flash_commands(board, port, dry=False):
    # esptool: erase, then the firmware image at the board's offset (checked first: an image
    # esptool would write is an ESP image); then the ROMFS image where the board has a partition.
    if board["port"] == "unix":
        raise ToolError("the unix board has no flash: `make run BOARD=unix` starts it")
    out = out_dir(board)
    img = os.path.join(out, "firmware.bin")
    if not dry:
        if not os.path.exists(img):
            raise ToolError("no firmware image at %s: run `make firmware BOARD=%s MICROPY_DIR=...`, or put MicroPython's "
                            "released image for %s%s there" % (os.path.relpath(img, boards.ROOT), board["name"],
                                                               board["board"], "-" + board["variant"] if board.get("variant") else ""))
        check_image(img, board)
    base = [tool("esptool"), "--chip", board["chip"], "--port", port, "--baud", str(board["baud"])]
    cmds = [base + ["erase-flash"], base + ["write-flash", "-z"] + board.get("flash_args", []) + [board["flash_offset"], img]]
    romfs = os.path.join(out, "romfs")
    if board.get("romfs") and os.path.isdir(romfs):
        cmds.append([tool("mpremote"), "connect", port, "romfs", "--no-mpy", "deploy", romfs])
    return cmds


def deploy_command(board, port, out=None):
    # What the last build left in firmware/<board>/ (or out) for the board's filesystem: lib/
    # (the .mpy delivery: picoweb, the app, templates, and the micropython-lib modules of
    # require.txt), main.py, boot.py, static/, and the local wifi.json. After a firmware build
    # there is no lib/: those modules are frozen in.
    out = out or out_dir(board)
    lib = os.path.join(out, "lib")
    if not os.path.isdir(lib) and not os.path.exists(os.path.join(out, "main.py")):
        raise ToolError("nothing built for %s: run `make mpy BOARD=%s` (or `make firmware`) first" % (board["name"], board["name"]))
    cmd = [tool("mpremote"), "connect", port]
    if os.path.isdir(lib):
        cmd += ["fs", "cp", "-r", lib, ":.", "+"]  # into ./lib
    for f in ("main.py", "boot.py"):
        if os.path.exists(os.path.join(out, f)):
            cmd += ["fs", "cp", os.path.join(out, f), ":" + f, "+"]
    if os.path.isdir(os.path.join(out, "static")):
        cmd += ["fs", "cp", "-r", os.path.join(out, "static"), ":.", "+"]
    req = os.path.join(out, "require.txt")
    if os.path.isdir(lib) and os.path.exists(req):
        with open(req) as f:
            for name in f.read().split():
                cmd += ["mip", "install", name, "+"]  # micropython-lib modules the app needs
    wifi = os.path.join(boards.ROOT, "wifi.json")
    if board["port"] != "unix" and os.path.exists(wifi):
        cmd += ["fs", "cp", wifi, ":wifi.json", "+"]  # from the local, git-ignored file only
    return cmd + ["reset"]  # the virtual board (unix) resets as a board does


def main(argv):
    if len(argv) < 2 or argv[0] not in ("flash", "deploy"):
        sys.exit(__doc__)
    dry = os.environ.get("DRY_RUN") == "1"
    board = boards.load(argv[1])
    port = argv[2] if len(argv) > 2 else ""
    check_port(port, dry)
    if argv[0] == "flash":
        for c in flash_commands(board, port, dry):
            run(c, dry)
    else:
        run(deploy_command(board, port), dry)


if __name__ == "__main__":
    main_guard(main)
