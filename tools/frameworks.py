"""The frameworks picoweb is measured against, and their apps, staged for a board: picoweb,
picoweb 1.8.2 (with utemplate 1.4.1 and the ulogging and pkg_resources stand-ins, from
../shared/vendor/sdist), microdot 2.7 (with utemplate) and the bare asyncio server (the limit).
Each has a hello app, the board harness's app and (but the bare server) the notes example, in
bench/apps/<framework>/; make bench (bench/heap.py) and the board harness (tests_hw/) both take
them from here, built the same way for every delivery: frozen into the virtual board's firmware,
.mpy files in a ROMFS partition (an image in the firmware's read-only data, out of the heap, as
a board's partition is in its flash), or .mpy or .py files in its lib/.
"""
import os
import shutil
import sys

from tools import ROOT, boards, firmware, mpy

WORK = os.path.join(ROOT, "build", "frameworks")
APPS = os.path.join(ROOT, "bench", "apps")
SHARED = os.path.join(APPS, "shared")  # the harness app's template and static files, for every framework
DELIVERIES = ("frozen", "romfs", "mpy", "py")


def sdist(name):
    # a vendored source archive, unpacked once under build/vendor/
    return firmware.unpack_once(os.path.join(firmware.vendor_dir(), "sdist", name + ".tar.gz"), os.path.join("vendor", name))


def microdot_dir():
    # microdot 2.7 as installed by `make setup`: the modules a board needs (its utemplate
    # support among them), as a package folder
    import importlib.util

    spec = importlib.util.find_spec("microdot")
    if spec is None:
        sys.exit("microdot is not installed: run `make setup`")
    d = os.path.join(WORK, "lib-microdot", "microdot")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for f in ("__init__.py", "microdot.py", "helpers.py", "utemplate.py"):
        shutil.copy(os.path.join(os.path.dirname(spec.origin), f), d)
    return d


class Framework:
    """A framework: its name, the modules it needs on a board, its apps, what `import` of it is,
    and the compiler of its apps' templates ("picoweb" or "utemplate")."""

    def __init__(self, name, libs, apps, imports, templates):
        self.name = name
        self.libs = libs  # package folders and module files the framework needs on the board
        self.apps = apps  # hello / harness / notes: a .py file or an app folder
        self.imports = imports  # the statement whose resident heap is reported
        self.templates = templates  # "picoweb" or "utemplate": the compiler of its apps' templates


def apps(name, notes=None):
    # bench/apps/<name>/: hello.py, harness/, notes/ (the notes example's port)
    d = os.path.join(APPS, name)
    return {"hello": os.path.join(d, "hello.py"), "harness": os.path.join(d, "harness"),
            "notes": notes or os.path.join(d, "notes")}


def frameworks():
    """The frameworks, picoweb first."""
    old = sdist("picoweb-1.8.2")
    ut = os.path.join(sdist("utemplate-1.4.1"), "utemplate")
    return [
        Framework("picoweb", [os.path.join(ROOT, "picoweb")], apps("picoweb", os.path.join(ROOT, "examples", "notes")),
                  "import picoweb", "picoweb"),
        Framework("picoweb-1.8.2", [os.path.join(old, "picoweb"), ut,
                                    os.path.join(sdist("pycopy-ulogging-0.3"), "ulogging.py"),
                                    os.path.join(sdist("pycopy-pkg_resources-0.2.2"), "pkg_resources.py")],
                  apps("picoweb-1.8.2"), "import picoweb", "utemplate"),
        Framework("microdot", [microdot_dir(), ut], apps("microdot"), "import microdot", "utemplate"),
        # the limit: bench/bare_server.py is its framework (frozen, or in lib/, as the others' are:
        # as main.py it was compiled on the board, its code in the heap); its harness app adds /_stats
        Framework("bare", [os.path.join(ROOT, "bench", "bare_server.py")], apps("bare"), "import asyncio", None),
    ]


def utemplate_compile(tdir, outdir):
    # templates/*.tpl -> NAME_tpl.py with utemplate 1.4.1's own compiler (run here, on CPython)
    sys.path.insert(0, os.path.dirname(os.path.join(sdist("utemplate-1.4.1"), "utemplate")))
    try:
        from utemplate.source import Compiler
    finally:
        sys.path.pop(0)

    class Loader:
        def input_open(self, name):
            return open(os.path.join(tdir, name))

    os.makedirs(outdir, exist_ok=True)
    for f in sorted(os.listdir(tdir)):
        if f.endswith(".tpl"):
            with open(os.path.join(tdir, f)) as fi, open(os.path.join(outdir, f.replace(".", "_") + ".py"), "w") as fo:
                Compiler(fi, fo, loader=Loader()).compile()
    open(os.path.join(outdir, "__init__.py"), "w").close()


# The files every framework's harness app has beside it.
SHARED_FILES = {"templates": ["page.tpl"], "static": ["style.css", "style.css.gz", "4k.txt"]}
HEAPSTAT = os.path.join(ROOT, "picoweb", "heapstat.py")  # the other frameworks' apps take picoweb's sampler


