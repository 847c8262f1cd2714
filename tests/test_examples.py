# Every example runs, on CPython and on the MicroPython unix port, from its own folder.
import json
import os

import pytest

from conftest import ROOT, RUNTIMES, Server
from httpclient import Conn, request

EX = os.path.join(ROOT, "examples")
CASES = [
    ("hello.py", "/", b"Hello world"),
    ("example_webapp.py", "/squares", b"<td>4</td><td>16</td>"),
    ("example_webapp2.py", "/squares", b"Request path: '/squares'"),
    ("example_static.py", "/static/app.js", b"JavaScript ran"),
    ("example_forms.py", "/", b"<form method=\"post\">"),
    ("example_json_api.py", "/api/items", b"[]"),
    ("example_mount.py", "/admin/status", b'"path": "/status"'),
    ("example_streaming.py", "/count?3", b"line 3 of 3"),
    ("example_sensor.py", "/", b" V</h1>"),
    ("example_websocket.py", "/", b'new WebSocket("ws://'),
    ("example_upload.py", "/", b'enctype="multipart/form-data"'),
    ("example_cors.py", "/api/led", b'{"led": false}'),
    ("example_sse.py", "/", b"new EventSource"),
    ("example_login.py", "/", b'<form method="post" action="/login">'),
]


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("script,path,expect", CASES)
def test_example_runs(runtime, script, path, expect):
    srv = Server(runtime, os.path.join(EX, script), heap="160K", cwd=EX)
    try:
        r = request(srv.port, path=path)
        assert r.status == 200 and expect in r.body, r
    finally:
        srv.stop()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_forms_and_json_api_round_trip(runtime):
    srv = Server(runtime, os.path.join(EX, "example_forms.py"), heap="160K", cwd=EX)
    try:
        r = request(srv.port, "POST", "/", body=b"name=%3Cb%3Eme&interval=5",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert b"<b>name</b> = &lt;b&gt;me" in r.body
    finally:
        srv.stop()
    srv = Server(runtime, os.path.join(EX, "example_json_api.py"), heap="160K", cwd=EX)
    try:
        r = request(srv.port, "POST", "/api/items", body=b'{"name": "lamp"}')
        assert r.status == 201 and json.loads(r.body) == {"name": "lamp", "id": 1}
        assert json.loads(request(srv.port, path="/api/items/1").body)["name"] == "lamp"
        assert request(srv.port, "DELETE", "/api/items/1").status == 204
        assert request(srv.port, path="/api/items/1").status == 404
        assert request(srv.port, "POST", "/api/items", body=b"{bad").status == 400
    finally:
        srv.stop()


def test_static_example_sends_gzip_to_browsers_that_accept_it():
    srv = Server("micropython", os.path.join(EX, "example_static.py"), heap="160K", cwd=EX)
    try:
        r = request(srv.port, path="/static/style.css", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert b"<h1>Static files</h1>" in request(srv.port, path="/").body
    finally:
        srv.stop()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_optional_module_examples_round_trip(runtime, tmp_path):
    import base64
    import shutil

    from websockets.sync.client import connect

    srv = Server(runtime, os.path.join(EX, "example_websocket.py"), heap="160K", cwd=EX)
    try:
        with connect("ws://127.0.0.1:%d/chat" % srv.port, open_timeout=5) as a:
            assert a.recv(5) == "1 here"
            with connect("ws://127.0.0.1:%d/chat" % srv.port, open_timeout=5) as b:
                assert b.recv(5) == "2 here"
                a.send("hi all")
                assert a.recv(5) == b.recv(5) == "hi all"
    finally:
        srv.stop()
    shutil.copy(os.path.join(EX, "example_upload.py"), tmp_path)
    srv = Server(runtime, str(tmp_path / "example_upload.py"), heap="160K", cwd=str(tmp_path))
    try:
        body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/my notes.txt\"\r\n\r\n"
                + b"n" * 9000 + b"\r\n--B--\r\n")
        r = request(srv.port, "POST", "/upload", {"Content-Type": "multipart/form-data; boundary=B"}, body)
        assert r.status == 303 and r.headers["location"] == "/"
        assert (tmp_path / "uploads" / "my_notes.txt").stat().st_size == 9000
        assert b"<li>my_notes.txt (9000 bytes)</li>" in request(srv.port, path="/").body
    finally:
        srv.stop()
    srv = Server(runtime, os.path.join(EX, "example_cors.py"), heap="160K", cwd=EX)
    try:
        r = request(srv.port, "OPTIONS", "/api/led", {"Origin": "http://localhost:8000",
                                                      "Access-Control-Request-Method": "PUT"})
        assert r.status == 204 and r.headers["access-control-allow-methods"] == "GET, PUT"
        r = request(srv.port, "PUT", "/api/led", {"Origin": "http://localhost:8000"}, b'{"on": true}')
        assert json.loads(r.body) == {"led": True}
        assert r.headers["access-control-allow-origin"] == "http://localhost:8000"
    finally:
        srv.stop()
    srv = Server(runtime, os.path.join(EX, "example_sse.py"), heap="160K", cwd=EX)
    try:
        c = Conn(srv.port)
        c.send(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        while b"data: 1\n" not in c.buf:
            c._more()
        assert b"event: uptime\nid: 0\ndata: 0\n\n" in c.buf
        c.close()
    finally:
        srv.stop()
    srv = Server(runtime, os.path.join(EX, "example_login.py"), heap="160K", cwd=EX)
    try:
        assert request(srv.port, "POST", "/login", body=b"user=anna&password=wrong").status == 403
        r = request(srv.port, "POST", "/login", body=b"user=anna&password=garden")
        assert r.status == 303
        session = r.headers["set-cookie"].split(";")[0]
        assert b"Hello, anna." in request(srv.port, path="/", headers={"Cookie": session}).body
        assert request(srv.port, path="/settings/").status == 401
        auth = {"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()}
        assert b"Wi-Fi" in request(srv.port, path="/settings/", headers=auth).body
    finally:
        srv.stop()
