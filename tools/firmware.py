"""Firmware images: MicroPython's source tree, the port's build with a frozen manifest, and
the checks an image gets before it is flashed.

The source tree comes from MICROPY_DIR when given, else from the vendored archive beside the
project (../shared/vendor/micropython-*.tar.xz, unpacked once under build/), else the error
says how to clone it at the commit this project is built and tested with.
"""
import fcntl
import glob
import os
import shutil
import subprocess
import sys
import tarfile

from tools import boards
from tools.runner import ToolError, show

ROOT = boards.ROOT
BUILD = os.path.join(ROOT, "build")
MICROPYTHON_COMMIT = "1c3c201149f37fe8d81246191b3127bb198d6306"  # 1.29 (preview), the tested one
MICROPYTHON_GIT = "https://github.com/micropython/micropython"
# What a port's build needs from the tree's git submodules: (folder, a file in it, what it is for)
SUBMODULES = {
    "unix": [("lib/micropython-lib", "micropython", "the manifest's require()"),
             ("lib/berkeley-db-1.xx", "include", "the btree module")],
    "esp8266": [("lib/micropython-lib", "micropython", "the manifest's require()"),
                ("lib/berkeley-db-1.xx", "include", "the btree module")],
    "esp32": [("lib/micropython-lib", "micropython", "the manifest's require()")],
}


def vendor_dir():
    # ../shared/vendor beside the checkout (PICOWEB_VENDOR moves it)
    return os.environ.get("PICOWEB_VENDOR") or os.path.join(os.path.dirname(ROOT), "shared", "vendor")


def clone_hint():
    return ("git clone %s && git -C micropython checkout %s && git -C micropython submodule update --init "
            "lib/micropython-lib lib/berkeley-db-1.xx, then give MICROPY_DIR=path/to/micropython"
            % (MICROPYTHON_GIT, MICROPYTHON_COMMIT[:10]))


def unpack_once(archive, name):
    # build/<name>/: the archive's single top folder, unpacked once (a marker file says it is whole).
    dest = os.path.join(BUILD, name)
    marker = os.path.join(dest, ".unpacked")
    if os.path.exists(marker):
        return dest
    print("unpacking %s into %s ..." % (os.path.relpath(archive, os.path.dirname(ROOT)), os.path.relpath(dest, ROOT)),
          flush=True)
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(tmp)
    with tarfile.open(archive) as t:
        t.extractall(tmp, filter="tar") if hasattr(tarfile, "data_filter") else t.extractall(tmp)
    (top,) = os.listdir(tmp)
    os.rename(os.path.join(tmp, top), dest)
    os.rmdir(tmp)
    open(marker, "w").close()
    return dest


def micropython_dir(port="unix"):
    """The MicroPython source tree to build with: MICROPY_DIR, else the vendored archive."""
    mp = os.environ.get("MICROPY_DIR")
    if mp:
        mp = os.path.abspath(os.path.expanduser(mp))
        if not os.path.isdir(os.path.join(mp, "py")):
            raise ToolError("MICROPY_DIR=%s is not a MicroPython source tree (no py/ folder); %s" % (mp, clone_hint()))
        if not os.path.isdir(os.path.join(mp, "ports", port)):
            raise ToolError("MICROPY_DIR=%s has no ports/%s" % (mp, port))
    else:
        found = sorted(glob.glob(os.path.join(vendor_dir(), "micropython-*.tar.xz")))
        if not found:
            raise ToolError("no MicroPython source tree: give MICROPY_DIR=path, or: %s" % clone_hint())
        mp = unpack_once(found[-1], os.path.basename(found[-1])[: -len(".tar.xz")])
        if not os.path.isdir(os.path.join(mp, "ports", port)):
            raise ToolError("the vendored MicroPython source has no ports/%s: give MICROPY_DIR=path to a full tree; %s"
                            % (port, clone_hint()))
    check_submodules(mp, port)
    return mp


