# Benchmark app: picoweb hello world, no logging.
import sys

import picoweb

app = picoweb.WebApp(None, serve_static=False)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=-1)
