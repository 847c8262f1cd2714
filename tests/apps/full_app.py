# The app the HTTP tests run against, on CPython and on the MicroPython unix port.
# It uses the picoweb 1.8.2 API as old apps do, and the newer additions.
import sys

sys.path.insert(0, sys.argv[0].rpartition("/")[0] or ".")  # for webpkg when run as a script

try:
    import re
except ImportError:
    import ure as re

import picoweb


def index(req, resp):
    # 1.8.2 style: central route list, generator handler
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


def nothing(req, resp):
    pass  # a handler that forgets to answer


def raw(req, resp):
    # a full response written by hand, as example_webapp.py always did
    yield from resp.awrite("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nraw body")


def squares(req, resp):
    yield from picoweb.start_response(resp, headers={"X-Kind": "squares"})
    for i in range(1, 6):
        yield from resp.awrite("%d\n" % (i * i))


def preformatted(req, resp):
    yield from picoweb.start_response(resp, "text/plain", "200", "X-One: 1\r\nContent-Length: 5\r\n")
    yield from resp.awrite("12345")


def headers_echo(req, resp):
    h = req.headers
    yield from picoweb.jsonify(resp, {"ua": h.get(b"User-Agent", b"").decode(), "n": len(h),
                                      "all": [[k.decode(), h[k].decode()] for k in sorted(h)]})


def headers_skip(req, resp):
    yield from picoweb.jsonify(resp, {"headers": hasattr(req, "headers")})  # none, as in 1.8.2


def headers_leave(req, resp):
    n = 0
    while True:
        l = yield from req.reader.readline()
        if l == b"\r\n":
            break
        n += 1
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("left %d" % n)


def qs(req, resp):
    req.parse_qs()
    yield from picoweb.jsonify(resp, req.form)


def form(req, resp):
    if req.method == "POST":
        yield from req.read_form_data()
    else:
        req.parse_qs()
    yield from picoweb.jsonify(resp, req.form)


def user(req, resp):
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("user " + req.url_match.group(1))


def boom(req, resp):
    raise ValueError("boom")
    yield


def hog(req, resp):
    # far more than any test heap: must fail this request only
    x = bytearray(1 << 48)  # 256 TiB: MemoryError on every runtime
    yield from resp.awrite(x)


def exhaust(req, resp):
    # fills the whole heap for real (MicroPython only: CPython would take the machine's memory)
    hoard = []
    while True:
        hoard.append(bytearray(256))
    yield


def partial_boom(req, resp):
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("partial ")
    yield from resp.awrite("response")
    raise ValueError("after the headers")


def late_boom(req, resp):
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("held, not yet sent")
    raise ValueError("after one piece")


def aclose_gen(req, resp):
    # 1.8.2 apps end this way: what was written goes out, then the connection closes
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("written, ")
    yield from resp.awrite("then closed")
    yield from resp.aclose()


async def aclose_async(req, resp):
    await picoweb.start_response(resp, "text/plain")
    await resp.awrite("one piece, then closed")
    await resp.aclose()


def awriteiter(req, resp):
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awriteiter(s for s in ("a", b"b", "c"))


async def awrite_slice(req, resp):
    await picoweb.start_response(resp, "text/plain")
    await resp.awrite("hello world", 6, 5)
    await resp.awrite(b"[bytes]", 1, 5)


ROUTES = [
    ("/", index),
    ("/aclose-gen", aclose_gen),
    ("/aclose-async", aclose_async),
    ("/awriteiter", awriteiter),
    ("/awrite-slice", awrite_slice),
    ("/raw", raw),
    ("/nothing", nothing),
    ("/squares", squares),
    ("/preformatted", preformatted),
    ("/headers", headers_echo),
    ("/headers-skip", headers_skip, {"headers": "skip"}),
    ("/headers-leave", headers_leave, {"headers": "leave"}),
    ("/qs", qs),
    ("/form", form),
    (re.compile("^/user/(.+)"), user),
    ("/boom", boom),
    ("/hog", hog),
    ("/exhaust", exhaust),
    ("/partial-boom", partial_boom),
    ("/late-boom", late_boom),
]