def check_submodules(mp, port):
    for folder, probe, why in SUBMODULES.get(port, ()):
        if not os.path.exists(os.path.join(mp, folder, probe)):
            raise ToolError("%s lacks the git submodule %s (needed for %s): git -C %s submodule update --init %s"
                            % (mp, folder, why, mp, folder))


def check_m32():
    # -m32 needs the 32-bit C library (Debian: gcc-multilib).
    p = subprocess.run(["cc", "-m32", "-x", "c", "-", "-o", os.devnull], input="#include <stdio.h>\nint main(void){return 0;}\n",
                       capture_output=True, text=True)
    if p.returncode:
        raise ToolError("a 32-bit build needs Debian's gcc-multilib (`make setup` installs it; or apt-get install "
                        "gcc-multilib): cc -m32 fails: %s" % (p.stderr.strip().splitlines() or ["?"])[-1])


def make_env(**extra):
    # MicroPython's makefiles use a variable named LIB: one in the environment breaks them.
    # GIT_CEILING_DIRECTORIES: the vendored tree under build/ must not take its version from
    # this project's git repository.
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=BUILD, **extra)
    env.pop("LIB", None)
    return env


def run_make(cmd, log_path, env, what):
    """Runs a (long) make, its full output in log_path, with a line of progress every 25 files
    compiled. ToolError with the log's last lines and a diagnosis if it fails."""
    show(cmd)
    print("  building %s (its output: %s)" % (what, os.path.relpath(log_path, ROOT)), flush=True)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    n = 0
    with open(log_path, "w") as log:
        try:
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        except FileNotFoundError:
            raise ToolError("%s not found: install it (Debian: build-essential)" % cmd[0])
        for line in p.stdout:
            log.write(line)
            if line.startswith("CC ") or line.startswith("MPY "):
                n += 1
                if n % 25 == 0:
                    print("  ... %d files compiled" % n, flush=True)
        rc = p.wait()
    if rc:
        with open(log_path) as f:
            tail = f.read().splitlines()[-25:]
        raise ToolError("%s failed (make exit %d); the last lines of %s:\n  %s%s" % (
            what, rc, os.path.relpath(log_path, ROOT), "\n  ".join(tail), diagnose("\n".join(tail))))
    print("  %s" % ("%d files compiled, linked" % n if n else "up to date"), flush=True)


def diagnose(log):
    if "mbedtls/" in log:
        return "\nthe build wants TLS (the lib/mbedtls submodule): build with MICROPY_PY_SSL=0, or fetch it: git submodule update --init lib/mbedtls"
    if "berkeley-db" in log or "db.h" in log:
        return "\nthe btree module needs the lib/berkeley-db-1.xx submodule: git submodule update --init lib/berkeley-db-1.xx"
    if "stubs-32.h" in log or "-m32" in log:
        return "\na 32-bit build needs Debian's gcc-multilib (apt-get install gcc-multilib)"
    return ""


class BuildLock:
    # One build at a time in a build folder (the tests and a `make firmware` may overlap).
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.f = open(self.path, "w")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *a):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


# btree as an ESP8266 has it: its pages 1 KiB, at least 3 cached (ports/esp8266/Makefile's
# BTREE_DEFS_EXTRA), taken from the GC heap (boards/unix/btree_heap.h): the unix port's own build
# takes them from the C heap, out of the heap a board's figures measure
BTREE_AS_ESP8266 = ["BTREE_DEFS_EXTRA=-DMICROPY_BERKELEY_DB_DEFPSIZE=1024 -DMICROPY_BERKELEY_DB_MINCACHE=3",
                    'BERKELEY_DB_CONFIG_FILE=\\"%s\\"' % os.path.join(boards.BOARDS, "unix", "btree_heap.h")]


def unix_build_command(mp, manifest, arch, build_dir, jobs=2):
    """The unix port's make command line: the standard variant (asyncio, btree), no TLS and no
    FFI (neither needs its library then), the manifest's modules frozen in; -m32 for a 32-bit
    build, whose objects have an ESP8266's or ESP32's sizes."""
    cmd = ["make", "-C", os.path.join(mp, "ports", "unix"), "-j%d" % jobs, "VARIANT=standard",
           "MICROPY_PY_SSL=0", "MICROPY_PY_FFI=0", "BUILD=" + build_dir, "FROZEN_MANIFEST=" + os.path.abspath(manifest)]
    cmd += BTREE_AS_ESP8266
    if arch == 32:
        cmd += ["CFLAGS_EXTRA=-m32", "LDFLAGS_EXTRA=-m32"]
    return cmd


