# Hooks and error handlers (tests/test_hooks.py): before_request and after_request on the app
# and on a mounted sub-app, hooks that answer, error handlers, and extensions (picoweb.cors,
# picoweb.auth) covering routes added after they were enabled.
import sys

import picoweb
from picoweb import auth, cors

app = picoweb.WebApp(None, serve_static=False)
LOG = []


@app.before_request
def trace(req, resp):
    LOG.append("before " + req.path)
    resp.add_headers("X-Traced: yes\r\n")


@app.after_request
async def after(req, resp):
    LOG.append("after %s %s" % (req.path, resp.status))
    if not resp.sent:
        resp.add_headers("X-After: %s\r\n" % resp.status)


@app.before_request
def maintenance(req, resp):
    # a hook that answers: the handler is skipped
    if req.qs == "maintenance":
        yield from picoweb.http_error(resp, "503")


@app.route("/")
def index(req, resp):
    # written in one piece: held until the handler returns, so after_request can add headers
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("index")


@app.route("/log")
def log(req, resp):
    yield from picoweb.jsonify(resp, LOG)
    del LOG[:]


@app.route("/boom")
def boom(req, resp):
    raise ValueError("boom")


@app.route("/oops")
def oops(req, resp):
    raise KeyError("oops")


@app.errorhandler(404)
def not_found(req, resp, status):
    yield from picoweb.send(resp, "no page at " + req.path, status="404")


@app.errorhandler(ValueError)
async def value_error(req, resp, e):
    await picoweb.send(resp, "bad value: %s" % e, status="500")


admin = picoweb.WebApp(None, serve_static=False)
auth.protect(admin, auth.credentials("root", "pw"))  # before admin's routes are added
app.mount("/admin", admin)


@admin.route("/panel")
def panel(req, resp):
    yield from picoweb.send(resp, "panel")


api = picoweb.WebApp(None, serve_static=False)
cors.enable(api, origins="*")  # before api's routes are added
app.mount("/api", api)


@api.route("/data", methods=("GET",))
def data(req, resp):
    yield from picoweb.jsonify(resp, {"data": 1})


app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=-1)
