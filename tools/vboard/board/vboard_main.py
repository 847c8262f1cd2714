# The virtual board's start-up, frozen into its firmware as a real board's _boot.py is, and
# run by tools/vboard as `micropython -X heapsize=N -i -m vboard_main MODE` in the
# board's flash folder: what a board does after power-on or a reset, then the REPL.
#   argv[1]: "normal" (boot.py, then main.py) or "raw" (a soft reset from the raw REPL: boot.py only)
# Environment (set by tools/vboard from boards/<like>/board.json):
#   VBOARD_ROMFS         an image file mounted at /rom, as a board's ROMFS partition
#   VBOARD_GC_THRESHOLD  n: gc.threshold(heap // n), as the ESP8266's _boot.py sets it
#   VBOARD_HEAP_FREE     the heap a real board has free after boot and Wi-Fi: what is free beyond
#                        it here is taken (and kept) before main.py runs
#   VBOARD_HTTP_PORT     given to main.py as sys.argv[1] (picoweb's app.run() reads PICOWEB_PORT,
#                        which tools/vboard sets too)
import gc
import os
import sys

_mode = sys.argv[1] if len(sys.argv) > 1 else "normal"
_t = os.getenv("VBOARD_GC_THRESHOLD")
if _t:
    gc.threshold((gc.mem_free() + gc.mem_alloc()) // int(_t))

# A board's sys.path: frozen modules first, then the ROMFS partition, then the filesystem's lib/.
# The partition: a firmware built with an image (the frozen module vboard_rom's IMAGE, in the
# binary's read-only data: out of the heap, as a partition is in a board's flash), or the image
# file VBOARD_ROMFS names (read into the heap: the unix port has no flash).
def _rom_image():
    # (a function: the ImportError of a firmware without an image is garbage once it returns;
    # raised at the module's level, it stayed referenced, and the heap held back below with it)
    try:
        import vboard_rom
    except ImportError:
        img = os.getenv("VBOARD_ROMFS")
        if img:
            with open(img, "rb") as f:
                return f.read()
        return None
    del sys.modules["vboard_rom"]
    return vboard_rom.IMAGE


_img = _rom_image()
if _img:
    import vfs

    vfs.mount(vfs.VfsRom(_img), "/rom")
    sys.path[:] = ["", ".frozen", "/rom", "/rom/lib", "lib"]
else:
    sys.path[:] = ["", ".frozen", "lib"]
sys.argv[:] = ["main.py"] + ([os.getenv("VBOARD_HTTP_PORT")] if os.getenv("VBOARD_HTTP_PORT") else [])


def _run(f):
    # As a board's pyexec_file_if_exists(): the file is compiled as it is read.
    try:
        os.stat(f)
    except OSError:
        return
    try:
        execfile(f, {"__name__": "__main__"})
    except KeyboardInterrupt:
        print("KeyboardInterrupt")
    except SystemExit:
        pass  # a board stays at its REPL (a real one would soft-reboot)
    except Exception as e:
        sys.print_exception(e)


_run("boot.py")
_boot_and_wifi = None  # what a real board's boot and Wi-Fi keep of its heap
_n = os.getenv("VBOARD_HEAP_FREE")
if _n:
    gc.collect()
    _n = gc.mem_free() - int(_n) - 32  # the bytearray object and block rounding
    if _n > 0:
        _boot_and_wifi = bytearray(_n)
    gc.collect()
    print("virtual board: %d bytes of heap free" % gc.mem_free())
if _mode == "normal":
    _run("main.py")
del _run, _rom_image, _mode, _img, _t, _n
