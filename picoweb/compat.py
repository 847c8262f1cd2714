# The one place for what differs between the runtimes picoweb runs on: MicroPython (its built-in
# asyncio), Pycopy (uasyncio) and CPython (asyncio). Every other module takes these names from here.
try:
    import asyncio
except ImportError:
    import uasyncio as asyncio  # Pycopy

try:
    from types import coroutine  # CPython: a generator function usable by both `await` and `yield from`

    class _Done:
        # An awaitable that is already done, for calls with nothing to wait for.
        def __iter__(self):
            return iter(())

        __await__ = __iter__

    DONE = _Done()
except ImportError:
    coroutine = lambda f: f  # noqa: E731  MicroPython: generators already are coroutines
    DONE = ()  # MicroPython takes an empty tuple for `await` and `yield from`: nothing allocated

try:
    from time import ticks_ms, ticks_add, ticks_diff
except ImportError:
    from time import monotonic

    def ticks_ms():
        return int(monotonic() * 1000)

    def ticks_add(t, d):
        return t + d

    def ticks_diff(a, b):
        return a - b

try:
    from asyncio import core as _core  # MicroPython: its poller, for picoweb's own listener (http.py)

    _core._io_queue
except (ImportError, AttributeError):
    _core = None


def queue_read(sock):
    """MicroPython: makes the running task wait until sock is readable (`yield` what it returns).
    The poller is looked up each time: new_event_loop() makes a new one."""
    return _core._io_queue.queue_read(sock)

sleep_ms = getattr(asyncio, "sleep_ms", None) or (lambda ms: asyncio.sleep(ms / 1000))


@coroutine
def result(r):
    """What a handler (or a callback) gave: run to its end if it is a generator or a coroutine
    (a handler written with `yield from` or with `async def`), else r itself."""
    if r is not None and hasattr(r, "send"):
        r = yield from r
    return r
