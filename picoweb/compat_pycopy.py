# Pycopy's part of compat.py. Its uasyncio (pfalcon's, picoweb 1.8.2's) is the older one: a
# task is its coroutine, scheduled by what it yields (IORead(sock), a delay in ms ...), and its
# streams have awrite()/aclose() rather than asyncio's write()/drain()/close(). What picoweb
# needs is built here on it.
import uasyncio as asyncio
from uasyncio.core import IORead, IOWrite

LISTENER = True  # picoweb's own accept loop, as on MicroPython
queue_read = IORead  # `yield IORead(sock)`: the task waits until sock is readable
cancel = asyncio.cancel
event_loop = asyncio.get_event_loop


def create_task(coro):
    asyncio.get_event_loop().create_task(coro)
    return coro  # the coroutine is the task: what cancel() takes


def current_task():
    return asyncio.get_event_loop().cur_task


def run_forever(loop, server=None):
    loop.run_forever()  # Ctrl-C: KeyboardInterrupt


class Stream(asyncio.StreamReader):
    """uasyncio's stream on an accepted socket (.s), with the methods of MicroPython asyncio's
    Stream that picoweb calls: readinto(), write() and drain(), close() and wait_closed()."""

    out_buf = b""  # what the socket did not take yet (the class's, until then)

    def __init__(self, sock, addr):
        super().__init__(sock, sock, {"peername": addr})
        self.s = sock

    def readinto(self, buf):
        while True:
            n = self.s.readinto(buf)  # None: nothing has come yet (the socket doesn't block)
            if n is not None:
                return n
            yield IORead(self.s)

    def write(self, buf):
        # As much as the socket takes now; the rest waits in out_buf for drain()
        if not self.out_buf:
            n = self.s.write(buf)
            if n == len(buf):
                return
            if n:
                buf = buf[n:]
        self.out_buf += bytes(buf)

    def drain(self):
        while self.out_buf:
            n = self.s.write(self.out_buf)
            if n is None:
                yield IOWrite(self.s)
            else:
                self.out_buf = self.out_buf[n:]

    def close(self):
        pass  # wait_closed() closes: it must first take the socket out of the poller

    def wait_closed(self):
        yield from self.aclose()


stream = Stream
