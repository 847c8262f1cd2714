# The virtual board's start-up, run by the MicroPython unix port in the board's flash
# folder (scripts/vboard.py starts it): what a board does after power-on or a reset,
# then the REPL (the process runs with -i).
#   argv[1]: "normal" (boot.py, then main.py) or "raw" (a soft reset from the raw REPL: boot.py only)
import os
import sys

_mode = sys.argv[1] if len(sys.argv) > 1 else "normal"
_here = sys.argv[0].rpartition("/")[0]

# The ROMFS partition: an image file mounted at /rom, as a board with one does.
_img = os.getenv("VBOARD_ROMFS")
if _img:
    import vfs

    with open(_img, "rb") as _f:
        vfs.mount(vfs.VfsRom(_f.read()), "/rom")
    sys.path[:] = ["", "/rom", "/rom/lib", ".frozen", "lib", _here]
else:
    sys.path[:] = ["", ".frozen", "lib", _here]
sys.argv[:] = ["main.py"] + ([os.getenv("VBOARD_HTTP_PORT")] if os.getenv("VBOARD_HTTP_PORT") else [])


def _run(f):
    try:
        os.stat(f)
    except OSError:
        return
    try:
        exec(open(f).read(), {"__name__": "__main__"})
    except KeyboardInterrupt:
        print("KeyboardInterrupt")
    except Exception as e:
        sys.print_exception(e)


_run("boot.py")
if _mode == "normal":
    _run("main.py")
del _run, _mode, _here, _img
