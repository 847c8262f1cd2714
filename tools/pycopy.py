#!/usr/bin/env python3
"""Pycopy, the platform picoweb was born on (pfalcon's MicroPython fork, 3.6.1): its unix port
built from PYCOPY_DIR or the vendored source archive, its uasyncio from the sdists, and its
firmware with picoweb, uasyncio and an app frozen in (the unix port; the ESP ports' builds).

Pycopy reads its module path from PYCOPYPATH (not MICROPYPATH); its modules are the u-named
ones (utime, ujson, usocket ...), and uasyncio is a library, not built in. Its frozen modules
are found before sys.path (a virtual path, '*': picoweb.__file__ is "*picoweb/__init__.py");
sys.path has no ".frozen" entry.

Its manifest language is the older one (tools/makemanifest.py): include(), freeze(),
freeze_as_str(), freeze_as_mpy(), freeze_mpy(); no module(), package() or require(). The
manifest a firmware is built from is generated (build/pycopy-*/manifest.py).

usage: python -m tools.pycopy            builds (once) and prints the binary and the lib folder
"""
import glob
import importlib.util
import os
import shutil

from tools import ROOT, firmware
from tools.firmware import BUILD, BuildLock, make_env, run_make, unpack_once, vendor_dir
from tools.runner import ToolError, main_guard, show

PYCOPY_COMMIT = "d590892d235cdb318d0b830c1cedb6b81dad16d2"  # 3.6.1, the tested one
PYCOPY_GIT = "https://github.com/pfalcon/pycopy"
LIB = os.path.join(BUILD, "pycopy-lib")  # uasyncio, for PYCOPYPATH
# The unix port links frozen .mpy support in only with FROZEN_MPY_DIR (its upip); a manifest's
# frozen_content.c defines the same symbols as that folder's frozen_mpy.c and FROZEN_DIR's
# frozen.c, so a manifest build empties both and asks for the support itself (as its Makefile
# does for FROZEN_MPY_DIR). The port's modules/ are then frozen through the manifest.
FROZEN_CFLAGS = "-DMICROPY_MODULE_FROZEN_MPY=1 -DMICROPY_QSTR_EXTRA_POOL=mp_qstr_frozen_const_pool -DMPZ_DIG_SIZE=16"
NO_FROZEN_DIRS = ["FROZEN_DIR=", "FROZEN_MPY_DIR="]


def clone_hint():
    return ("git clone %s && git -C pycopy checkout %s && git -C pycopy submodule update --init lib/berkeley-db-1.xx, "
            "then give PYCOPY_DIR=path/to/pycopy" % (PYCOPY_GIT, PYCOPY_COMMIT[:10]))


def pycopy_dir():
    """The Pycopy source tree: PYCOPY_DIR, else the vendored archive unpacked under build/."""
    d = os.environ.get("PYCOPY_DIR")
    if d:
        d = os.path.abspath(os.path.expanduser(d))
        if not os.path.isdir(os.path.join(d, "ports", "unix")):
            raise ToolError("PYCOPY_DIR=%s is not a Pycopy source tree (no ports/unix); %s" % (d, clone_hint()))
        return d
    found = sorted(glob.glob(os.path.join(vendor_dir(), "pycopy-*.tar.xz")))
    if not found:
        raise ToolError("no Pycopy source tree: give PYCOPY_DIR=path, or: %s" % clone_hint())
    return unpack_once(found[-1], os.path.basename(found[-1])[: -len(".tar.xz")])


def build_command(src, build_dir, arch=64, manifest=None):
    # The unix port without TLS and FFI (neither needs its library then); -m32 for a 32-bit
    # build; FROZEN_MANIFEST for a firmware with modules frozen in.
    cmd = ["make", "-C", os.path.join(src, "ports", "unix"), "-j2", "MICROPY_PY_USSL=0", "MICROPY_PY_FFI=0",
           "BUILD=" + build_dir, "PROG=" + os.path.join(build_dir, "pycopy")]
    cflags = ["-m32"] if arch == 32 else []
    if manifest:
        cflags.append(FROZEN_CFLAGS)
        cmd += NO_FROZEN_DIRS + ["MPY_CROSS_FLAGS=-mcache-lookup-bc", "FROZEN_MANIFEST=" + os.path.abspath(manifest)]
    if cflags:
        cmd.append("CFLAGS_EXTRA=" + " ".join(cflags))
    if arch == 32:
        cmd.append("LDFLAGS_EXTRA=-m32")
    return cmd


