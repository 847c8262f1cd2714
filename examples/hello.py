# The smallest picoweb app: one route, a generator handler as in picoweb 1.8.2.
# On a board it listens on all interfaces, port 80; on a computer on 127.0.0.1:8081
# (or the port given as the first argument).
import sys

import picoweb

app = picoweb.WebApp(__name__)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else (80 if on_board else 8081)
    debug = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=port, debug=debug)
