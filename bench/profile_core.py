# Per-request CPU cost of picoweb's request path, without sockets: N requests are fed to one
# connection through an in-memory stream. Prints microseconds and heap per request for the whole
# path (_serve_conn), then the same per stage, each run alone N times on a prepared connection:
# head parsing (the request line and the header lines), the request object, routing, framing
# (begin, start, the head formatted), the handler's dispatch (its generator, start_response,
# awrite), and the write to the stream.
# Run on the firmware picoweb is frozen into, at a board's heap (a large heap full of holes
# makes MicroPython's allocator scan: stages that allocate several blocks then look slow):
#   MICROPYPATH=.frozen build/fw/picoweb-32/micropython -X heapsize=128K bench/profile_core.py
# (at 64 KiB its 100 requests with the collector off overflow the heap: the bytes are wrong)
# or with picoweb from source (micropython, or CPython: PYTHONPATH=. python bench/profile_core.py). Its
# microseconds move with the load of a shared machine: bench/instructions.py counts machine
# instructions per request instead.
import gc
import sys
import time

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

import picoweb
from picoweb import http
from picoweb.request import HTTPRequest

REQ = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n"
if "browser" in sys.argv:  # the head a browser sends (Firefox's: 12 lines, 425 bytes)
    REQ = (b"GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n"
           b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
           b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
           b"Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n"
           b"Upgrade-Insecure-Requests: 1\r\nSec-Fetch-Dest: document\r\nSec-Fetch-Mode: navigate\r\n"
           b"Sec-Fetch-Site: none\r\nSec-Fetch-User: ?1\r\nPriority: u=0, i\r\n\r\n")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000


def us():
    return time.ticks_us() if hasattr(time, "ticks_us") else time.perf_counter_ns() // 1000


class Stream:
    # Reads return one request each, n times; writes are counted and dropped.
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
    t = us()
    await app._serve_conn(c)
    t2 = us()
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


# ---- the stages, each alone ----

s = Stream(0)
c = picoweb.Connection(s, s, 512)


def head():
    # the request line and the two header lines, parsed in the buffer
    c.buf = REQ
    c.pos = 0
    e = c.eol(1024, 414)
    c.pos = e + 1
    req = http._request(c, REQ, 0, e)
    c.left = None
    c.hosts = 0
    http._fields(c, 0, 1024, 24)
    return req


def request_object():
    req = HTTPRequest()
    req.method = "GET"
    req.proto = "HTTP/1.1"
    req.reader = c
    req.path = "/"
    return req


REQUEST = head()


def routing():
    return app.resolve(REQUEST)


def framing():
    c.begin(False, True)
    c.start("200", "text/html; charset=utf-8")
    return c._head(11, b"Hello world")


HANDLER = app.resolve(REQUEST)[1][1]


def dispatch():
    # the handler's generator run to its end, its write going nowhere
    c.begin(False, True)
    c.hdr = None  # a raw write: the handler's own framing is not counted twice
    c.status = "200"
    for _ in HANDLER(REQUEST, c):
        pass


def write():
    c.begin(False, True)
    c.start("200", "text/html; charset=utf-8")
    c.write(b"Hello world")
    c.end()


STAGES = [("head parsing", head), ("request object", request_object), ("routing", routing),
          ("framing", framing), ("handler dispatch", dispatch), ("write and end", write)]


def stages(n):
    base_t = us()
    for _ in range(n):
        pass
    base = us() - base_t
    print("per stage (each alone, %d times):" % n)
    for name, f in STAGES:
        f()  # warm: first-use imports and caches
        gc.collect()
        t = us()
        for _ in range(n):
            f()
        t = us() - t - base
        a = ""
        if hasattr(gc, "mem_alloc"):
            gc.collect()
            gc.disable()
            m = gc.mem_alloc()
            for _ in range(100):
                f()
            a = ", %d bytes" % ((gc.mem_alloc() - m) // 100)
            gc.enable()
        print("  %-18s %6.2f us%s" % (name, t / n, a))


asyncio.run(main())
if "whole" not in sys.argv:  # bench/instructions.py counts the whole path only
    stages(N)