def _mpy_cross(src, build_dir, env):
    # first: the port's build freezes with it
    run_make(["make", "-C", os.path.join(src, "mpy-cross"), "-j2"], os.path.join(build_dir, "mpy-cross.log"), env,
             "Pycopy's mpy-cross")


def _make_port(src, build_dir, arch, manifest, env):
    run_make(build_command(src, build_dir, arch, manifest), os.path.join(build_dir, "make.log"), env,
             "Pycopy unix port (%d-bit%s)" % (arch, ", frozen: " + os.path.relpath(manifest, ROOT) if manifest else ""))


def build(build_dir, arch=64, manifest=None, env=None):
    """Builds Pycopy's unix port in build_dir (incrementally); returns the binary's path."""
    src = pycopy_dir()
    env = make_env(**(env or {}))
    with BuildLock(build_dir + ".lock"):
        _mpy_cross(src, build_dir, env)
        _make_port(src, build_dir, arch, manifest, env)
    return os.path.join(build_dir, "pycopy")


_built = {}


def pycopy(arch=64):
    """The plain Pycopy unix binary (built once, cached under build/pycopy-<arch>/)."""
    if arch not in _built:
        _built[arch] = build(os.path.join(BUILD, "pycopy-%d" % arch), arch)
    return _built[arch]


def lib():
    """build/pycopy-lib/: uasyncio (pycopy-uasyncio 3.7 and uasyncio.core 2.3.3), for PYCOPYPATH."""
    marker = os.path.join(LIB, ".made")
    if not os.path.exists(marker):
        from tools.frameworks import sdist

        for name in ("pycopy-uasyncio-3.7", "pycopy-uasyncio.core-2.3.3"):
            if not os.path.isfile(os.path.join(vendor_dir(), "sdist", name + ".tar.gz")):
                raise ToolError("Pycopy's uasyncio needs the sdist %s.tar.gz in %s (PICOWEB_VENDOR moves it)"
                                % (name, os.path.join(vendor_dir(), "sdist")))
        shutil.rmtree(LIB, ignore_errors=True)
        os.makedirs(os.path.join(LIB, "uasyncio"))
        shutil.copy(os.path.join(sdist("pycopy-uasyncio-3.7"), "uasyncio", "__init__.py"), os.path.join(LIB, "uasyncio"))
        shutil.copy(os.path.join(sdist("pycopy-uasyncio.core-2.3.3"), "uasyncio", "core.py"), os.path.join(LIB, "uasyncio"))
        open(marker, "w").close()
    return LIB


# ---- firmware: picoweb, uasyncio and the app frozen in ----

def framework():
    # What every Pycopy firmware of picoweb freezes besides the app: picoweb and uasyncio.
    return [os.path.join(ROOT, "picoweb"), os.path.join(lib(), "uasyncio")]


def frozen_files(sources):
    """{target: source file} for packages (their .py files, as MicroPython's package() takes
    them) and modules; ToolError if two would be frozen under one name."""
    out = {}
    for s in sources:
        if not os.path.exists(s):
            raise ToolError("nothing to freeze at %s" % s)
        base = os.path.dirname(os.path.abspath(s))
        files = [os.path.abspath(s)] if os.path.isfile(s) else sorted(
            os.path.join(d, f) for d, dirs, fs in os.walk(s) if "__pycache__" not in d for f in fs if f.endswith(".py"))
        for f in files:
            target = os.path.relpath(f, base)
            if target in out:
                raise ToolError("two modules would be frozen as %s: %s and %s" % (target, out[target], f))
            out[target] = f
    return out


