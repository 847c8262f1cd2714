# Runs an app under the MicroPython unix port the way a board with a ROMFS partition does: the
# image mounted at /rom, /rom/lib on sys.path, then the app's main.py. The image is read into
# the heap first (a board keeps it in flash), so it is the first and largest block there.
# Used by the tests and by make bench. argv: PORT IMAGE MAIN_PY
import sys
import vfs

port, image, main = sys.argv[1], sys.argv[2], sys.argv[3]
with open(image, "rb") as f:
    vfs.mount(vfs.VfsRom(f.read()), "/rom")
sys.path.insert(0, "/rom/lib")
import picoweb

print("picoweb from", picoweb.__file__)
sys.argv[:] = [main, port]
exec(open(main).read(), {"__name__": "__main__"})
