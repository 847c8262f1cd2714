#!/usr/bin/env python3
"""Build what goes on a board, under firmware/<board>/.

usage: python -m tools.build mpy BOARD [APP]        picoweb, the app and its templates as .mpy in lib/
       python -m tools.build romfs BOARD [APP]      the same as a ROMFS image, romfs.img (lib/ inside)
       python -m tools.build firmware BOARD [APP]   MicroPython with all of it frozen: firmware.bin
                                    (ESP boards: needs MICROPY_DIR and the port's toolchain); for
                                    BOARD=unix the binary `micropython` (ARCH=32 or 64)
       RUNTIME=pycopy python -m tools.build firmware BOARD [APP]   the same with Pycopy 3.6.1
                                    (tools/pycopy.py): for BOARD=unix the binary `pycopy`, for
                                    an ESP board firmware-pycopy.bin (needs PYCOPY_DIR)

APP is a .py file (it becomes main.py) or a folder holding main.py, more modules and
packages, templates/, static/ and require.txt (micropython-lib modules it needs, one per line).
Default: examples/hello.py.
"""
import filecmp
import os
import re
import shutil
import sys

from tools import boards, firmware, mpy, pycopy
from tools import templates as tplbuild
from tools.runner import ToolError, main_guard, run

ROOT = boards.ROOT
DEFAULT_APP = os.path.join(ROOT, "examples", "hello.py")


def out_dir(board):
    # firmware/<board>/ (PICOWEB_FIRMWARE_DIR moves firmware/, as the tests do)
    return os.path.join(os.environ.get("PICOWEB_FIRMWARE_DIR") or os.path.join(ROOT, "firmware"), board["name"])


def last_app(board):
    # The app the last build for the board was of (firmware/<board>/app.txt), or None
    try:
        with open(os.path.join(out_dir(board), "app.txt")) as f:
            return f.read().strip() or None
    except OSError:
        return None


def app_modules(st):
    # The importable names a staged app brings besides main.py: its modules, its packages
    # (templates/ among them)
    return sorted(f[:-3] for f in os.listdir(st) if f.endswith(".py") and f not in ("main.py", "boot.py")) + \
        sorted(d for d in os.listdir(st) if os.path.isfile(os.path.join(st, d, "__init__.py")))


def stage(board, app):
    # firmware/<board>/stage/: the app's sources as the board gets them (templates compiled
    # to .py), main.py, boot.py and static/. Both the .mpy build and the frozen build use it.
    # A one-file app takes the static/ beside it along, and of the templates/ beside it those
    # its source names ("page.tpl"; what they include is compiled into them).
    app = os.path.abspath(app or DEFAULT_APP)
    if not os.path.exists(app):
        raise ToolError("no app at %s" % app)
    final = os.path.join(out_dir(board), "stage")
    st = final + ".new"
    shutil.rmtree(st, ignore_errors=True)
    os.makedirs(st)
    with open(os.path.join(out_dir(board), "app.txt"), "w") as f:  # what `make deploy` rebuilds
        f.write(app)
    names = None  # the templates to build: all of an app folder's
    if os.path.isfile(app):
        shutil.copy(app, os.path.join(st, "main.py"))
        with open(app, encoding="utf-8") as f:  # the examples share one templates/ folder
            names = set(re.findall(r"""["']([\w.-]+\.tpl)["']""", f.read()))
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
    if os.path.isdir(os.path.join(app, "templates")) and names != set():
        src, t = os.path.join(app, "templates"), os.path.join(st, "templates")
        tplbuild.build(src, t, mpy=False, names=names)
        for f in os.listdir(src):  # templates compiled beforehand (by another compiler, say) whose source isn't here
            tpl = f[: -len("_tpl.py")] + ".tpl"
            if f.endswith("_tpl.py") and not os.path.exists(os.path.join(src, tpl)) and (names is None or tpl in names):
                shutil.copy(os.path.join(src, f), t)
        open(os.path.join(t, "__init__.py"), "w").close()
    if board["port"] != "unix" and not os.path.exists(os.path.join(st, "boot.py")):
        shutil.copy(os.path.join(boards.BOARDS, "boot.py"), st)
    _sync(st, final)
    shutil.rmtree(st)
    return final


