# picoweb.stats: a route giving the board's heap figures (picoweb.heapstat), for measuring an
# app under load (tests_hw/ reads it). Mount it with picoweb.stats.mount(app); imported only
# by apps that do.
#   GET /_stats  ->  {"free", "alloc", "peak", "requests", "errors"}   (?reset: peak starts again)
from . import WebApp, jsonify
from .heapstat import S, stats


def mount(app, url="/_stats", every_ms=50):
    """Mounts the /_stats route (heap figures, requests, errors) on app."""
    sub = WebApp(None, serve_static=False)

    @sub.route("/")
    def figures(req, resp):
        S["requests"] = app.served
        S["errors"] = app.errors
        yield from jsonify(resp, stats(req.qs == "reset", every_ms))

    app.mount(url, sub)
    return sub
