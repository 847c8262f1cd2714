# Templates rendered through picoweb, and precompiled .mpy templates under MicroPython.
import os
import subprocess
import sys

from conftest import ROOT, micropython
from httpclient import Conn, request

from tools import mpy  # noqa: E402
from tools import templates as tplbuild  # noqa: E402

INDEX = ("<!doctype html>\n<title>Fish &amp; Chips</title>\n<ul>\n  <li>cod</li>\n"
         "  <li>&lt;haddock&gt;</li>\n</ul>\n")


def test_render_template_streams_escaped_output(full_app):
    r = request(full_app.port, path="/tpl")
    assert r.status == 200 and r.body.decode() == INDEX


def test_render_str(full_app):
    r = request(full_app.port, path="/tpl-str")
    assert r.body.decode() == "<!doctype html>\n<title>S</title>\n<ul>\n  <li>x</li>\n</ul>\n"
    assert r.headers["content-length"] == str(len(r.body))


def test_thousand_row_table(full_app):
    r = request(full_app.port, path="/table/1000", close=False)
    assert r.headers["transfer-encoding"] == "chunked"
    rows = r.body.decode().split("</tr>\n")
    assert len(rows) == 1001
    assert rows[999] == "<tr><td>999</td><td>998001</td><td>row &amp; &lt;999&gt;</td>"


def test_a_page_in_every_framing(full_app):
    # the sends render_template() gathers, framed for each kind of client: chunked on a
    # kept-alive HTTP/1.1 connection (and the next request on it answered), whole with its
    # Content-Length when the page fits in one send, to the connection's end for HTTP/1.0, and
    # no body for HEAD
    c = Conn(full_app.port)
    try:
        for n in (40, 3, 40):
            c.send(b"GET /table/%d HTTP/1.1\r\nHost: x\r\n\r\n" % n)
            r = c.response()
            assert r.status == 200 and r.body.count(b"</tr>") == n, r
            assert ("transfer-encoding" in r.headers) == (n == 40), r.headers
    finally:
        c.close()
    r = request(full_app.port, path="/table/3")
    assert r.headers["content-length"] == str(len(r.body)) and r.body.endswith(b"</table>\n")
    r = request(full_app.port, path="/table/200", version="HTTP/1.0")
    assert "transfer-encoding" not in r.headers and r.body.count(b"</tr>") == 200
    r = request(full_app.port, method="HEAD", path="/table/200", close=False)
    assert r.status == 200 and r.body == b"", r


def test_mpy_templates_load_without_the_compiler(tmp_path):
    # tools/templates.py's output, .mpy only, imported by the compiled-only loader
    pkg = tmp_path / "mpyapp"
    (pkg / "templates").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    tplbuild.build(os.path.join(ROOT, "tests", "unit", "tpl"), str(pkg / "templates"))
    for f in (pkg / "templates").iterdir():
        if f.suffix == ".py":
            f.unlink()
    lib = tmp_path / "lib"
    mpy.compile_all(str(lib), [os.path.join(ROOT, "picoweb")])  # picoweb compiled, as on a board
    script = tmp_path / "main.py"
    script.write_text(
        "import sys\n"
        "from picoweb.template import CompiledLoader\n"
        "r = CompiledLoader('mpyapp').load('page.tpl')\n"
        "print(''.join(r('T', [(1, 'a<b')])))\n"
        "print('compiler loaded:', 'picoweb.template_compiler' in sys.modules)\n"
    )
    env = dict(os.environ, MICROPYPATH="%s:%s:.frozen" % (tmp_path, lib))
    p = subprocess.run([micropython(), "-X", "heapsize=64K", str(script)], env=env, capture_output=True,
                       text=True, timeout=60, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "<tr><td>1</td><td>a&lt;b</td></tr>" in p.stdout
    assert "compiler loaded: False" in p.stdout
    # a compiled template needs no picoweb at all: another framework's app can render it
    script.write_text("from mpyapp.templates.page_tpl import render\nprint(''.join(render('T', [(2, '&')])))\n")
    env["MICROPYPATH"] = "%s:.frozen" % tmp_path
    p = subprocess.run([micropython(), str(script)], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert "<tr><td>2</td><td>&amp;</td></tr>" in p.stdout, p.stdout + p.stderr
