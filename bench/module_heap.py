# The heap an optional picoweb module adds once imported, under MicroPython (run by
# bench/run.py in a fresh process per module, from the .mpy build): argv[1] is the module.
import gc

import picoweb  # noqa: F401  the core, which every app loads anyway

gc.collect()
before = gc.mem_alloc()
__import__("picoweb." + __import__("sys").argv[1])
gc.collect()
print(gc.mem_alloc() - before)
