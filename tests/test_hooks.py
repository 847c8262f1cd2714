# Hooks (before_request, after_request), error handlers, and the extensions that attach through
# them, on every runtime.
import base64
import json
import os

import pytest

from conftest import RUNTIMES, TESTS, Server
from httpclient import request


@pytest.fixture(scope="module", params=RUNTIMES)
def hooks(request):
    srv = Server(request.param, os.path.join(TESTS, "apps", "hooks_app.py"), heap="160K")
    yield srv
    srv.stop()


def log(srv):
    return json.loads(request(srv.port, path="/log").body)


def test_before_and_after_request_run_around_the_handler(hooks):
    log(hooks)
    r = request(hooks.port, path="/")
    assert r.body == b"index" and r.headers["x-traced"] == "yes" and r.headers["x-after"] == "200"
    entries = log(hooks)
    assert entries.index("before /") + 1 == entries.index("after / 200")


def test_a_hook_that_answers_skips_the_handler(hooks):
    r = request(hooks.port, path="/?maintenance")
    assert r.status == 503 and r.headers["x-traced"] == "yes"


def test_hooks_of_the_app_run_for_its_mounted_apps(hooks):
    log(hooks)
    r = request(hooks.port, path="/api/data")
    assert r.status == 200 and r.headers["x-traced"] == "yes"
    assert "before /data" in log(hooks)  # the path as the sub-app sees it


def test_error_handlers(hooks):
    r = request(hooks.port, path="/nowhere")
    assert (r.status, r.body) == (404, b"no page at /nowhere")
    r = request(hooks.port, path="/boom")
    assert (r.status, r.body) == (500, b"bad value: boom")
    r = request(hooks.port, path="/oops")  # no handler for KeyError: picoweb's own 500
    assert r.status == 500 and r.body == b"500 Internal Server Error\r\n"


def test_protect_covers_routes_added_after_it(hooks):
    assert request(hooks.port, path="/admin/panel").status == 401
    good = "Basic " + base64.b64encode(b"root:pw").decode()
    r = request(hooks.port, path="/admin/panel", headers={"Authorization": good})
    assert (r.status, r.body) == (200, b"panel")


def test_cors_covers_routes_added_after_it(hooks):
    r = request(hooks.port, path="/api/data", headers={"Origin": "http://else.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = request(hooks.port, "OPTIONS", "/api/data", {"Origin": "http://else.example",
                                                      "Access-Control-Request-Method": "GET"})
    assert r.status == 204 and r.headers["access-control-allow-methods"] == "GET, HEAD, POST"


def test_options_lists_the_methods_of_a_path(hooks):
    r = request(hooks.port, "OPTIONS", "/api/data")  # not a preflight: the methods the path has
    assert (r.status, r.headers["allow"]) == (204, "GET")
    assert request(hooks.port, "OPTIONS", "/api/nowhere").status == 404
