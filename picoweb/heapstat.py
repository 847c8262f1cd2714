# The heap figures a board gives its harness (tests_hw/): the live heap now and at its peak,
# and the requests served. It imports nothing of picoweb: picoweb.stats serves it at /_stats,
# and the other frameworks' harness apps (tests_hw/apps/, bench/apps/) take this same file as
# their heapstat.py. "peak" is the largest live heap seen: a sampler collects garbage and reads
# the heap every 50 ms once the figures were first asked for, so it costs nothing until then.
import gc

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

S = {"peak": 0, "requests": 0, "errors": 0, "sampler": None}


def _alloc():
    gc.collect()
    return gc.mem_alloc() if hasattr(gc, "mem_alloc") else 0  # CPython has no heap figures


async def _sample(ms):
    while True:
        a = _alloc()
        if a > S["peak"]:
            S["peak"] = a
        await asyncio.sleep(ms / 1000)


def stats(reset, every_ms=50):
    """{"free", "alloc", "peak", "requests", "errors"}; reset: the peak starts again."""
    if S["sampler"] is None:
        S["sampler"] = True
        asyncio.get_event_loop().create_task(_sample(every_ms))  # Pycopy's uasyncio has no create_task()
    a = _alloc()
    if reset or a > S["peak"]:
        S["peak"] = a
    return {"free": gc.mem_free() if hasattr(gc, "mem_free") else 0, "alloc": a, "peak": S["peak"],
            "requests": S["requests"], "errors": S["errors"]}