def build_unix(manifest, out, arch=32, stage=None, dry=False):
    """Builds the MicroPython unix port with manifest frozen in and copies the binary to out.
    stage is the app staged by build.stage() (the manifest freezes it), or None. Incremental:
    one build folder per word size under build/, so that only what changed is built again."""
    mp = micropython_dir("unix")
    if arch == 32 and not dry:
        check_m32()
    build_dir = os.path.join(BUILD, "unix-%d" % arch)
    cmd = unix_build_command(mp, manifest, arch, build_dir)
    env = make_env(PICOWEB_APP_STAGE=stage or "")
    if dry:
        show(cmd)
        return out
    with BuildLock(build_dir + ".lock"):
        _forget_stale_frozen(build_dir, _frozen_signature(
            frozen_modules(boards.load("unix"), stage, mp, os.path.abspath(manifest))))
        # make does not see a change of flags: btree's objects built with others go
        _forget_stale(build_dir, "picoweb-btree.txt", " ".join(BTREE_AS_ESP8266),
                      [os.path.join("lib", "berkeley-db-1.xx"), os.path.join("extmod", "modbtree.o")])
        # mpy-cross first (the port's build freezes with it), then the port
        run_make(["make", "-C", os.path.join(mp, "mpy-cross"), "-j2"], os.path.join(build_dir, "mpy-cross.log"), env,
                 "mpy-cross")
        run_make(cmd, os.path.join(build_dir, "make.log"), env,
                 "MicroPython unix port (%d-bit, frozen: %s)" % (arch, os.path.relpath(manifest, ROOT)))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        tmp = out + ".tmp"
        shutil.copy(os.path.join(build_dir, "micropython"), tmp)
        os.replace(tmp, out)  # a board running the old binary keeps it
    print("firmware: %s" % os.path.relpath(out, ROOT), flush=True)
    return out


_built = {}


def elf_bits(binary):
    # 32 or 64: the word size of a firmware binary (its ELF class), or None if there is none
    try:
        with open(binary, "rb") as f:
            return 32 if f.read(5)[4:5] == b"\x01" else 64
    except OSError:
        return None


def unix_firmware(name, manifest, arch=32):
    """build/fw/<name>-<arch>/micropython: a virtual board firmware built from manifest (with no
    app staged), built (incrementally) once per process: the tests' and benchmarks' runtimes."""
    key = (name, arch)
    if key not in _built:
        _built[key] = build_unix(manifest, os.path.join(BUILD, "fw", "%s-%d" % key, "micropython"), arch)
    return _built[key]


def picoweb_firmware(arch=32):
    # the virtual board's firmware with picoweb frozen in
    return unix_firmware("picoweb", os.path.join(boards.BOARDS, "unix", "manifest.py"), arch)


def base_firmware(arch=32):
    # the virtual board's stock firmware: asyncio, no picoweb (the drop-in path)
    return unix_firmware("base", os.path.join(boards.BOARDS, "unix", "manifest_base.py"), arch)


# ---- ESP boards: the port's own build, with its toolchain ----

