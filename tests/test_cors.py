# picoweb.cors: preflights and the headers of actual requests, on both runtimes. The browser's
# side is in tests/test_browser.py.
import json
import os

import pytest

from conftest import RUNTIMES, TESTS, Server
from httpclient import Conn, request


@pytest.fixture(scope="module", params=RUNTIMES)
def cors_app(request):
    srv = Server(request.param, os.path.join(TESTS, "apps", "cors_app.py"), heap="160K")
    srv.origin = "http://localhost:%d" % srv.port
    yield srv
    srv.stop()


def test_preflight_allowed(cors_app):
    r = request(cors_app.port, "OPTIONS", "/api/data", {
        "Origin": cors_app.origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, X-Token"})
    assert r.status == 204 and "content-length" not in r.headers and r.body == b""
    h = r.headers
    assert h["access-control-allow-origin"] == cors_app.origin and h["vary"] == "Origin"
    assert h["access-control-allow-methods"] == "GET, POST"
    assert h["access-control-allow-headers"] == "content-type, x-token"
    assert h["access-control-allow-credentials"] == "true" and h["access-control-max-age"] == "600"


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    {"Origin": "ORIGIN", "Access-Control-Request-Method": "DELETE"},
    {"Origin": "ORIGIN", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "X-Other"},
])
def test_preflight_refused(cors_app, headers):
    if headers["Origin"] == "ORIGIN":
        headers["Origin"] = cors_app.origin
    r = request(cors_app.port, "OPTIONS", "/api/data", headers)
    assert r.status == 204 and r.headers["allow"] == "GET, POST"
    assert not [k for k in r.headers if k.startswith("access-control-")]


def test_actual_requests(cors_app):
    r = request(cors_app.port, "POST", "/api/data", {"Origin": cors_app.origin, "Content-Type": "application/json"},
                b'{"v": "x"}')
    assert json.loads(r.body) == {"got": "x"} and r.headers["x-count"] == "3"
    assert r.headers["access-control-allow-origin"] == cors_app.origin
    assert r.headers["access-control-expose-headers"] == "X-Count"
    r = request(cors_app.port, path="/api/data", headers={"Origin": "http://evil.example"})
    assert r.status == 200 and "access-control-allow-origin" not in r.headers
    r = request(cors_app.port, path="/api/data")  # not a cross-origin request
    assert r.status == 200 and "access-control-allow-origin" not in r.headers
    r = request(cors_app.port, path="/public/open", headers={"Origin": "http://anywhere.example"})
    assert r.headers["access-control-allow-origin"] == "*" and "vary" not in r.headers


def test_headers_do_not_leak_to_the_next_request(cors_app):
    c = Conn(cors_app.port)
    c.send(("GET /api/data HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\n\r\n" % cors_app.origin).encode())
    assert "access-control-allow-origin" in c.response().headers
    c.send(b"GET /api/nowhere HTTP/1.1\r\nHost: x\r\n\r\nGET /api/data HTTP/1.1\r\nHost: x\r\n\r\n")
    r404, r = c.response(), c.response()
    assert r404.status == 404 and "access-control-allow-origin" not in r404.headers
    assert r.status == 200 and "access-control-allow-origin" not in r.headers
    c.close()


def test_options_on_unknown_path_is_404(cors_app):
    assert request(cors_app.port, "OPTIONS", "/api/nowhere", {"Origin": cors_app.origin}).status == 404
