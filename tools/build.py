#!/usr/bin/env python3
"""Build what goes on a board, under firmware/<board>/.

usage: python -m tools.build mpy BOARD [APP]        picoweb, the app and its templates as .mpy in lib/
       python -m tools.build romfs BOARD [APP]      the same as a ROMFS image, romfs.img (lib/ inside)
       python -m tools.build firmware BOARD [APP]   MicroPython with all of it frozen: firmware.bin
                                    (ESP boards: needs MICROPY_DIR and the port's toolchain); for
                                    BOARD=unix the binary `micropython` (ARCH=32 or 64)

APP is a .py file (it becomes main.py) or a folder holding main.py, more modules and
packages, templates/, static/ and require.txt (micropython-lib modules it needs, one per line).
Default: examples/hello.py.
"""
import os
import shutil
import sys

from tools import boards, firmware, mpy
from tools import templates as tplbuild
from tools.runner import ToolError, main_guard, run

ROOT = boards.ROOT
DEFAULT_APP = os.path.join(ROOT, "examples", "hello.py")


def out_dir(board):
    # firmware/<board>/ (PICOWEB_FIRMWARE_DIR moves firmware/, as the tests do)
    return os.path.join(os.environ.get("PICOWEB_FIRMWARE_DIR") or os.path.join(ROOT, "firmware"), board["name"])


def stage(board, app):
    # firmware/<board>/stage/: the app's sources as the board gets them (templates compiled
    # to .py), main.py, boot.py and static/. Both the .mpy build and the frozen build use it.
    # A one-file app takes the templates/ and static/ beside it along.
    app = os.path.abspath(app or DEFAULT_APP)
    if not os.path.exists(app):
        raise ToolError("no app at %s" % app)
    st = os.path.join(out_dir(board), "stage")
    shutil.rmtree(st, ignore_errors=True)
    os.makedirs(st)
    if os.path.isfile(app):
        shutil.copy(app, os.path.join(st, "main.py"))
        app = os.path.dirname(app)
    else:
        if not os.path.isfile(os.path.join(app, "main.py")):
            raise ToolError("%s has no main.py" % app)
        for f in sorted(os.listdir(app)):
            if f.endswith(".py") or f == "require.txt":
                shutil.copy(os.path.join(app, f), st)
            elif f not in ("templates", "static") and os.path.isfile(os.path.join(app, f, "__init__.py")):
                # the app's own packages
                shutil.copytree(os.path.join(app, f), os.path.join(st, f), ignore=shutil.ignore_patterns("__pycache__"))
    if os.path.isdir(os.path.join(app, "static")):
        shutil.copytree(os.path.join(app, "static"), os.path.join(st, "static"))
    if os.path.isdir(os.path.join(app, "templates")):
        src, t = os.path.join(app, "templates"), os.path.join(st, "templates")
        tplbuild.build(src, t, mpy=False)
        for f in os.listdir(src):  # templates compiled beforehand (by another compiler, say) whose source isn't here
            if f.endswith("_tpl.py") and not os.path.exists(os.path.join(src, f[: -len("_tpl.py")] + ".tpl")):
                shutil.copy(os.path.join(src, f), t)
        open(os.path.join(t, "__init__.py"), "w").close()
    if board["port"] != "unix" and not os.path.exists(os.path.join(st, "boot.py")):
        shutil.copy(os.path.join(boards.BOARDS, "boot.py"), st)
    return st


def mpy_args(board):
    # For the board's architecture (native code) and the mpy version its firmware loads.
    args = ["-march=" + board["mpy_arch"]]
    if board["mpy_version"] != "6.3":  # an older firmware: an archived compiler
        args = ["-b", board["mpy_version"]] + args
    return args