import webpkg

app = picoweb.WebApp("webpkg", ROUTES)


@app.route("/async")
async def async_handler(req, resp):
    await picoweb.start_response(resp, "text/plain")
    await resp.awrite("async ")
    await resp.awritestr("handler")


@app.route("/json", methods=("GET", "POST"))
async def json_api(req, resp):
    if req.method == "POST":
        data = await req.read_json()
        await picoweb.jsonify(resp, {"got": data}, status="201")
    else:
        await picoweb.jsonify(resp, {"hello": "world", "n": [1, 2, 3]})


@app.route("/only-post", methods=("POST",))
def only_post(req, resp):
    body = yield from req.read_body()
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite(b"body=" + body)


@app.route("/item/<int:id>")
def item(req, resp):
    yield from picoweb.jsonify(resp, {"id": req.params["id"]})


@app.route("/item/<id>/<name>")
def item_named(req, resp):
    yield from picoweb.jsonify(resp, req.params)


@app.route("/files/<path:rest>")
def files(req, resp):
    yield from picoweb.jsonify(resp, req.params)


@app.route("/go")
def go(req, resp):
    yield from picoweb.redirect(resp, "/")


@app.route("/error/<int:code>")
def error(req, resp):
    yield from picoweb.http_error(resp, req.params["code"])


@app.route("/send")
def send_file(req, resp):
    yield from app.sendfile(resp, "static/hello.txt", headers={"X-Sent": "1"})


@app.route("/big")
def big(req, resp):
    # streamed piecemeal without a known length (chunked on HTTP/1.1)
    yield from picoweb.start_response(resp, "text/plain")
    for i in range(200):
        yield from resp.awrite("line %d of a long streamed response\n" % i)


@app.route("/takeover")
def takeover(req, resp):
    # a handler that keeps the connection (returns False), as 1.8.2 allowed
    yield from resp.awrite("HTTP/1.0 200 OK\r\n\r\ntaken")
    yield from resp.aclose()
    return False


@app.route("/tpl")
def tpl(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "index.tpl", ("Fish & Chips", ["cod", "<haddock>"]))


@app.route("/tpl-str")
async def tpl_str(req, resp):
    await picoweb.send(resp, app.render_str("index.tpl", ("S", ["x"])))


@app.route("/table/<int:n>")
def table(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "table.tpl", (req.params["n"],))


@app.route("/slow")
async def slow(req, resp):
    # holds its connection for ?seconds (default 3): a busy request
    try:
        import asyncio
    except ImportError:
        import uasyncio as asyncio
    await asyncio.sleep(float(req.qs or 3))
    await picoweb.send(resp, "slow done")


@app.route("/heap")
def heap(req, resp):
    import gc

    gc.collect()
    f = getattr(gc, "mem_free", lambda: 0)  # MicroPython only
    a = getattr(gc, "mem_alloc", lambda: 0)
    yield from picoweb.jsonify(resp, {"free": f(), "alloc": a()})


class Sub(picoweb.WebApp):
    def init(self):
        self.started = "yes"
        super().init()


sub = Sub(None, serve_static=False)


@sub.route("/")
def sub_index(req, resp):
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("sub " + req.path + " " + sub.started)


@sub.route("/deep")
def sub_deep(req, resp):
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("sub " + req.path)


app.mount("/sub", sub)

if __name__ == "__main__":
    port = int(sys.argv[1])
    # short limits so that the tests of them run fast
    app.header_timeout = 1500
    app.idle_timeout = 1000
    app.max_conns = 6
    app.max_body = 2048
    app.run(host="127.0.0.1", port=port, debug=int(sys.argv[2]) if len(sys.argv) > 2 else 0, lazy_init=True)
