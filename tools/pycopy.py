#!/usr/bin/env python3
"""Pycopy, the platform picoweb was born on (pfalcon's MicroPython fork, 3.6.1): its unix port
built from PYCOPY_DIR or the vendored source archive, and its uasyncio from the sdists.

Pycopy reads its module path from PYCOPYPATH (not MICROPYPATH); its modules are the u-named
ones (utime, ujson, usocket ...), and uasyncio is a library, not built in.

usage: python -m tools.pycopy            builds (once) and prints the binary and the lib folder
"""
import glob
import os
import shutil
import sys

from tools import ROOT
from tools.firmware import BUILD, BuildLock, make_env, run_make, unpack_once, vendor_dir
from tools.runner import ToolError, main_guard

PYCOPY_COMMIT = "d590892d235cdb318d0b830c1cedb6b81dad16d2"  # 3.6.1, the tested one
PYCOPY_GIT = "https://github.com/pfalcon/pycopy"
LIB = os.path.join(BUILD, "pycopy-lib")  # uasyncio, for PYCOPYPATH


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
    if arch == 32:
        cmd += ["CFLAGS_EXTRA=-m32", "LDFLAGS_EXTRA=-m32"]
    if manifest:
        cmd.append("FROZEN_MANIFEST=" + os.path.abspath(manifest))
    return cmd


def build(build_dir, arch=64, manifest=None, env=None):
    """Builds Pycopy's unix port in build_dir (incrementally); returns the binary's path."""
    src = pycopy_dir()
    env = make_env(**(env or {}))
    with BuildLock(build_dir + ".lock"):
        run_make(["make", "-C", os.path.join(src, "mpy-cross"), "-j2"], os.path.join(build_dir, "mpy-cross.log"), env,
                 "Pycopy's mpy-cross")
        run_make(build_command(src, build_dir, arch, manifest), os.path.join(build_dir, "make.log"), env,
                 "Pycopy unix port (%d-bit%s)" % (arch, ", frozen: " + os.path.relpath(manifest, ROOT) if manifest else ""))
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

        shutil.rmtree(LIB, ignore_errors=True)
        os.makedirs(os.path.join(LIB, "uasyncio"))
        shutil.copy(os.path.join(sdist("pycopy-uasyncio-3.7"), "uasyncio", "__init__.py"), os.path.join(LIB, "uasyncio"))
        shutil.copy(os.path.join(sdist("pycopy-uasyncio.core-2.3.3"), "uasyncio", "core.py"), os.path.join(LIB, "uasyncio"))
        open(marker, "w").close()
    return LIB


def main(argv):
    print(pycopy())
    print(lib())


if __name__ == "__main__":
    main_guard(main)
