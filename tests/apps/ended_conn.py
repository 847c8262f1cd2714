# Run by tests/test_limits.py under MicroPython: what a connection holds is garbage once it has
# ended. A client task (created before app.run(), as 1.8.2 apps create theirs) makes a request
# on a connection of its own, then one whose handler hangs 8 KiB on its connection; after each
# has ended, with nothing open, the live heap is counted. Prints "grew N": what the second
# connection left behind.
import gc
import sys

import asyncio
import picoweb

app = picoweb.WebApp(None, serve_static=False)
PORT = int(sys.argv[1])


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


@app.route("/keep")
def keep(req, resp):
    resp.blob = bytearray(8192)  # on the connection: garbage with it
    yield from picoweb.start_response(resp)
    yield from resp.awrite("kept")


async def get(path):
    r, w = await asyncio.open_connection("127.0.0.1", PORT)
    w.write(b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path)
    await w.drain()
    got = b""
    while True:
        d = await r.read(512)
        if not d:
            break
        got += d
    w.close()
    await w.wait_closed()
    return got


async def live():
    await asyncio.sleep_ms(300)  # the server's side of the connection ends
    gc.collect()
    return gc.mem_alloc()


async def client():
    await asyncio.sleep_ms(300)
    assert (await get(b"/")).endswith(b"Hello world")
    before = await live()
    assert (await get(b"/keep")).endswith(b"kept")
    print("grew", await live() - before)
    sys.exit(0)


asyncio.create_task(client())
app.run(port=PORT, debug=-1)
