# For the tests of the heap's end (tests/test_limits.py): hello world; /hold?N keeps all but some
# N bytes of the heap for 2 s, /squeeze?N the same but answers with it still held, /keep?N keeps
# them until the app ends, /grab?N needs N bytes for its answer, /cramped answers with the heap
# full but for small holes. (Larger than tight_app.py, whose tests are calibrated on its size.)
import gc
import sys

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

import picoweb

app = picoweb.WebApp(None, serve_static=False)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


def fill(left):
    # blocks of the heap until about `left` bytes are free
    gc.collect()
    blocks = []
    while gc.mem_free() > left + 512:
        blocks.append(bytearray(48))
    return blocks


@app.route("/hold")
async def hold(req, resp):
    blocks = fill(int(req.qs))
    msg = "held %d" % (len(blocks) * 48)
    await asyncio.sleep(2)
    blocks = None  # (its answer needs heap too)
    gc.collect()
    await picoweb.send(resp, msg)


@app.route("/squeeze")
async def squeeze(req, resp):
    # as /hold, but answering with the heap still held (when it can)
    blocks = fill(int(req.qs))
    await asyncio.sleep(1)
    await picoweb.send(resp, "squeezed %d" % len(blocks))


KEPT = []


@app.route("/keep")
def keep(req, resp):
    KEPT.extend(fill(int(req.qs) - 512))
    yield from picoweb.send(resp, "kept")


@app.route("/grab")
def grab(req, resp):
    block = bytearray(int(req.qs))
    yield from picoweb.send(resp, "grabbed %d" % len(block))


@app.route("/cramped")
def cramped(req, resp):
    # The heap filled with small blocks, then every other one of the last 16 dropped: holes of
    # some 64 bytes, none large enough for a formatted response head.
    hog = []
    try:
        while True:
            hog.append(bytearray(48))
    except MemoryError:
        pass
    for i in range(1, 17, 2):
        hog[-i] = None
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=0)
