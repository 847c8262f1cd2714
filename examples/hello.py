# The smallest picoweb app: one route, a generator handler as in picoweb 1.8.2.
import sys

import picoweb

app = picoweb.WebApp(__name__)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8081
    app.run(host="127.0.0.1", port=port, debug=int(sys.argv[2]) if len(sys.argv) > 2 else 0)
