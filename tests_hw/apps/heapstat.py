# Heap figures for the microdot and bare-server apps of tests_hw (picoweb's app uses
# picoweb.stats): the same {"free", "alloc", "peak", "requests", "errors"}, the same sampling.
import gc

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

S = {"peak": 0, "requests": 0, "errors": 0, "sampler": None}


def _alloc():
    gc.collect()
    return gc.mem_alloc()


async def _sample(ms):
    while True:
        a = _alloc()
        if a > S["peak"]:
            S["peak"] = a
        await asyncio.sleep(ms / 1000)


def stats(reset):
    if S["sampler"] is None:
        S["sampler"] = asyncio.create_task(_sample(50))
    a = _alloc()
    if reset or a > S["peak"]:
        S["peak"] = a
    return {"free": gc.mem_free(), "alloc": a, "peak": S["peak"], "requests": S["requests"], "errors": S["errors"]}
