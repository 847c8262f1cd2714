# tests_hw: the scenarios' app for microdot 2.x, as close to picoweb's as microdot allows.
# The template is the one picoweb's app renders, compiled by picoweb's template compiler
# (utemplate's module shape); microdot streams the generator.
import sys

from heapstat import S, stats
from microdot import Microdot, Response

app = Microdot()
ITEMS = [(i, "sensor %d" % i, i * 7 % 100) for i in range(20)]
HTML = {"Content-Type": "text/html; charset=utf-8"}


@app.before_request
async def count(request):
    S["requests"] += 1


@app.errorhandler(500)
async def err(request):
    S["errors"] += 1
    return "error", 500


@app.route("/")
async def hello(request):
    return "Hello world", 200, HTML


@app.route("/json")
async def api(request):
    return {"temperature": 21.5, "humidity": 40, "items": [1, 2, 3]}


@app.route("/page")
async def page(request):
    from templates.page_tpl import render

    return render("Sensors", ITEMS), 200, HTML


@app.route("/static/style.css")
async def css(request):
    gz = "gzip" in request.headers.get("Accept-Encoding", "")
    return Response.send_file("static/style.css", content_type="text/css", compressed=gz,
                              file_extension=".gz" if gz else "")


@app.route("/static/4k.txt")  # make bench's static file throughput
async def file4k(request):
    return Response.send_file("static/4k.txt", content_type="text/plain")


@app.route("/form", methods=["POST"])
async def form(request):
    f = request.form
    return {"name": f.get("name"), "n": len(f)}


@app.route("/_stats")
async def st(request):
    return stats("reset" in (request.query_string or ""))


on_board = sys.platform.startswith("esp")
app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 80)
