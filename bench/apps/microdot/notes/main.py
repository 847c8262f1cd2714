# Benchmark app: the notes example (examples/notes/) on microdot 2.7 with its utemplate support
# (microdot.utemplate.Template, utemplate 1.4.1): the same routes, store, templates and HTML,
# for bench/ to compare heap use.
#
# Run: micropython main.py PORT   (127.0.0.1:PORT; on a board, 0.0.0.0:80); no debug output.
#   MICROPYPATH: a folder holding the microdot package (microdot/__init__.py, microdot.py,
#   helpers.py and utemplate.py from the installed microdot 2.7), utemplate-1.4.1 (its unpacked
#   sdist), then .frozen (the built-in asyncio).
#   store.py (examples/notes/store.py, copied beside main.py or onto the module path) must be
#   importable. The current directory holds static/ (examples/notes/static/) and, unless the
#   templates are precompiled, templates/*.tpl (compiled into templates/ there); the store keeps
#   notes/ (or notes.db, with btree) there.
#
# Templates: utemplate.source's loader imports a template's compiled module, templates/<name>_tpl
# (.py or .mpy, in the current directory or any folder of sys.path, or frozen), if there is one,
# else compiles templates/<name>.tpl to templates/<name>_tpl.py on first use: picoweb's policy.
# (microdot's default, utemplate.recompile's loader, would also stat the .tpl and the compiled
# module at every render.) microdot.utemplate imports utemplate.recompile, hence utemplate's
# compiler, whether the templates are precompiled or not.
# Precompile with utemplate.source's Compiler or scripts/templates.py --no-escape (not with
# escaping: the handlers escape already).
#
# utemplate does not escape {{ }}: the handlers escape what a user typed, as picoweb's templates do.
# /static/: notes.css.gz when the client accepts gzip, as picoweb's static route does.
import sys

import utemplate.source
from microdot import Microdot, Response
from microdot.utemplate import Template
from store import open_store

app = Microdot()
store = open_store()
HTML = {"Content-Type": "text/html; charset=utf-8"}


Template.initialize("templates", utemplate.source.Loader)


def esc(s):
    # what picoweb's templates do to {{ }}
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        if a in s:
            s = s.replace(a, b)
    return s


def title(i):
    # a note's title, escaped, read as the list page renders it (as the notes example does)
    return esc(store.title(i))


@app.route("/")
async def index(request):
    return Template("list.tpl").generate(store.ids(), title), 200, HTML


@app.route("/new", methods=["GET", "POST"])
async def new(request):
    return edit_or_save(request, None)


@app.route("/edit/<int:id>", methods=["GET", "POST"])
async def edit(request, id):
    return edit_or_save(request, id)


def edit_or_save(request, i):
    if request.method == "POST":
        f = request.form or {}  # None unless the body is form-urlencoded
        title = (f.get("title") or "").strip()
        text = f.get("text") or ""
        if not title:
            return Template("edit.tpl").generate(i, "", esc(text), "A note needs a title."), 400, HTML
        if i is None:
            ids = store.ids()
            i = ids[-1] + 1 if ids else 1
        store.put(i, title, text)
        return Response.redirect("/", 303)
    note = ("", "") if i is None else store.get(i)
    if note is None:
        return "404 Not Found", 404
    return Template("edit.tpl").generate(i, esc(note[0]), esc(note[1]), ""), 200, HTML


@app.route("/delete/<int:id>", methods=["POST"])
async def delete(request, id):
    store.delete(id)
    return Response.redirect("/", 303)


@app.route("/static/<path:path>")
async def static(request, path):
    if ".." in path:
        return "403 Forbidden", 403
    name = "static/" + path
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        try:
            r = Response.send_file(name, compressed=True, file_extension=".gz")
            r.headers["Vary"] = "Accept-Encoding"
            return r
        except OSError:
            pass
    try:
        return Response.send_file(name)
    except OSError:
        return "404 Not Found", 404


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1",
            port=int(sys.argv[1]) if len(sys.argv) > 1 else 80 if on_board else 8081)
