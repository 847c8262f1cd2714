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


def run_forever(loop, server=None):
    """Runs the loop until Ctrl-C. On CPython the interrupt stops the loop between callbacks
    (a KeyboardInterrupt raised inside a handler would leave that task failed, and reported),
    then server (asyncio's) stops accepting, and the tasks left are cancelled and run to their
    end (a task left pending is reported). MicroPython and Pycopy stop with the
    KeyboardInterrupt, and have no all_tasks()."""
    tasks = getattr(asyncio, "all_tasks", None)
    if tasks:
        import signal

        try:
            loop.add_signal_handler(signal.SIGINT, loop.stop)
        except (NotImplementedError, RuntimeError, ValueError):  # not Unix, or not the main thread
            pass
    try:
        loop.run_forever()
    finally:
        if tasks:
            if server:
                server.close()
            loop.set_exception_handler(_quiet_cancel)
            for _ in range(5):  # connections accepted meanwhile get tasks too
                left = tasks(loop)
                if not left:
                    break
                for t in left:
                    t.cancel()
                loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))


def _quiet_cancel(loop, context):
    # CPython 3.11's streams report each connection task ended cancelled (3.12 does not)
    if not isinstance(context.get("exception"), asyncio.CancelledError):
        loop.default_exception_handler(context)


sleep_ms = getattr(asyncio, "sleep_ms", None) or (lambda ms: asyncio.sleep(ms / 1000))


@coroutine
def result(r):
    """What a handler (or a callback) gave: run to its end if it is a generator or a coroutine
    (a handler written with `yield from` or with `async def`), else r itself."""
    if r is not None and hasattr(r, "send"):
        r = yield from r
    return r
