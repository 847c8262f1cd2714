#!/usr/bin/env python3
"""Put a build on a board over its serial port.

usage: python -m tools.device flash BOARD PORT   erase, then write firmware/<board>/firmware.bin
                                    with esptool at the board's offset; then the ROMFS image, if
                                    one was built, with `mpremote romfs deploy`
       python -m tools.device deploy BOARD PORT [APP]
                                    builds APP (default: the app of the board's last build) and
                                    installs it so that what was just built is what the board
                                    imports, then resets it (see deploy())

DRY_RUN=1 prints the exact commands without running them (and asks the board nothing).
"""
import os
import sys

import json
import subprocess

from tools import boards, build
from tools.build import out_dir
from tools.firmware import check_image
from tools.runner import ToolError, main_guard, run, show, venv_tool

def tool(name):
    return venv_tool(name) or name  # a missing tool is reported when its command runs


def check_port(port, dry, board=None):
    if not port and board and board["port"] == "unix":
        raise ToolError("the virtual board is not running (no %s): start it with `make run`, then deploy from "
                        "another terminal" % os.path.relpath(unix_tty(board), boards.ROOT))
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


def unix_tty(board):
    return os.path.join(out_dir(board), "tty")  # the running virtual board's serial port (tools/vboard)


# Asked of the board before a deploy, in one mpremote exec: whether its firmware has a ROMFS
# partition, and which of the names given are frozen into it (importable with .frozen alone on
# sys.path), with the frozen picoweb's version. Frozen modules come first on a board's sys.path:
# a copy deployed beside them would never be imported.
ASK = """import sys, json
r = False
try:
    import vfs
    r = hasattr(vfs, 'rom_ioctl') and vfs.rom_ioctl(1) > 0
except Exception:
    pass
p = sys.path[:]
sys.path[:] = ['.frozen']
f = []
for m in %r:
    try:
        __import__(m)
        f.append(m)
    except ImportError:
        pass
sys.path[:] = p
print('BOARD-ASKED', json.dumps([r, f, 'picoweb' in f and sys.modules['picoweb'].__version__]))"""


def ask_board(port, names):
    # {"romfs": bool, "frozen": [names], "picoweb": version or None}, from the board itself
    cmd = [tool("mpremote"), "connect", port, "exec", ASK % (list(names),)]
    show(cmd[:4] + ["<what the firmware has: ROMFS partition, frozen modules>"])
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise ToolError("%s not found: run `make setup`" % cmd[0])
    except subprocess.TimeoutExpired:
        raise ToolError("the board on %s does not answer (is a program holding its serial port, or is it "
                        "busy? press its reset button and try again)" % port)
    for line in p.stdout.splitlines():
        if line.startswith("BOARD-ASKED "):
            romfs, frozen, version = json.loads(line[12:])
            return {"romfs": romfs, "frozen": frozen, "picoweb": version or None}
    raise ToolError("the board on %s did not answer mpremote: %s" % (port, (p.stderr or p.stdout).strip()[-300:]))


def deploy(board, port, app=None, dry=False):
    """Builds app for the board and installs it so that what was just built is what the
    board imports: a board's sys.path looks in the firmware's frozen modules first, then in
    /rom (the ROMFS partition), then in lib/.
    - The virtual board (unix): its firmware is rebuilt with the app frozen in (the build is
      incremental), then main.py and static/ are copied and the board resets: it restarts
      on the new firmware.
    - An ESP board is asked first what its firmware holds. What it has frozen is left out
      (picoweb, in this project's firmware), with a warning if it is an app module (only
      `make firmware` and `make flash` change those) or an older picoweb. The rest goes to
      the ROMFS partition where the firmware has one (bytecode run from flash: no heap),
      else to lib/ as .mpy; then main.py, boot.py, static/, wifi.json, and a reset."""
    app = app or build.last_app(board)
    if app:
        print("deploying %s to %s on %s" % (os.path.relpath(app, boards.ROOT), board["name"], port))
    if board["port"] == "unix":
        build.build_unix_firmware(board, app, dry=dry)
        run(deploy_command(board, port), dry)
        return
    st = build.stage(board, app)
    names = ["picoweb"] + build.app_modules(st)
    if dry:
        asked = {"romfs": bool(board.get("romfs")), "frozen": [], "picoweb": None}
        print("(a dry run asks the board nothing: it shows a firmware with %s and nothing frozen)"
              % ("a ROMFS partition" if asked["romfs"] else "no ROMFS partition"))
    else:
        asked = ask_board(port, names)
    frozen = asked["frozen"]
    if "picoweb" in frozen:
        from picoweb import __version__

        print("the board's firmware has picoweb %s frozen in: it is used, and not deployed%s" % (
            asked["picoweb"], "" if asked["picoweb"] == __version__ else
            " (this tree is picoweb %s: `make firmware` and `make flash` put it on the board)" % __version__))
    stale = [n for n in frozen if n != "picoweb"]
    if stale:
        print("warning: the board's firmware has %s frozen in: those copies are what it imports, not these "
              "(`make firmware APP=...` and `make flash` update them)" % ", ".join(stale))
    build.build_mpy(board, app, leave_out=frozen)
    out = out_dir(board)
    romfs = None
    if asked["romfs"]:
        romfs = os.path.join(out, "romfs")
        build.romfs_folder(out, romfs)
    elif board.get("romfs"):
        print("the board's firmware has no ROMFS partition: the modules go to lib/ (a firmware with one: %s)"
              % board["romfs"])
    run(deploy_command(board, port, romfs=romfs), dry)


def deploy_command(board, port, out=None, romfs=None):
    # What the last build left in firmware/<board>/ (or out) for the board's filesystem: lib/
    # (the .mpy delivery: picoweb, the app, templates, and the micropython-lib modules of
    # require.txt), main.py, boot.py, static/, and the local wifi.json. After a firmware build
    # there is no lib/: those modules are frozen in.
    # romfs: a folder to write to the board's ROMFS partition instead of copying lib/.
    out = out or out_dir(board)
    lib = os.path.join(out, "lib")
    if not os.path.isdir(lib) and not os.path.exists(os.path.join(out, "main.py")):
        raise ToolError("nothing built for %s: run `make mpy BOARD=%s` (or `make firmware`) first" % (board["name"], board["name"]))
    cmd = [tool("mpremote"), "connect", port]
    if romfs:
        cmd += ["romfs", "--no-mpy", "deploy", romfs, "+"]
    elif os.path.isdir(lib) and os.listdir(lib):
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
    if not port and board["port"] == "unix" and os.path.exists(unix_tty(board)):
        port = unix_tty(board)
    check_port(port, dry, board)
    if argv[0] == "flash":
        for c in flash_commands(board, port, dry):
            run(c, dry)
    else:
        deploy(board, port, argv[3] if len(argv) > 3 and argv[3] else None, dry)


if __name__ == "__main__":
    main_guard(main)
