# The app tests/fuzz/socket_fuzz.py sends its mutated requests to, on CPython, the MicroPython
# unix port and the virtual board's firmware: python app.py PORT. Each route checks what it got;
# a handler that gets a wrong body raises, so that picoweb answers 500 and logs the traceback:
# the fuzzer reports both. Short timeouts, so that a connection left open ends soon.
import sys

import picoweb
from picoweb import multipart, sse, websocket

app = picoweb.WebApp(None, serve_static=False)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


@app.route("/item/<int:id>")
def item(req, resp):
    yield from picoweb.jsonify(resp, {"id": req.params["id"]})


@app.route("/files/<path:p>")
def files(req, resp):
    yield from picoweb.jsonify(resp, req.params)


@app.route("/a/<s>/b")
def string_param(req, resp):
    yield from picoweb.jsonify(resp, req.params)


@app.route("/qs")
def qs(req, resp):
    yield from picoweb.jsonify(resp, req.parse_qs())


@app.route("/echo", methods=("POST", "PUT"))
async def echo(req, resp):
    body = await req.read_body()
    cl = req.header(b"Content-Length")
    if cl is not None and req.header(b"Transfer-Encoding") is None and len(body) != int(cl):
        raise AssertionError("partial body: read_body() gave %d of Content-Length %s bytes" % (len(body), cl))
    await picoweb.jsonify(resp, {"n": len(body)})


@app.route("/form", methods=("POST",))
async def form(req, resp):
    f = await req.read_form_data()
    await picoweb.jsonify(resp, {"n": len(f)})


@app.route("/json", methods=("POST",))
async def json_route(req, resp):
    try:
        data = await req.read_json()
    except ValueError:
        await picoweb.send(resp, "not JSON", "400", "text/plain")
        return
    await picoweb.jsonify(resp, {"ok": data is not None})


@app.route("/upload", methods=("POST",), max_body=16384)
async def upload(req, resp):
    sizes = []

    async def on_file(part):
        n = 0
        while True:
            d = await part.read()
            if not d:
                break
            n += len(d)
        sizes.append(n)

    fields = await multipart.parse(req, on_file)
    await picoweb.jsonify(resp, {"fields": len(fields), "files": sizes})


@app.route("/ws")
@websocket.with_websocket(max_size=1000, idle=1000)
async def ws_echo(req, ws):
    for _ in range(100):
        m = await ws.receive()
        if m is None:
            break
        await ws.send(m)


@app.route("/events")
async def events(req, resp):
    async def source(stream):
        for i in range(3):
            await stream.send("event %d" % i, event="tick", id=i)

    await sse.stream(req, resp, source, heartbeat=1)


if __name__ == "__main__":
    app.header_timeout = 1000
    app.idle_timeout = 500
    app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=0)
