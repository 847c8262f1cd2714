# For the heap-exhaustion test: hello world in a small heap (and /hold?N, which keeps N bytes
# of heap for 2 s).
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


@app.route("/hold")
async def hold(req, resp):
    block = bytearray(int(req.qs))
    await asyncio.sleep(2)
    await picoweb.send(resp, "held %d" % len(block))


app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=0)
