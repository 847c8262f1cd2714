# The start of the board's main.py for bench/breakdown.py, which appends the harness app's own
# main.py to it (bench/apps/picoweb/harness/) and has it call probe(app) before app.run(). The
# resident heap of each import and of the app is measured as it happens; probe() adds the
# routes the breakdown asks: /_m/steps, /_m/live, and /_m/start and /_m/stop, which bracket
# requests with the collector off, so that everything they allocate, garbage included, shows
# in gc.mem_alloc().
import gc


def live():
    gc.collect()
    return gc.mem_alloc()


STEPS = []
_a = live()
import asyncio  # noqa: E402

STEPS.append(("import asyncio", live() - _a))
_a = live()
import picoweb  # noqa: E402

STEPS.append(("import picoweb", live() - _a))
_a = live()


def probe(app):
    STEPS.append(("the app: WebApp(), its routes and data, picoweb.stats", live() - _a))
    mark = [0]

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
        mark[0] = gc.mem_alloc()
        yield from picoweb.start_response(resp)
        yield from resp.awrite("ok")

    @app.route("/_m/stop")
    def stop(req, resp):
        n = gc.mem_alloc() - mark[0]
        gc.enable()
        yield from picoweb.jsonify(resp, n)


# ---- the harness app follows ----
