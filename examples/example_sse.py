# Live readings pushed to the page with server-sent events (picoweb.sse): the browser's
# EventSource reconnects by itself if the connection drops. Run: python3 example_sse.py
import sys

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

import picoweb
from picoweb import sse

app = picoweb.WebApp(None, serve_static=False)


@app.route("/")
def index(req, resp):
    yield from picoweb.send(resp, """<!doctype html><html><head><meta charset="utf-8"><title>Live</title></head>
<body><h1>Uptime: <span id="up">?</span> s</h1><script>
new EventSource("/events").addEventListener("uptime", (e) => document.getElementById("up").textContent = e.data);
</script></body></html>""")


@app.route("/events")
async def events(req, resp):
    async def uptime(stream):
        n = 0
        while True:  # ends when the client goes away
            await stream.send(n, event="uptime", id=n)
            n += 1
            await asyncio.sleep(1)

    await sse.stream(req, resp, uptime, heartbeat=15)


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
