# Unit tests of pure functions. They run under pytest (CPython) and, unchanged,
# under MicroPython through tests/unit/run_micropython.py: plain asserts only.
from picoweb.conn import status_line
from picoweb.route import Rule
from picoweb.static import mime_type, safe_path
from picoweb.utils import parse_qs, unquote, unquote_plus


def test_unquote_plus():
    assert unquote_plus("a+b%20c") == "a b c"
    assert unquote_plus("%C3%A9t%C3%A9") == "\u00e9t\u00e9"
    assert unquote_plus("100%") == "100%"
    assert unquote_plus("%zz1") == "%zz1"
    assert unquote("a+b") == "a+b"


def test_parse_qs():
    assert parse_qs("") == {}
    assert parse_qs("a=1&b=2") == {"a": "1", "b": "2"}
    assert parse_qs("a=1&a=2&a=3") == {"a": ["1", "2", "3"]}
    assert parse_qs("flag&x=") == {"flag": True, "x": ""}
    assert parse_qs("k%20y=v+w&&") == {"k y": "v w"}


def test_status_line():
    assert status_line(200) == "200 OK"
    assert status_line("404") == "404 Not Found"
    assert status_line("431") == "431 Request Header Fields Too Large"
    assert status_line("302 Moved") == "302 Moved"
    assert status_line(599) == "599 Unknown"


def test_rule():
    r = Rule("/item/<int:id>/<name>")
    assert r.match("/item/5/x") == {"id": 5, "name": "x"}
    assert r.match("/item/x/x") is None
    assert r.match("/item/5") is None
    assert r.match("/item/5/x/y") is None
    assert Rule("/f/<path:p>").match("/f/a/b") == {"p": "a/b"}
    assert Rule("/f/<path:p>").match("/f/") is None
    try:
        Rule("/x/<float:f>")
        assert False, "unknown converter accepted"
    except ValueError:
        pass


def test_mime_type():
    assert mime_type("a/b.HTML") == "text/html; charset=utf-8"
    assert mime_type("x.wasm") == "application/wasm"
    assert mime_type("x.svg") == "image/svg+xml"
    assert mime_type("x.ico") == "image/x-icon"
    assert mime_type("noext") == "application/octet-stream"
    assert mime_type("x.unknown") == "application/octet-stream"


def test_safe_path():
    assert safe_path("static/a/b.css")
    for p in ("static/../x", "static//x", "/etc/passwd", "static/./x", "static/a\\b", "static/\0"):
        assert not safe_path(p), p
