# A device's app that uses every optional module of picoweb: for the board-sized tests
# (tests/test_board.py: the ESP8266's heap, a flood, slow clients, the fuzzer) and the mixed soak
# of `make bench`. A module, so that the firmware freezes it (main.py only starts it): its
# bytecode stays in flash, as an ESP8266 app's must.
import sys

import picoweb
import picoweb.stats
from picoweb import auth, cookies, cors, multipart, sse, websocket

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

app = picoweb.WebApp(None)
ITEMS = [(i, "sensor %d" % i, i * 7 % 100) for i in range(20)]


@app.route("/")
def hello(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


@app.route("/json")
def api(req, resp):
    yield from picoweb.jsonify(resp, {"temperature": 21.5, "items": [1, 2, 3]})


@app.route("/page")
def page(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "page.tpl", ("Sensors", ITEMS))


@app.route("/form", methods=("POST",))
def form(req, resp):
    f = yield from req.read_form_data()
    yield from picoweb.jsonify(resp, {"name": f.get("name"), "n": len(f)})


@app.route("/body", methods=("POST",))
async def body(req, resp):
    b = await req.read_body()  # whole, chunked or not
    await picoweb.jsonify(resp, {"size": len(b)})


@app.route("/upload", methods=("POST",), max_body=64 * 1024)
async def upload(req, resp):
    sizes = []

    async def count(part):
        n = 0
        while True:
            d = await part.read()
            if not d:
                break
            n += len(d)
        sizes.append(n)

    fields = await multipart.parse(req, count)
    await picoweb.jsonify(resp, {"fields": len(fields), "sizes": sizes})


@app.route("/events")
async def events(req, resp):
    async def three(es):
        for i in range(3):
            await es.send("tick %d" % i, event="tick", id=i)
            await asyncio.sleep(0.01)

    await sse.stream(req, resp, three, heartbeat=5)


@app.route("/ws")
@websocket.with_websocket(max_size=1024)
async def ws(req, sock):
    while True:
        m = await sock.receive()
        if m is None:
            break
        await sock.send(m)


@app.route("/cookie")
def cookie(req, resp):
    n = int(cookies.get_cookies(req).get("n", "0")) + 1
    yield from picoweb.start_response(resp, "text/plain", headers=cookies.cookie_header("n", str(n)))
    yield from resp.awrite("visit %d" % n)


@app.route("/secret")
@auth.basic_auth(auth.credentials("admin", "board"))
def secret(req, resp):
    yield from picoweb.send(resp, "secret", content_type="text/plain")


cors.enable(app, origins="*")
picoweb.stats.mount(app)


def main():
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 80,
            debug=int(sys.argv[2]) if len(sys.argv) > 2 else 0)
