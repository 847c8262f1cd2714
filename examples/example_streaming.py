# A long response written piece by piece: its length is not known in advance, so HTTP/1.1
# clients get it chunked (HTTP/1.0 ones until the connection closes), and the board never
# holds more than one line. Run: python3 example_streaming.py; curl -N localhost:8081/count
import sys

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

import picoweb

app = picoweb.WebApp(None, serve_static=False)


@app.route("/count")
async def count(req, resp):
    n = int(req.qs or 20)
    await picoweb.start_response(resp, "text/plain")
    for i in range(n):
        await resp.awrite("line %d of %d\n" % (i + 1, n))
        await asyncio.sleep(0.1)


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
