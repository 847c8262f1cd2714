# examples/notes: add, list, edit, delete, and the notes persist on the filesystem, on every
# runtime: in a btree database on the firmware (which has btree, as ESP firmware does), one
# file per note elsewhere.
import os
import shutil

import pytest

from conftest import ROOT, RUNTIMES, Server
from httpclient import request

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def app_dir(tmp_path):
    d = tmp_path / "notes"
    shutil.copytree(os.path.join(ROOT, "examples", "notes"), d,
                    ignore=shutil.ignore_patterns("notes", "*_tpl.py", "__pycache__"))
    return d


def start(runtime, d):
    return Server(runtime, str(d / "main.py"), heap="160K", cwd=str(d), path=(ROOT, str(d)))


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_add_edit_delete_and_persist(runtime, app_dir):
    srv = start(runtime, app_dir)
    try:
        assert b"No notes yet." in request(srv.port, path="/").body
        for t in ("Buy milk", "Water <the> plants"):
            r = request(srv.port, "POST", "/new", body="title=%s&text=soon" % t.replace(" ", "+"), headers=FORM)
            assert (r.status, r.headers["location"]) == (303, "/")
        page = request(srv.port, path="/").body
        assert b'<a href="/edit/1">Buy milk</a>' in page and b"Water &lt;the&gt; plants" in page
        assert request(srv.port, "POST", "/new", body=b"title=&text=x", headers=FORM).status == 400
        r = request(srv.port, "POST", "/edit/1", body=b"title=Buy+oat+milk&text=2+litres", headers=FORM)
        assert r.status == 303
        form = request(srv.port, path="/edit/1").body
        assert b'value="Buy oat milk"' in form and b">2 litres</textarea>" in form
        assert request(srv.port, "POST", "/delete/2").status == 303
        assert request(srv.port, path="/edit/2").status == 404
        has_btree = runtime in ("firmware", "pycopy")  # the prebuilt port and CPython have no btree
        assert (app_dir / "notes.db").is_file() == has_btree
        assert (app_dir / "notes").is_dir() == (not has_btree)
    finally:
        srv.stop()
    srv = start(runtime, app_dir)  # restarted: the notes are still there
    try:
        page = request(srv.port, path="/").body
        assert b"Buy oat milk" in page and b"plants" not in page
    finally:
        srv.stop()
