# picoweb.stats: a route giving the board's heap figures, for measuring an app under load
# (tests_hw/ reads it). Mount it with picoweb.stats.mount(app); imported only by apps that do.
#   GET /_stats  ->  {"free", "alloc", "peak", "requests", "errors"}   (?reset: peak starts again)
# "peak" is the largest live heap seen: a sampler collects garbage and reads the heap every
# 50 ms once the route was first asked, so it costs nothing until then.
# Heap: 1,216 bytes once imported, and the sampler task once asked (from .mpy, 64-bit unix port,
# `make bench`).
import gc

from . import WebApp, jsonify

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

_state = {"peak": 0, "sampler": None}


def _alloc():
    gc.collect()
    return gc.mem_alloc() if hasattr(gc, "mem_alloc") else 0  # CPython has no heap figures


async def _sample(ms):
    while True:
        a = _alloc()
        if a > _state["peak"]:
            _state["peak"] = a
        await asyncio.sleep(ms / 1000)


def mount(app, url="/_stats", every_ms=50):
    """Mounts the /_stats route (heap figures, requests, errors) on app."""
    sub = WebApp(None, serve_static=False)

    @sub.route("/")
    def stats(req, resp):
        if _state["sampler"] is None:
            _state["sampler"] = asyncio.create_task(_sample(every_ms))
        a = _alloc()
        if req.qs == "reset" or a > _state["peak"]:
            _state["peak"] = a
        yield from jsonify(resp, {"free": gc.mem_free() if hasattr(gc, "mem_free") else 0, "alloc": a,
                                  "peak": _state["peak"], "requests": app.served, "errors": app.errors})

    app.mount(url, sub)
    return sub