def stage_app(fw, app, dest):
    """dest/: the app as a board gets it, its templates compiled by its framework's compiler;
    main.py for a one-file app."""
    shutil.rmtree(dest, ignore_errors=True)
    src = fw.apps[app]
    if os.path.isfile(src):
        os.makedirs(dest)
        shutil.copy(src, os.path.join(dest, "main.py"))
    else:
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*_tpl.py", "notes", "notes.db"))
    if app == "harness" and fw.name == "bare":  # the limit's app: hello and /_stats only
        shutil.copy(HEAPSTAT, dest)
    elif app == "harness":
        if fw.name != "picoweb":  # picoweb's app mounts picoweb.stats
            shutil.copy(HEAPSTAT, dest)
        for sub, files in SHARED_FILES.items():
            os.makedirs(os.path.join(dest, sub), exist_ok=True)
            for f in files:
                shutil.copy(os.path.join(SHARED, f), os.path.join(dest, sub))
    if app == "notes":  # the ports to other frameworks share the example's store, templates and CSS
        notes = os.path.join(ROOT, "examples", "notes")
        for f in ("store.py", "templates", "static"):
            if not os.path.exists(os.path.join(dest, f)):
                (shutil.copytree if f != "store.py" else shutil.copy)(os.path.join(notes, f), os.path.join(dest, f))
    tdir = os.path.join(dest, "templates")
    if os.path.isdir(tdir):
        if fw.templates == "picoweb":
            from tools import templates as tplbuild

            tplbuild.build(tdir, mpy=False, quiet=True)
            open(os.path.join(tdir, "__init__.py"), "w").close()
        else:
            utemplate_compile(tdir, tdir)
        for f in os.listdir(tdir):
            if f.endswith(".tpl"):
                os.unlink(os.path.join(tdir, f))
    return dest


def app_modules(st):
    # the staged app's modules and packages (all but main.py): frozen, or copied to lib/
    return [os.path.join(st, f) for f in sorted(os.listdir(st))
            if (f.endswith(".py") and f != "main.py") or os.path.isfile(os.path.join(st, f, "__init__.py"))]


def frozen_manifest(fw, path):
    # include the virtual board's stock firmware, the framework's modules, the staged app
    lines = ['include("%s")' % os.path.join(boards.BOARDS, "unix", "manifest_base.py")]
    for lib in fw.libs:
        base, name = os.path.split(lib)
        lines.append('%s("%s", base_path="%s")' % ("package" if os.path.isdir(lib) else "module", name, base))
    lines.append('include("%s")' % os.path.join(boards.BOARDS, "app_manifest.py"))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def staged_flash(fw, app, d):
    """(stage, flash): the app staged in d/stage/, and d/flash/, the board's filesystem: its
    main.py and static/ (the rest is frozen, or goes to lib/)."""
    st = stage_app(fw, app, os.path.join(d, "stage"))
    flash = os.path.join(d, "flash")
    shutil.rmtree(flash, ignore_errors=True)
    os.makedirs(flash)
    shutil.copy(os.path.join(st, "main.py"), flash)
    if os.path.isdir(os.path.join(st, "static")):
        shutil.copytree(os.path.join(st, "static"), os.path.join(flash, "static"))
    return st, flash


def romfs_firmware(d, lib):
    # The stock firmware with lib/ (moved) in a ROMFS image that the firmware holds: the frozen
    # module vboard_rom's IMAGE, a bytes constant in the binary's read-only data, which the
    # board's start-up mounts at /rom. Out of the heap, as a board's ROMFS partition is in its
    # flash: the unix port has no flash, and an image file mounted would be read into the heap.
    from tools.build import pack_romfs

    src = os.path.join(d, "romfs")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    os.makedirs(lib, exist_ok=True)
    shutil.move(lib, os.path.join(src, "lib"))
    img = pack_romfs(src, os.path.join(d, "romfs.img"))
    with open(img, "rb") as f, open(os.path.join(d, "vboard_rom.py"), "w") as out:
        out.write("IMAGE = %r\n" % f.read())
    man = os.path.join(d, "manifest.py")
    with open(man, "w") as f:
        f.write("include(%r)\nmodule(\"vboard_rom.py\", base_path=%r)\n" % (
            os.path.join(boards.BOARDS, "unix", "manifest_base.py"), d))
    return firmware.build_unix(man, os.path.join(d, "micropython"), 32)


def prepare(fw, app, delivery):
    """(firmware binary, flash folder) for the app under the delivery: frozen, romfs, mpy or py."""
    d = os.path.join(WORK, "%s-%s-%s" % (fw.name, app, delivery))
    st, flash = staged_flash(fw, app, d)
    if delivery == "frozen":
        if fw.name == "picoweb":  # picoweb's own board manifest, as `make firmware` uses it
            man = os.path.join(boards.BOARDS, "unix", "manifest.py")
        else:
            man = frozen_manifest(fw, os.path.join(d, "manifest.py"))
        fwbin = firmware.build_unix(man, os.path.join(d, "micropython"), 32, st)
        return fwbin, flash
    lib = os.path.join(flash, "lib")
    srcs = fw.libs + app_modules(st)
    if delivery in ("mpy", "romfs"):
        mpy.compile_all(lib, srcs, ["-march=x86"], quiet=True)
        if delivery == "romfs":
            return romfs_firmware(d, lib), flash
    else:
        os.makedirs(lib)
        for s in srcs:
            dst = os.path.join(lib, os.path.basename(s))
            (shutil.copytree if os.path.isdir(s) else shutil.copy)(s, dst)
    return firmware.base_firmware(32), flash


