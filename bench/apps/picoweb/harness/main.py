# tests_hw: the scenarios' app for picoweb. On a board: port 80; on the virtual board:
# the port given as argv[1].
import sys

import picoweb
import picoweb.stats

app = picoweb.WebApp(None)
ITEMS = [(i, "sensor %d" % i, i * 7 % 100) for i in range(20)]


@app.route("/")
def hello(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")


@app.route("/json")
def api(req, resp):
    yield from picoweb.jsonify(resp, {"temperature": 21.5, "humidity": 40, "items": [1, 2, 3]})


@app.route("/page")
def page(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "page.tpl", ("Sensors", ITEMS))


@app.route("/form", methods=("POST",))
def form(req, resp):
    f = yield from req.read_form_data()
    yield from picoweb.jsonify(resp, {"name": f.get("name"), "n": len(f)})


picoweb.stats.mount(app)
on_board = sys.platform.startswith("esp")
app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 80, debug=-1)
