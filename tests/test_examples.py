# Every example runs, on CPython and on the MicroPython unix port, from its own folder.
import json
import os

import pytest

from conftest import ROOT, RUNTIMES, Server
from httpclient import request

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