def build_mpy(board, app=None, with_picoweb=True):
    # firmware/<board>/lib/: picoweb, the app's modules and templates, compiled; main.py,
    # boot.py and static/ beside lib/. (The harness builds its other frameworks' apps without picoweb.)
    st = stage(board, app)
    out = out_dir(board)
    lib = os.path.join(out, "lib")
    shutil.rmtree(lib, ignore_errors=True)
    print("compiling for %s (%s, mpy %s) into %s" % (board["name"], board["mpy_arch"], board["mpy_version"], lib))
    srcs = [os.path.join(ROOT, "picoweb")] if with_picoweb else []
    srcs += [os.path.join(st, f) for f in sorted(os.listdir(st)) if f.endswith(".py") and f not in ("main.py", "boot.py")]
    srcs += [os.path.join(st, d) for d in sorted(os.listdir(st)) if os.path.isfile(os.path.join(st, d, "__init__.py"))]
    mpy.compile_all(lib, srcs, mpy_args(board))
    copy_filesystem_part(st, out)
    return lib


def copy_filesystem_part(st, out):
    # What goes on the board's filesystem whatever the delivery: main.py, boot.py, static/,
    # require.txt (for `make deploy`).
    for f in ("main.py", "boot.py", "require.txt"):
        if os.path.exists(os.path.join(st, f)):
            shutil.copy(os.path.join(st, f), out)
    if os.path.isdir(os.path.join(st, "static")):
        shutil.rmtree(os.path.join(out, "static"), ignore_errors=True)
        shutil.copytree(os.path.join(st, "static"), os.path.join(out, "static"))


def build_romfs(board, app=None):
    # firmware/<board>/romfs.img holding lib/: mounted at /rom, /rom/lib is on sys.path.
    build_mpy(board, app)
    out = out_dir(board)
    src = os.path.join(out, "romfs")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(os.path.join(out, "lib"), os.path.join(src, "lib"))
    img = os.path.join(out, "romfs.img")
    run([os.path.join(os.path.dirname(sys.executable), "mpremote"), "romfs", "--no-mpy", "-o", img, "build", src])
    return img


def build_firmware(board, app=None, arch=None, dry=False):
    # A real firmware build of the port with picoweb and the app frozen in.
    if board["port"] == "unix":
        return build_unix_firmware(board, app, arch or int(os.environ.get("ARCH") or 32), dry)
    st = stage(board, app)
    try:  # the manifest, evaluated by MicroPython's own tool, before the long build or the advice
        mods = firmware.frozen_modules(board, st)
        print("the manifest freezes %d modules, among them %s" % (
            len(mods), ", ".join(m for m in ("asyncio/core.py", "picoweb/__init__.py", "_boot.py") if m in mods)))
    except ToolError as e:
        print("(the manifest was not checked: %s)" % e)
    return firmware.build_esp(board, st, os.path.join(out_dir(board), "firmware.bin"), dry)


def build_unix_firmware(board, app=None, arch=32, dry=False):
    # firmware/unix/micropython: the unix port with picoweb and the app frozen in, and beside
    # it what `make deploy` copies to the virtual board's filesystem (main.py, static/). A
    # lib/ left by `make mpy` goes: frozen modules come first on a board's sys.path anyway.
    st = stage(board, app)
    out = out_dir(board)
    fw = firmware.build_unix(os.path.join(board["dir"], "manifest.py"), os.path.join(out, "micropython"), arch, st, dry)
    if not dry:
        shutil.rmtree(os.path.join(out, "lib"), ignore_errors=True)
        copy_filesystem_part(st, out)
    return fw


def main(argv):
    if len(argv) < 2 or argv[0] not in ("mpy", "romfs", "firmware"):
        sys.exit(__doc__)
    board = boards.load(argv[1])
    app = argv[2] if len(argv) > 2 and argv[2] else None
    if argv[0] == "mpy":
        build_mpy(board, app)
    elif argv[0] == "romfs":
        print("wrote", build_romfs(board, app))
    else:
        build_firmware(board, app, dry=os.environ.get("DRY_RUN") == "1")


if __name__ == "__main__":
    main_guard(main)
