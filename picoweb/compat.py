# The one place for what differs between the runtimes picoweb runs on: MicroPython (its built-in
# asyncio), CPython (asyncio) and Pycopy (pfalcon's uasyncio). Every other module takes these
# names from here. MicroPython's are defined here; the larger parts only CPython or Pycopy need
# live in compat_cpython.py and compat_pycopy.py, which only that runtime loads.
#   create_task(coro)  schedules coro; returns the handle cancel() takes
#   current_task()     the running task;  cancel(task)
#   event_loop()       the loop to serve on: the one the tasks created before app.run() are in
#   run_forever(loop, server)   runs it until Ctrl-C, and ends it cleanly
#   LISTENER           picoweb runs its own accept loop (http.py's _listen): MicroPython, Pycopy;
#                      there also, str is a buffer (bytearray += str) and a stream copies what it
#                      keeps of a write, so a buffer may be reused once its write returned
#   queue_read(sock)   yielded by the listener: wait until sock is readable
#   stream(sock, addr) the reader-writer of an accepted connection (asyncio's Stream API)


def need(name):
    """The standard module name, or its u-named original where there is only that (Pycopy)."""
    try:
        return __import__(name)
    except ImportError:
        return __import__("u" + name)


try:
    import asyncio
except ImportError:
    asyncio = None

if asyncio is None:  # Pycopy
    from .compat_pycopy import (LISTENER, asyncio, cancel, create_task, current_task, event_loop,  # noqa: F401
                                queue_read, run_forever, stream)
elif hasattr(asyncio, "all_tasks"):  # CPython
    from .compat_cpython import (LISTENER, cancel, create_task, current_task, event_loop, queue_read,  # noqa: F401
                                 run_forever, stream)
else:  # MicroPython
    from asyncio import core as _core

    LISTENER = True
    create_task = asyncio.create_task
    current_task = asyncio.current_task
    event_loop = asyncio.get_event_loop

    def cancel(task):
        task.cancel()

    def queue_read(sock):
        # The poller is looked up each time: a new event loop makes a new one.
        return _core._io_queue.queue_read(sock)

    class Stream:
        """An accepted connection's reader and writer: the part of asyncio's Stream that picoweb
        uses. (asyncio's stream module, loaded on first use, would stay resident: 944 bytes on
        a 32-bit board.) A task waits on the socket as asyncio's Stream makes it wait."""

        out_buf = b""  # what the socket did not take yet, for drain() (the class's, until then:
        # two attributes take a table of 2 slots, three one of 4)

        def __init__(self, sock, addr):
            self.s = sock
            self.addr = addr

        def read(self, n):
            while True:
                yield _core._io_queue.queue_read(self.s)
                d = self.s.read(n)
                if d is not None:
                    return d

        def readinto(self, buf):
            while True:
                yield _core._io_queue.queue_read(self.s)
                n = self.s.readinto(buf)
                if n is not None:
                    return n

        def write(self, buf):
            if not self.out_buf:
                n = self.s.write(buf)
                if n == len(buf):
                    return
                if n:
                    buf = buf[n:]
            self.out_buf += buf

        def drain(self):
            mv = memoryview(self.out_buf)
            i = 0
            while i < len(mv):
                yield _core._io_queue.queue_write(self.s)
                n = self.s.write(mv[i:])
                if n is not None:
                    i += n
            self.out_buf = b""

        def close(self):
            self.s.close()  # (a socket closed twice is closed once)
            return DONE

        wait_closed = close  # the socket is closed already: done

    stream = Stream

    def run_forever(loop, server=None):
        loop.run_forever()  # Ctrl-C: KeyboardInterrupt


try:
    from types import coroutine  # CPython: a generator function usable by both `await` and `yield from`

    class _Done:
        # An awaitable that is already done, for calls with nothing to wait for.
        def __iter__(self):
            return iter(())

        __await__ = __iter__

    DONE = _Done()
except ImportError:
    coroutine = lambda f: f  # noqa: E731  MicroPython, Pycopy: generators already are coroutines
    DONE = ()  # they take an empty tuple for `await` and `yield from`: nothing allocated

_time = need("time")
if hasattr(_time, "ticks_ms"):
    ticks_ms = _time.ticks_ms
    ticks_add = _time.ticks_add
    ticks_diff = _time.ticks_diff
else:
    from .compat_cpython import ticks_add, ticks_diff, ticks_ms  # noqa: F401

sleep_ms = getattr(asyncio, "sleep_ms", None) or (lambda ms: asyncio.sleep(ms / 1000))


def span_search(pattern):
    """A search for the regex pattern in part of a buffer, f(buf, pos, endpos), with no copy of
    that part where the engine takes pos and endpos (MicroPython, CPython); Pycopy's ignores
    them: there, a slice."""
    s = need("re").compile(pattern).search
    if s(b"a b", 0, 1):
        return lambda b, p, j: s(b[p:j])
    return s


@coroutine
def result(r):
    """What a handler (or a callback) gave: run to its end if it is a generator or a coroutine
    (a handler written with `yield from` or with `async def`), else r itself."""
    if r is not None and hasattr(r, "send"):
        r = yield from r
    return r
