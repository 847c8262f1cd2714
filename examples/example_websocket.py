# A small chat over WebSocket (picoweb.websocket): every message a browser sends goes to
# every open page. Open http://127.0.0.1:8081/ in two tabs. Run: python3 example_websocket.py
import sys

import picoweb
from picoweb import websocket

app = picoweb.WebApp(None, serve_static=False)
clients = []  # the open WebSockets

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>picoweb chat</title></head><body>
<h1>Chat</h1><ul id="msgs"></ul>
<form id="f"><input id="text" autocomplete="off" autofocus> <button>Send</button></form>
<script>
const ws = new WebSocket("ws://" + location.host + "/chat");
ws.onmessage = (e) => { const li = document.createElement("li"); li.textContent = e.data;
                        document.getElementById("msgs").append(li); };
ws.onclose = (e) => document.title = "closed " + e.code;
document.getElementById("f").onsubmit = (e) => { e.preventDefault(); const t = document.getElementById("text");
                                                 if (t.value) ws.send(t.value); t.value = ""; };
</script></body></html>"""


@app.route("/")
def index(req, resp):
    yield from picoweb.send(resp, PAGE)


@app.route("/chat")
@websocket.with_websocket(max_size=256, idle=300000)  # a client silent for 5 minutes is cut off
async def chat(req, ws):
    clients.append(ws)
    try:
        await ws.send("%d here" % len(clients))
        while True:
            msg = await ws.receive()
            if msg is None:
                break
            for other in clients:
                try:
                    await other.send(msg if type(msg) is str else "(binary)")
                except OSError:
                    pass  # that one is going away; its own handler removes it
    finally:
        clients.remove(ws)


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
