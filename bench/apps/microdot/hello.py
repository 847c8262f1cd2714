# Benchmark app: microdot hello world, the same response as picoweb's.
import sys

from microdot import Microdot

app = Microdot()


@app.route("/")
async def index(request):
    return "Hello world", 200, {"Content-Type": "text/html; charset=utf-8"}


app.run(host="127.0.0.1", port=int(sys.argv[1]))