# Per port: the toolchain's command, what to install, and the official container image that has it.
TOOLCHAINS = {
    "esp32": ("idf.py", "ESP-IDF v5.3 to v5.5 (v5.5.2 recommended for MicroPython 1.29): install it and "
              "`source export.sh`, which puts idf.py on PATH",
              "docker run --rm -v $MICROPY_DIR:/project -v %(root)s:%(root)s -w /project -u $UID -e HOME=/tmp "
              "-e IDF_GIT_SAFE_DIR='*' -e PICOWEB_APP_STAGE=%(stage)s espressif/idf:v5.5.2 bash -c \"%(cmds)s\" "
              "(Espressif's image; it may lack the host gcc that mpy-cross needs: build mpy-cross on the host first)"),
    "esp8266": ("xtensa-lx106-elf-gcc", "the ESP8266 toolchain xtensa-lx106-elf (esp-open-sdk; MicroPython's CI uses "
                "its standalone tarball), on PATH",
                "docker run --rm -v $HOME:$HOME -v %(root)s:%(root)s -u $UID -w $MICROPY_DIR -e PICOWEB_APP_STAGE=%(stage)s "
                "larsks/esp-open-sdk bash -c \"%(cmds)s\" (the image MicroPython's ports/esp8266/README.md names)"),
}


def esp_build_dir(board):
    return "build-" + board["board"] + ("-" + board["variant"] if board.get("variant") else "")


def esp_commands(board, mp):
    """The build of an ESP board's firmware with its manifest (boards/<name>/manifest.py),
    as MicroPython's docs give it: mpy-cross, the port's submodules, then the port."""
    port = os.path.join(mp, "ports", board["port"])
    sel = ["BOARD=" + board["board"]] + (["BOARD_VARIANT=" + board["variant"]] if board.get("variant") else [])
    return [["make", "-C", os.path.join(mp, "mpy-cross")],
            ["make", "-C", port] + sel + ["submodules"],
            ["make", "-C", port, "-j2"] + sel + ["FROZEN_MANIFEST=" + os.path.join(board["dir"], "manifest.py")]]


def esp_image(board, mp):
    return os.path.join(mp, "ports", board["port"], esp_build_dir(board), "firmware.bin")


