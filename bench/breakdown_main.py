# The board's main.py for bench/breakdown.py: the harness app (its routes, its frozen template,
# its static file) with the figures the breakdown needs. Each import and set-up step's resident
# heap is measured as it happens; /_m/start and /_m/stop bracket requests with the collector
# off, so that everything they allocate, garbage included, shows in gc.mem_alloc().
import gc
import sys


def live():
    gc.collect()
    return gc.mem_alloc()


STEPS = []
a = live()
import asyncio  # noqa: E402

STEPS.append(("import asyncio", live() - a))
a = live()
import picoweb  # noqa: E402

STEPS.append(("import picoweb", live() - a))
a = live()
app = picoweb.WebApp(None)
STEPS.append(("picoweb.WebApp(None)", live() - a))
a = live()
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


STEPS.append(("4 routes (and their data)", live() - a))
MARK = [0]


@app.route("/_m/steps")
def steps(req, resp):
    yield from picoweb.jsonify(resp, STEPS)


@app.route("/_m/live")
def live_now(req, resp):
    yield from picoweb.jsonify(resp, [live(), len(app._conns)])


@app.route("/_m/start")
def start(req, resp):
    gc.collect()
    gc.disable()
    MARK[0] = gc.mem_alloc()
    yield from picoweb.start_response(resp)
    yield from resp.awrite("ok")


@app.route("/_m/stop")
def stop(req, resp):
    n = gc.mem_alloc() - MARK[0]
    gc.enable()
    yield from picoweb.jsonify(resp, n)


app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=-1)
