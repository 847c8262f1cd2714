# picoweb.cookies and picoweb.auth in an app, on both runtimes.
import base64
import os

import pytest

from conftest import RUNTIMES, TESTS, Server
from httpclient import Conn, request


@pytest.fixture(scope="module", params=RUNTIMES)
def extras(request):
    srv = Server(request.param, os.path.join(TESTS, "apps", "extras_app.py"), heap="160K")
    yield srv
    srv.stop()


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}


def test_cookies_set_read_and_signed(extras):
    c = Conn(extras.port)
    c.send(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
    r = c.response()
    c.close()
    assert r.body == b"logged in"
    # both Set-Cookie lines are there (the client keeps the last one per name in .headers)
    r2 = request(extras.port, path="/login")
    assert r2.headers["set-cookie"].startswith("theme=dark; Path=/")
    c = Conn(extras.port)
    c.send(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head = c.read_to_close().split(b"\r\n\r\n")[0].decode()
    c.close()
    session = [l for l in head.split("\r\n") if l.startswith("Set-Cookie: session=")][0]
    assert "HttpOnly" in session and "SameSite=Lax" in session
    value = session.split("=", 1)[1].split(";")[0]
    assert request(extras.port, path="/me", headers={"Cookie": "theme=dark; session=" + value}).body == b"you are alice"
    forged = value.replace("alice", "mallory")
    assert request(extras.port, path="/me", headers={"Cookie": "session=" + forged}).status == 401
    assert request(extras.port, path="/me").status == 401


def test_basic_auth_on_a_route(extras):
    r = request(extras.port, path="/secret")
    assert r.status == 401 and r.headers["www-authenticate"] == 'Basic realm="device", charset="UTF-8"'
    assert request(extras.port, path="/secret", headers=basic("admin", "wrong")).status == 401
    assert request(extras.port, path="/secret", headers={"Authorization": "Basic !!!"}).status == 401
    r = request(extras.port, path="/secret", headers=basic("admin", "pa:ss word"))
    assert (r.status, r.body) == (200, b"the secret")


def test_basic_auth_on_a_mounted_app(extras):
    assert request(extras.port, path="/settings/").status == 401
    r = request(extras.port, path="/settings/", headers=basic("admin", "admin"))
    assert r.status == 200 and b"home" in r.body


def test_server_sent_events(extras):
    r = request(extras.port, path="/events", close=False)
    assert r.headers["content-type"] == "text/event-stream" and r.headers["cache-control"] == "no-cache"
    events = [e for e in r.body.decode().split("\n\n") if e and not e.startswith(":")]
    assert events == ["event: tick\nid: %d\ndata: tick %d\ndata: second line" % (i, i) for i in range(3)]


def test_events_stop_when_the_client_goes_away(extras):
    import json
    import time

    c = Conn(extras.port)
    c.send(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
    while c.buf.count(b"data: ") < 3:
        c._more()
    assert json.loads(request(extras.port, path="/endless-state").body)["endless"] == "running"
    c.close()
    end = time.time() + 5
    while json.loads(request(extras.port, path="/endless-state").body)["endless"] != "stopped":
        assert time.time() < end, "the event source was not stopped"
        time.sleep(0.1)
