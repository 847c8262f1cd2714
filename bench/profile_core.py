# Per-request CPU cost of picoweb's request path, without sockets: N requests are
# fed to one connection through an in-memory stream. Run: micropython bench/profile_core.py
# (with picoweb on MICROPYPATH). Prints microseconds per request and heap per request.
import gc
import sys
import time

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

import picoweb

REQ = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000


class Stream:
    # Reads return one request each, N times; writes are counted and dropped.
    def __init__(self, n):
        self.n = n
        self.out = 0
        self.out_buf = b""

    async def read(self, n):
        if self.n:
            self.n -= 1
            return REQ
        return b""

    def write(self, b):
        self.out += len(b)

    async def drain(self):
        pass


app = picoweb.WebApp(None, serve_static=False)
app.debug = -1


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


async def main():
    s = Stream(N)
    c = picoweb.Connection(s, s, 512)
    gc.collect()
    t = time.ticks_us() if hasattr(time, "ticks_us") else time.perf_counter_ns() // 1000
    await app._serve_conn(c)
    t2 = time.ticks_us() if hasattr(time, "ticks_us") else time.perf_counter_ns() // 1000
    print("%.2f us/request, %d bytes out/request" % ((t2 - t) / N, s.out // N))
    if hasattr(gc, "mem_alloc"):  # MicroPython: the heap each request allocates (garbage included)
        s = Stream(100)
        c = picoweb.Connection(s, s, 512)
        gc.collect()
        gc.disable()
        a = gc.mem_alloc()
        await app._serve_conn(c)
        a = gc.mem_alloc() - a
        gc.enable()
        print("%d bytes allocated/request" % (a // 100))


asyncio.run(main())