def write_manifest(path, port_line, files):
    """Writes a manifest in Pycopy's language: port_line (the port's own frozen modules), then
    one freeze(base, (targets...)) per folder the files come from. Rewritten only if changed."""
    bases = {}
    for target, f in sorted(files.items()):
        bases.setdefault(f[: -len(target)].rstrip("/"), []).append(target)
    text = "# Generated by tools/pycopy.py for Pycopy's tools/makemanifest.py: do not edit.\n%s\n" % port_line
    text += "".join("freeze(%r, (\n%s))\n" % (base, "".join("    %r,\n" % t for t in targets))
                    for base, targets in bases.items())
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path) as f:
            if f.read() == text:
                return path
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text)
    return path


def manifest_modules(manifest, src, port, board_dir=""):
    """Evaluates a manifest with the tree's own tools/makemanifest.py, as its build will: every
    file it freezes, {target: source}. Errors come before the long build, in one line."""
    tool = os.path.join(src, "tools", "makemanifest.py")
    if not os.path.isfile(tool):
        raise ToolError("%s is not a Pycopy source tree (no tools/makemanifest.py); %s" % (src, clone_hint()))
    spec = importlib.util.spec_from_file_location("pycopy_makemanifest", tool)
    mm = importlib.util.module_from_spec(spec)  # a fresh one: its state is module-global
    spec.loader.exec_module(mm)
    mm.VARS.update(MPY_DIR=src, MPY_LIB_DIR=os.path.join(os.path.dirname(src), "pycopy-lib"),
                   PORT_DIR=os.path.join(src, "ports", port), BOARD_DIR=board_dir)
    cwd = os.getcwd()
    try:
        mm.include(manifest)
    except (mm.FreezeError, OSError) as e:
        raise ToolError("%s: %s" % (os.path.relpath(manifest, ROOT), e))
    finally:
        os.chdir(cwd)
    return {script: os.path.join(path, script) for kind, path, script, opt in mm.manifest_list if script}


def unix_build_dir(arch):
    return os.path.join(BUILD, "pycopy-unix-%d" % arch)


def build_unix_firmware(sources, out, arch=32, dry=False):
    """Pycopy's unix port with its own modules/ and sources (packages, modules) frozen in, in
    build/pycopy-unix-<arch>/ (incrementally), copied to out. With dry, the manifest is written
    and the make command printed."""
    src = pycopy_dir()
    build_dir = unix_build_dir(arch)
    manifest = os.path.join(build_dir, "manifest.py")
    if arch == 32 and not dry:
        firmware.check_m32()
    env = make_env()
    with BuildLock(build_dir + ".lock"):  # the manifest too: a build under way reads it
        write_manifest(manifest, "freeze('$(PORT_DIR)/modules')", frozen_files(sources))
        if dry:
            show(build_command(src, build_dir, arch, manifest))
            return out
        _mpy_cross(src, build_dir, env)
        # its make regenerates frozen content only when a source is newer than it: a module
        # gone, or an app older than the last, would be missed
        firmware._forget_stale_frozen(build_dir, firmware._frozen_signature(manifest_modules(manifest, src, "unix")))
        _make_port(src, build_dir, arch, manifest, env)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copy(os.path.join(build_dir, "pycopy"), out + ".tmp")
        os.replace(out + ".tmp", out)  # a board running the old binary keeps it
    print("firmware: %s" % os.path.relpath(out, ROOT), flush=True)
    return out


# Pycopy 3.6.1's ESP ports (pfalcon/pycopy at v3.6.1: ports/*/Makefile, README.md, tools/ci.sh):
# per board of ours, Pycopy's board, the image its build makes, the toolchain's command and what
# to install. It has no ESP32-S3 or C3 board.
ESP = {
    "esp8266": ("GENERIC", "build-GENERIC/firmware-combined.bin", "xtensa-lx106-elf-gcc",
                "the ESP8266 toolchain xtensa-lx106-elf (pfalcon's esp-open-sdk, or the standalone tarball Pycopy's "
                "CI uses) and esptool.py, on PATH; or build in the container larsks/esp-open-sdk, which has them"),
    "esp32": ("GENERIC", "build-GENERIC/firmware.bin", "idf.py",
              "ESP-IDF v4 (Pycopy 3.6.1 supports v4.0.2, v4.1.1 and v4.2): install it and `source export.sh`, "
              "which puts idf.py on PATH"),
}


