# uasyncio: CPython's asyncio, plus the uasyncio-only names picoweb 1.8.2 apps use
from asyncio import *  # noqa: F401,F403
import asyncio as _asyncio
from types import coroutine as _coroutine

_loop = None


# Generator-based, as uasyncio's are: a 1.8.2 generator handler can `yield from` them (asyncio's
# own sleep is a coroutine, which a plain generator can't `yield from`); `await` takes them too.
@_coroutine
def sleep(t, result=None):
    return (yield from _asyncio.sleep(t, result).__await__())


def sleep_ms(ms):
    return sleep(ms / 1000)


def get_event_loop(runq_len=16, waitq_len=16):
    # uasyncio's: the running loop, else the one loop made and set here once (tasks created on it
    # before app.run() are run by it); CPython's own warns or fails when none is set
    global _loop
    try:
        return _asyncio.get_running_loop()
    except RuntimeError:
        pass
    if _loop is None or _loop.is_closed():
        _loop = _asyncio.new_event_loop()
        _asyncio.set_event_loop(_loop)
    return _loop
