# picoweb's classic example, as it always was: a central route list, a response written
# by hand, start_response, and a template. Run: python3 example_webapp.py (or micropython).
import sys

import picoweb


def index(req, resp):
    # A whole response written by hand, status line and all.
    yield from resp.awrite("HTTP/1.0 200 OK\r\n")
    yield from resp.awrite("Content-Type: text/html\r\n")
    yield from resp.awrite("\r\n")
    yield from resp.awrite("I can show you a table of <a href='squares'>squares</a>.")


def squares(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "squares.tpl", (req,))


def source(req, resp):
    yield from app.sendfile(resp, "templates/squares.tpl", "text/plain")


ROUTES = [
    ("/", index),
    ("/squares", squares),
    ("/source", source),
]

app = picoweb.WebApp(None, ROUTES)

if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081, debug=1)
