# tests_hw: the scenarios' app (tests_hw/apps/picoweb_app/) on picoweb 1.8.2, the original
# picoweb by Paul Sokolovsky, with utemplate 1.4.1, written with 1.8.2's API only. On a board:
# port 80; on the virtual board: the port given as argv[1].
#
# The app's folder, as tests_hw/harness.py stages it for the other frameworks: main.py,
# heapstat.py (picoweb/heapstat.py), templates/page.tpl, static/style.css (1.8.2 has no gzip: the
# static-gzip scenario gets the plain file). It is the current directory: 1.8.2 finds static/
# there (WebApp(None)), and templates/ unless page_tpl is precompiled. MICROPYPATH:
# picoweb-1.8.2, utemplate-1.4.1, pycopy-ulogging-0.3, pycopy-pkg_resources-0.2.2 (their
# unpacked sdists), then .frozen.
#
# /_stats as the microdot app serves it (heapstat.py): every request counts (1.8.2 has no
# request hook: _handle, the connection handler, is wrapped), and an exception in a handler
# counts as an error and answers 500 (handle_exc, 1.8.2's hook for it).
# Templates: templates/page_tpl (.py or .mpy, here or on sys.path, or frozen: the harness's
# build compiles it with picoweb's compiler, utemplate's module shape) is imported when there
# is one; else utemplate.source compiles page.tpl on first use.
# 1.8.2's /static/ route prints each file's path to stdout. Its read_form_data() finds the body's
# length only under the header name "Content-Length" in that case: read_form() helps it.
import sys

import picoweb
from heapstat import S, stats

ITEMS = [(i, "sensor %d" % i, i * 7 % 100) for i in range(20)]


class App(picoweb.WebApp):
    def _handle(self, reader, writer):
        S["requests"] += 1
        yield from picoweb.WebApp._handle(self, reader, writer)

    def handle_exc(self, req, resp, e):
        S["errors"] += 1
        try:
            yield from picoweb.http_error(resp, "500")
        except Exception:  # the client went away: nothing to answer (handle_exc must not raise)
            pass


class Templates:
    # 1.8.2's template_loader: utemplate.compiled's loader (made on first use, as 1.8.2 makes
    # its own), and utemplate.source's only for a template that has no compiled module.
    compiled = None

    def load(self, name):
        if self.compiled is None:
            import utemplate.compiled

            self.compiled = utemplate.compiled.Loader(None, "templates")
        try:
            return self.compiled.load(name)
        except ImportError:
            import utemplate.source

            return utemplate.source.Loader(None, "templates").load(name)


def read_form(req):
    # 1.8.2 reads the body's length from req.headers[b"Content-Length"], that exact case
    # (ab, for one, sends "Content-length"): the header is copied under that name first.
    h = req.headers
    if b"Content-Length" not in h:
        for k in h:
            if k.lower() == b"content-length":
                h[b"Content-Length"] = h[k]
                break
    yield from req.read_form_data()
    return req.form


app = App(None)
app.template_loader = Templates()


@app.route("/")
def hello(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


@app.route("/json")
def api(req, resp):
    yield from picoweb.jsonify(resp, {"temperature": 21.5, "humidity": 40, "items": [1, 2, 3]})


@app.route("/page")
def page(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "page.tpl", ("Sensors", ITEMS))


@app.route("/form")
def form(req, resp):
    if req.method != "POST":
        yield from picoweb.http_error(resp, "405")
        return
    f = yield from read_form(req)
    yield from picoweb.jsonify(resp, {"name": f.get("name"), "n": len(f)})


@app.route("/_stats")
def st(req, resp):
    yield from picoweb.jsonify(resp, stats("reset" in req.qs))


on_board = sys.platform.startswith("esp")
app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 80, debug=-1)
