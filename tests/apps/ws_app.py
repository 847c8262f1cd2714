# picoweb.websocket in an app, on both runtimes (tests/test_websocket.py, tests/test_browser.py).
import sys

import picoweb
from picoweb import websocket

app = picoweb.WebApp(None, serve_static=False)


@app.route("/echo")
async def echo(req, resp):
    ws = await websocket.accept(req, resp, max_size=70000, protocols=("chat", "echo"))
    if ws.protocol:
        await ws.send("protocol " + ws.protocol)
    while True:
        msg = await ws.receive()
        if msg is None:
            break
        if type(msg) is not str:
            pass
        elif msg == "close please":
            await ws.close(4001, "asked to")
            break
        elif msg == "ping me":
            await ws.ping(b"hi")
        await ws.send(msg)


@app.route("/small")
@websocket.with_websocket(max_size=100)
def small(req, ws):
    # the generator style; messages over 100 bytes close the connection with 1009
    while True:
        msg = yield from ws.receive()
        if msg is None:
            break
        if msg == "bye":
            return  # the decorator closes with 1000
        if msg == "fail":
            raise ValueError("the handler failed")  # closed with 1011
        yield from ws.send(msg)


@app.route("/huge")
@websocket.with_websocket(max_size=1 << 30)
async def huge(req, ws):
    # messages as large as the heap allows: one larger closes the connection with 1009
    while True:
        msg = await ws.receive()
        if msg is None:
            break
        await ws.send(msg)


PAGE = """<!doctype html><html><head><title>ws</title></head><body><pre id="log"></pre><script>
const log = (s) => document.getElementById("log").textContent += s + "\\n";
const ws = new WebSocket("ws://" + location.host + "/echo");
ws.binaryType = "arraybuffer";
ws.onopen = () => { ws.send("hello from the browser"); ws.send(new Uint8Array([0, 1, 2, 255]).buffer);
                    ws.send("x".repeat(20000)); ws.send("close please"); };
ws.onmessage = (e) => log(typeof e.data === "string" ? "text " + (e.data.length > 100 ? "long " + e.data.length : e.data)
                                                       : "binary " + Array.from(new Uint8Array(e.data)).join(","));
ws.onclose = (e) => { log("closed " + e.code + " " + e.reason + " " + e.wasClean); document.title = "done"; };
</script></body></html>"""


@app.route("/")
def page(req, resp):
    yield from picoweb.send(resp, PAGE)


app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=0)
