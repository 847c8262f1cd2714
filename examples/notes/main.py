# Notes: a small notes app for a board, and the app picoweb's heap figures talk about.
# A list page, a form to add or edit a note, delete; notes persist on the board's filesystem.
# Run: make run APP=examples/notes (virtual board) or make run-cpython APP=examples/notes/main.py
import sys

import picoweb
from store import open_store

app = picoweb.WebApp(None)
store = open_store()


@app.route("/")
def index(req, resp):
    # the ids, and a function the template calls for each title: one note is in the heap at a
    # time, not a list of them all (30 notes: 2 to 3 KiB less heap at the smallest, make bench)
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "list.tpl", (store.ids(), store.title))


@app.route("/new", methods=("GET", "POST"))
def new(req, resp):
    yield from edit_or_save(req, resp, None)


@app.route("/edit/<int:id>", methods=("GET", "POST"))
def edit(req, resp):
    yield from edit_or_save(req, resp, req.params["id"])


def edit_or_save(req, resp, i):
    if req.method == "POST":
        f = yield from req.read_form_data()
        title = (f.get("title") or "").strip() if isinstance(f.get("title"), str) else ""
        if not title:
            yield from picoweb.start_response(resp, status="400")
            yield from app.render_template(resp, "edit.tpl", (i, "", f.get("text") or "", "A note needs a title."))
            return
        if i is None:
            ids = store.ids()
            i = ids[-1] + 1 if ids else 1
        store.put(i, title, f.get("text") or "")
        yield from picoweb.redirect(resp, "/", "303")
        return
    note = ("", "") if i is None else store.get(i)
    if note is None:
        yield from picoweb.http_error(resp, "404")
        return
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "edit.tpl", (i, note[0], note[1], ""))


@app.route("/delete/<int:id>", methods=("POST",))
def delete(req, resp):
    store.delete(req.params["id"])
    yield from picoweb.redirect(resp, "/", "303")


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 80 if on_board else 8081)