def check_image(path, board):
    """An ESP firmware image as esptool writes it: it starts with the image magic 0xE9 and is
    at least 128 KiB (MicroPython's are 600 KiB and more)."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            magic = f.read(1)
    except OSError:
        raise ToolError("no firmware image at %s" % path)
    if magic != b"\xe9":
        raise ToolError("%s is not an ESP firmware image: it starts with %r, not the image magic 0xE9" % (path, magic))
    if size < 128 * 1024:
        raise ToolError("%s is %d bytes: too small for a MicroPython firmware image for %s" % (path, size, board["board"]))


def frozen_modules(board, stage=None, mp=None, manifest=None):
    """Evaluates the board's manifest (or another) with MicroPython's own manifest tool
    (tools/manifestfile.py) against the port's board folder: every module it freezes, as
    {target path: source path}. This needs only the source tree, not the toolchain: a board's
    manifest is checked here even where its firmware cannot be built."""
    mp = mp or manifest_tree(board["port"])
    sys.path.insert(0, os.path.join(mp, "tools"))
    try:
        import manifestfile
    finally:
        sys.path.pop(0)
    port = os.path.join(mp, "ports", board["port"])
    vars_ = {"MPY_DIR": mp, "MPY_LIB_DIR": os.path.join(mp, "lib", "micropython-lib"), "PORT_DIR": port,
             "BOARD_DIR": os.path.join(port, "variants" if board["port"] == "unix" else "boards", board["board"])}
    old = os.environ.get("PICOWEB_APP_STAGE")
    os.environ["PICOWEB_APP_STAGE"] = stage or ""
    manifest = manifest or os.path.join(board["dir"], "manifest.py")
    try:
        m = manifestfile.ManifestFile(manifestfile.MODE_FREEZE, vars_)
        m.execute(manifest)
    except manifestfile.ManifestFileError as e:
        raise ToolError("%s: %s" % (os.path.relpath(manifest, ROOT), e.args[0]))
    finally:
        if old is None:
            del os.environ["PICOWEB_APP_STAGE"]
        else:
            os.environ["PICOWEB_APP_STAGE"] = old
    return {r.target_path: r.full_path for r in m.files()}


def manifest_tree(port):
    # A tree to evaluate a port's manifests in: MICROPY_DIR when it has the port's boards/ (or
    # variants/), else the vendored one (which has every port's board folders).
    mp = os.environ.get("MICROPY_DIR")
    if mp and os.path.isdir(os.path.join(mp, "ports", port, "variants" if port == "unix" else "boards")):
        return os.path.abspath(mp)
    saved = os.environ.pop("MICROPY_DIR", None)
    try:
        return micropython_dir(port)
    finally:
        if saved is not None:
            os.environ["MICROPY_DIR"] = saved


def _frozen_signature(mods):
    # What the frozen part of a build is made of: each module's target, source, size and time.
    out = []
    for target in sorted(mods):
        st = os.stat(mods[target])
        out.append("%s %s %d %d" % (target, mods[target], st.st_size, st.st_mtime_ns))
    return "\n".join(out)


def _forget_stale_frozen(build_dir, signature):
    # MicroPython's manifest step rebuilds its frozen modules only when a source is newer than
    # its last output: another manifest, or an app whose files are older, would be missed. When
    # what is frozen changed since the last build in this folder, its frozen output goes.
    _forget_stale(build_dir, "picoweb-frozen.txt", signature, ["frozen_mpy", "frozen_content.c", "frozen_content.o"])


def _forget_stale(build_dir, mark, signature, outputs):
    # outputs (files or folders under build_dir) go when signature differs from the one the
    # file mark keeps from the last build there, so that make builds them again
    mark = os.path.join(build_dir, mark)
    try:
        with open(mark) as f:
            if f.read() == signature:
                return
    except OSError:
        pass
    for out in outputs:
        out = os.path.join(build_dir, out)
        if os.path.isdir(out):
            shutil.rmtree(out, ignore_errors=True)
        else:
            try:
                os.unlink(out)
            except OSError:
                pass
    os.makedirs(build_dir, exist_ok=True)
    with open(mark, "w") as f:
        f.write(signature)


def build_esp(board, stage, out, dry=False):
    """The port's real build when MICROPY_DIR holds the port and its toolchain is on PATH; with
    DRY_RUN, its commands. Otherwise a ToolError saying what to install, and the container
    image that builds it."""
    mp = os.environ.get("MICROPY_DIR")
    mp = os.path.abspath(os.path.expanduser(mp)) if mp else None
    cmds = esp_commands(board, mp or "$MICROPY_DIR")
    tool, what, image = TOOLCHAINS[board["port"]]
    full = mp and os.path.isfile(os.path.join(mp, "ports", board["port"], "Makefile"))
    if dry:
        for c in cmds:
            show(c)
        print("copy %s -> %s" % (esp_image(board, mp or "$MICROPY_DIR"), out))
        if not full:
            print("(not built: MICROPY_DIR must be a MicroPython tree with ports/%s, %s)" % (board["port"], clone_hint()))
        if not shutil.which(tool):
            print("(not built: %s not found: the %s port needs %s)" % (tool, board["port"], what))
        return out
    if not full:
        raise ToolError("building %s firmware needs a MicroPython tree with the %s port (the vendored one holds "
                        "only the unix port): %s" % (board["name"], board["port"], clone_hint()))
    check_submodules(mp, board["port"])
    if not shutil.which(tool):
        inline = " && ".join(" ".join(c) for c in cmds)
        raise ToolError("%s not found: the %s port needs %s. Or build in a container: %s" % (
            tool, board["port"], what, image % {"root": ROOT, "stage": stage, "cmds": inline}))
    env = make_env(PICOWEB_APP_STAGE=stage)
    run_make(cmds[0], os.path.join(BUILD, board["name"], "mpy-cross.log"), env, "mpy-cross")
    run_make(cmds[1], os.path.join(BUILD, board["name"], "submodules.log"), env, "the %s port's submodules" % board["port"])
    run_make(cmds[2], os.path.join(BUILD, board["name"], "make.log"), env, "MicroPython for %s" % board["board"])
    img = esp_image(board, mp)
    check_image(img, board)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    shutil.copy(img, out)
    print("firmware: %s" % os.path.relpath(out, ROOT), flush=True)
    return out


if __name__ == "__main__":
    sys.exit("use python -m tools.build firmware BOARD [APP] (make firmware BOARD=...)")