def _sync(src, dst):
    # dst made the same as src, leaving alone each file whose content has not changed: its
    # time is kept, so the builds after this one (mpy-cross, the frozen build) skip it.
    os.makedirs(dst, exist_ok=True)
    for f in set(os.listdir(dst)) - set(os.listdir(src)):
        p = os.path.join(dst, f)
        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
    for f in os.listdir(src):
        s, d = os.path.join(src, f), os.path.join(dst, f)
        if os.path.isdir(s):
            if os.path.isfile(d):
                os.remove(d)
            _sync(s, d)
        elif not (os.path.isfile(d) and filecmp.cmp(s, d, shallow=False)):
            if os.path.isdir(d):
                shutil.rmtree(d)
            shutil.copy(s, d)


def mpy_args(board):
    # For the board's architecture (native code) and the mpy version its firmware loads.
    args = ["-march=" + board["mpy_arch"]]
    if board["mpy_version"] != "6.3":  # an older firmware: an archived compiler
        args = ["-b", board["mpy_version"]] + args
    return args


def build_mpy(board, app=None, with_picoweb=True, leave_out=()):
    # firmware/<board>/lib/: picoweb, the app's modules and templates, compiled; main.py,
    # boot.py and static/ beside lib/. (The harness builds its other frameworks' apps without
    # picoweb; `make deploy` leaves out what the board's firmware has frozen.)
    st = stage(board, app)
    out = out_dir(board)
    lib = os.path.join(out, "lib")
    print("compiling for %s (%s, mpy %s) into %s" % (board["name"], board["mpy_arch"], board["mpy_version"], lib))

    def source(name):
        if name == "picoweb":
            return os.path.join(ROOT, "picoweb")
        path = os.path.join(st, name)
        return path if os.path.isdir(path) else path + ".py"

    names = (["picoweb"] if with_picoweb else []) + app_modules(st)
    built = mpy.compile_all(lib, [source(n) for n in names if n not in leave_out], mpy_args(board))
    for d, _, files in os.walk(lib, topdown=False):  # what an earlier build left and this one has not
        for f in files:
            if os.path.join(d, f) not in built:
                os.remove(os.path.join(d, f))
        if not os.listdir(d) and d != lib:
            os.rmdir(d)
    os.makedirs(lib, exist_ok=True)
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


def romfs_folder(out, src):
    # What a ROMFS image holds: lib/, so /rom/lib is on sys.path
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(os.path.join(out, "lib"), os.path.join(src, "lib"))


def build_romfs(board, app=None):
    # firmware/<board>/romfs.img holding lib/: mounted at /rom, /rom/lib is on sys.path.
    if not board.get("romfs"):
        print("warning: %s's stock MicroPython firmware has no ROMFS partition, so this image can't go on it. "
              "Instead: `make deploy` puts the same .mpy files in its lib/, `make firmware` freezes them into "
              "the firmware (no heap for their bytecode); a ROMFS needs a firmware built with MICROPY_VFS_ROM "
              "and a partition table that has one." % board["name"])
    build_mpy(board, app)
    out = out_dir(board)
    src = os.path.join(out, "romfs")
    romfs_folder(out, src)
    return pack_romfs(src, os.path.join(out, "romfs.img"))


def pack_romfs(src, img):
    # The folder src as the ROMFS image img (mpremote's builder; its files as they are)
    run([os.path.join(os.path.dirname(sys.executable), "mpremote"), "romfs", "--no-mpy", "-o", img, "build", src])
    return img


