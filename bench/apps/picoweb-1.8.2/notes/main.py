# Benchmark app: the notes example (examples/notes/) on picoweb 1.8.2, the original picoweb
# by Paul Sokolovsky, with utemplate 1.4.1: the same routes, store, templates and HTML, written
# with 1.8.2's API only, for bench/ to compare heap use.
#
# Run: micropython main.py PORT   (127.0.0.1:PORT; on a board, 0.0.0.0:80)
#   MICROPYPATH: picoweb-1.8.2, utemplate-1.4.1, pycopy-ulogging-0.3 and pycopy-pkg_resources-0.2.2
#   (their unpacked sdists), then .frozen (the built-in asyncio, which 1.8.2 imports as uasyncio).
#   store.py (examples/notes/store.py, copied beside main.py or onto the module path) must be
#   importable. The current directory holds static/ (examples/notes/static/: 1.8.2's /static/
#   route opens static/<file> relative to it, WebApp(None) making pkg_resources fall back to ".")
#   and, unless the templates are precompiled, templates/*.tpl (compiled into templates/ there);
#   the store keeps notes/ (or notes.db, with btree) there.
#
# Templates: a template's compiled module, templates/<name>_tpl (.py or .mpy, in the current
# directory or any folder of sys.path, or frozen), is imported if there is one, and utemplate's
# compiler never loads (utemplate.compiled's loader); else utemplate.source compiles
# templates/<name>.tpl to templates/<name>_tpl.py on first use (later runs import that file and
# never look at the .tpl again). This is picoweb's policy; delete the app.template_loader line
# for 1.8.2's stock one (utemplate.source.Loader: the same, but its compiler always loads).
# Precompile with utemplate.source's Compiler or scripts/templates.py --no-escape (not with
# escaping: the handlers escape already).
#
# Where 1.8.2 differs from picoweb, and what this app does about it:
# - no methods=: the handlers check req.method (405 for others, as picoweb answers)
# - no <int:id>: a regex route, the id from req.url_match.group(1)
# - read_form_data() returns nothing and sets req.form: a str per field, a list if it repeats,
#   True for a bare name; its unquote_plus makes each %XX one character: UTF-8 is rejoined here;
#   it finds the body's length only under the header name "Content-Length" in that case
# - utemplate 1.4.1 does not escape {{ }}: the handlers escape what a user typed
# - no redirect(): start_response(status="303", headers={"Location": "/"})
# It logs a line per request, as 1.8.2 and picoweb do by default and as the notes example does.
import sys

import picoweb
import ure as re
from store import open_store

app = picoweb.WebApp(None)
store = open_store()


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


app.template_loader = Templates()


def esc(s):
    # what picoweb's templates do to {{ }}
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        if a in s:
            s = s.replace(a, b)
    return s


def title(i):
    # a note's title, escaped, read as the list page renders it (as the notes example does)
    return esc(store.title(i))


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


def field(f, name):
    v = f.get(name)
    if not isinstance(v, str):  # missing, repeated (a list) or a bare name (True)
        return ""
    if len(v.encode()) != len(v):  # %XX of UTF-8 bytes, made one character each
        try:
            return bytes(ord(c) for c in v).decode()
        except (ValueError, UnicodeError):  # sent unencoded
            pass
    return v


@app.route("/")
def index(req, resp):
    if req.method != "GET":
        yield from picoweb.http_error(resp, "405")
        return
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "list.tpl", (store.ids(), title))


@app.route("/new")
def new(req, resp):
    yield from edit_or_save(req, resp, None)


@app.route(re.compile("^/edit/(\\d+)$"))
def edit(req, resp):
    yield from edit_or_save(req, resp, int(req.url_match.group(1)))


def edit_or_save(req, resp, i):
    if req.method == "POST":
        f = yield from read_form(req)
        title = field(f, "title").strip()
        if not title:
            yield from picoweb.start_response(resp, status="400")
            yield from app.render_template(resp, "edit.tpl", (i, "", esc(field(f, "text")), "A note needs a title."))
            return
        if i is None:
            ids = store.ids()
            i = ids[-1] + 1 if ids else 1
        store.put(i, title, field(f, "text"))
        yield from picoweb.start_response(resp, "text/plain", "303", {"Location": "/"})
        return
    if req.method != "GET":
        yield from picoweb.http_error(resp, "405")
        return
    note = ("", "") if i is None else store.get(i)
    if note is None:
        yield from picoweb.http_error(resp, "404")
        return
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "edit.tpl", (i, esc(note[0]), esc(note[1]), ""))


@app.route(re.compile("^/delete/(\\d+)$"))
def delete(req, resp):
    if req.method != "POST":
        yield from picoweb.http_error(resp, "405")
        return
    store.delete(int(req.url_match.group(1)))
    yield from picoweb.start_response(resp, "text/plain", "303", {"Location": "/"})


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1",
            port=int(sys.argv[1]) if len(sys.argv) > 1 else 80 if on_board else 8081)