def esp_commands(board, src, manifest):
    """The port's build as Pycopy's README and CI give it: mpy-cross, the port's submodules, the
    port with the manifest. The esp8266 Makefile would also freeze modules/ and scripts/ by
    folder (the same symbols as the manifest's): emptied, its manifest freezes them."""
    name, _, _, _ = ESP[board["name"]]
    port = os.path.join(src, "ports", board["port"])
    extra = NO_FROZEN_DIRS if board["port"] == "esp8266" else []
    return [["make", "-C", os.path.join(src, "mpy-cross")],
            ["make", "-C", port, "BOARD=" + name, "submodules"],
            ["make", "-C", port, "-j2", "BOARD=" + name] + extra + ["FROZEN_MANIFEST=" + manifest]]


def build_esp(board, sources, out, dry=False):
    """The port's real build when PYCOPY_DIR holds the port and its toolchain is on PATH; with
    DRY_RUN, its commands. Otherwise a ToolError saying what to install."""
    if board["name"] not in ESP:
        raise ToolError("Pycopy 3.6.1 has no %s board (its ESP ports build for %s)" % (board["chip"], ", ".join(ESP)))
    logs = os.path.join(BUILD, "pycopy-" + board["name"])  # its manifest and the logs
    with BuildLock(logs + ".lock"):  # the manifest too: a build under way reads it
        return _esp(board, sources, out, logs, dry)


def _esp(board, sources, out, logs, dry):
    name, image, tool, what = ESP[board["name"]]
    src = os.environ.get("PYCOPY_DIR")
    src = os.path.abspath(os.path.expanduser(src)) if src else None
    full = src and os.path.isfile(os.path.join(src, "ports", board["port"], "Makefile"))
    manifest = write_manifest(os.path.join(logs, "manifest.py"), "include('$(PORT_DIR)/boards/manifest.py')",
                              frozen_files(sources))
    cmds = esp_commands(board, src or "$PYCOPY_DIR", manifest)
    img = os.path.join(src or "$PYCOPY_DIR", "ports", board["port"], image)
    if dry:
        for c in cmds:
            show(c)
        print("copy %s -> %s (written at %s)" % (img, out, board["flash_offset"]))
        if not full:
            print("(not built: PYCOPY_DIR must be a Pycopy tree with ports/%s, %s)" % (board["port"], clone_hint()))
        if not shutil.which(tool):
            print("(not built: %s not found: Pycopy's %s port needs %s)" % (tool, board["port"], what))
        return out
    if not full:
        raise ToolError("building Pycopy for %s needs a Pycopy tree with the %s port (the vendored one holds only "
                        "the unix port): %s" % (board["name"], board["port"], clone_hint()))
    if not shutil.which(tool):
        raise ToolError("%s not found: Pycopy's %s port needs %s" % (tool, board["port"], what))
    port = os.path.join(src, "ports", board["port"])
    mods = manifest_modules(manifest, src, board["port"], os.path.join(port, "boards", name))
    firmware._forget_stale_frozen(os.path.join(port, os.path.dirname(image)), firmware._frozen_signature(mods))
    env = make_env()
    run_make(cmds[0], os.path.join(logs, "mpy-cross.log"), env, "Pycopy's mpy-cross")
    run_make(cmds[1], os.path.join(logs, "submodules.log"), env, "the %s port's submodules" % board["port"])
    run_make(cmds[2], os.path.join(logs, "make.log"), env, "Pycopy for " + board["name"])
    firmware.check_image(img, board)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    shutil.copy(img, out)
    print("firmware: %s" % os.path.relpath(out, ROOT), flush=True)
    return out


def main(argv):
    print(pycopy())
    print(lib())


if __name__ == "__main__":
    main_guard(main)