def build_firmware(board, app=None, arch=None, dry=False, runtime="micropython"):
    # A real firmware build of the port with picoweb and the app frozen in.
    if runtime == "pycopy":
        return build_pycopy_firmware(board, app, arch, dry)
    if board["port"] == "unix":
        return build_unix_firmware(board, app, arch, dry)
    st = stage(board, app)
    try:  # the manifest, evaluated by MicroPython's own tool, before the long build or the advice
        mods = firmware.frozen_modules(board, st)
        print("the manifest freezes %d modules, among them %s" % (
            len(mods), ", ".join(m for m in ("asyncio/core.py", "picoweb/__init__.py", "_boot.py") if m in mods)))
    except ToolError as e:
        print("(the manifest was not checked: %s)" % e)
    return firmware.build_esp(board, st, os.path.join(out_dir(board), "firmware.bin"), dry)


def build_unix_firmware(board, app=None, arch=None, dry=False):
    # firmware/unix/micropython: the unix port with picoweb and the app frozen in, and beside
    # it what `make deploy` copies to the virtual board's filesystem (main.py, static/). A
    # lib/ left by `make mpy` goes: frozen modules come first on a board's sys.path anyway.
    arch = arch or int(os.environ.get("ARCH") or 0) or firmware.elf_bits(os.path.join(out_dir(board), "micropython")) or 32
    st = stage(board, app)
    out = out_dir(board)
    fw = firmware.build_unix(os.path.join(board["dir"], "manifest.py"), os.path.join(out, "micropython"), arch, st, dry)
    if not dry:
        shutil.rmtree(os.path.join(out, "lib"), ignore_errors=True)
        copy_filesystem_part(st, out)
    return fw


def build_pycopy_firmware(board, app=None, arch=None, dry=False):
    # Pycopy's port built by its own make (tools/pycopy.py) with picoweb, uasyncio and the same
    # staged app frozen in: firmware/unix/pycopy (main.py and static/ beside it, as for
    # MicroPython), or firmware/<board>/firmware-pycopy.bin.
    st = stage(board, app)
    out = out_dir(board)
    sources = pycopy.framework() + [os.path.join(st, n) + ("" if os.path.isdir(os.path.join(st, n)) else ".py")
                                    for n in app_modules(st)]
    if os.path.isfile(os.path.join(st, "require.txt")):  # micropython-lib modules, for MicroPython
        print("warning: require.txt is not frozen: Pycopy's manifests have no require(); put the modules the app "
              "needs in its folder")
    if board["port"] != "unix":
        return pycopy.build_esp(board, sources, os.path.join(out, "firmware-pycopy.bin"), dry)
    arch = arch or int(os.environ.get("ARCH") or 0) or firmware.elf_bits(os.path.join(out, "pycopy")) or 32
    fw = pycopy.build_unix_firmware(sources, os.path.join(out, "pycopy"), arch, dry)
    if not dry:
        shutil.rmtree(os.path.join(out, "lib"), ignore_errors=True)
        copy_filesystem_part(st, out)
    return fw


RUNTIMES = ("micropython", "pycopy")


def main(argv):
    if len(argv) < 2 or argv[0] not in ("mpy", "romfs", "firmware"):
        sys.exit(__doc__)
    runtime = os.environ.get("RUNTIME") or "micropython"
    if runtime not in RUNTIMES:
        raise ToolError("RUNTIME=%s: give %s" % (runtime, " or ".join(RUNTIMES)))
    if runtime != "micropython" and argv[0] != "firmware":
        raise ToolError("RUNTIME=%s is for make firmware; make %s builds for MicroPython" % (runtime, argv[0]))
    board = boards.load(argv[1])
    app = argv[2] if len(argv) > 2 and argv[2] else None
    if argv[0] == "mpy":
        build_mpy(board, app)
    elif argv[0] == "romfs":
        print("wrote", build_romfs(board, app))
    else:
        build_firmware(board, app, dry=os.environ.get("DRY_RUN") == "1", runtime=runtime)


if __name__ == "__main__":
    main_guard(main)
