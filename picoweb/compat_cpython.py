# CPython's part of compat.py: asyncio's own server, its loop's life, and ticks from a clock.
import asyncio
import signal
import warnings
from time import monotonic

LISTENER = False  # asyncio.start_server accepts
create_task = asyncio.create_task
current_task = asyncio.current_task


def cancel(task):
    task.cancel()


def event_loop():
    # The current loop, which an app may have given tasks before app.run() (as 1.8.2 apps do
    # with get_event_loop().create_task()), else a new one made current.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # get_event_loop() outside a loop
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def run_forever(loop, server=None):
    """Runs the loop until Ctrl-C. The interrupt stops the loop between callbacks (raised inside
    a handler, it would leave that task failed, and reported); then server stops accepting,
    and the tasks left are cancelled and run to their end (a task left pending is reported)."""
    try:
        loop.add_signal_handler(signal.SIGINT, loop.stop)
    except (NotImplementedError, RuntimeError, ValueError):  # not Unix, or not the main thread
        pass
    try:
        loop.run_forever()
    finally:
        if server:
            server.close()
        loop.set_exception_handler(_quiet_cancel)
        for _ in range(5):  # connections accepted meanwhile get tasks too
            left = asyncio.all_tasks(loop)
            if not left:
                break
            for t in left:
                t.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))


def _quiet_cancel(loop, context):
    # CPython 3.11's streams report each connection task ended cancelled (3.12 does not)
    if not isinstance(context.get("exception"), asyncio.CancelledError):
        loop.default_exception_handler(context)


def ticks_ms():
    return int(monotonic() * 1000)


def ticks_add(t, d):
    return t + d


def ticks_diff(a, b):
    return a - b


queue_read = stream = None  # no accept loop of picoweb's own
