# The same app with the @app.route decorator. Run: python3 example_webapp2.py
import sys

import picoweb

app = picoweb.WebApp(None)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("I can show you a table of <a href='squares'>squares</a>.")


@app.route("/squares")
def squares(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "squares.tpl", (req,))


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081, debug=1)
