# Unit tests of pure functions. They run under pytest (CPython) and, unchanged,
# under MicroPython through tests/unit/run_micropython.py: plain asserts only.
from picoweb.status import status_line
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


def test_sha1_for_the_websocket_handshake():
    # picoweb.sha1 stands in where hashlib has no sha1 (the virtual board's firmware): FIPS 180
    # and RFC 6455's own example, and lengths around the 64-byte block's padding
    import binascii

    from picoweb.sha1 import sha1

    assert binascii.hexlify(sha1(b"abc")) == b"a9993e364706816aba3e25717850c26c9cd0d89d"
    assert binascii.hexlify(sha1(b"")) == b"da39a3ee5e6b4b0d3255bfef95601890afd80709"
    key = b"dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    assert binascii.b2a_base64(sha1(key)).strip() == b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert binascii.hexlify(sha1(b"a" * 1000)) == b"291e9a6c66994949b57ba5e650361e98fc36b1ba"


def test_header_lookup_takes_any_case():
    from picoweb.request import HTTPRequest

    req = HTTPRequest()
    assert req.header(b"Content-Type") is None and req.header("x", b"") == b""  # no headers parsed
    req.headers = {b"content-TYPE": b"text/plain", b"Host": b"h"}
    assert req.header(b"Content-Type") == b"text/plain" == req.header("CONTENT-TYPE")
    assert req.header(b"Host") == b"h" and req.header(b"Origin", b"-") == b"-"


def test_header_lookup_in_the_head_lines_agrees_with_headers():
    # before req.headers is made, header() reads the head's lines (as the server leaves them):
    # any case, the value stripped, the last of duplicates, a longer or shorter name no match
    from picoweb.request import HTTPRequest

    head = (b"GET / HTTP/1.1\r\nHost: h\r\nX-Ab: no\r\nx-a:  1 \r\nX-Abc:\r\nX-A:\t2\r\nCookie: c=1\n"
            b"Empty:\r\n\r\nbody: x\r\n")
    start = head.find(b"\n") + 1
    end = head.find(b"\r\n\r\n") + 4
    want = {"X-A": b"2", "x-ab": b"no", "X-ABC": b"", "cookie": b"c=1", "host": b"h", "Empty": b""}
    for made in (False, True):
        req = HTTPRequest()
        req._head = (head, start, end)
        if made:
            assert len(req.headers) == 7  # (two spellings of X-A)
        for k in want:
            assert req.header(k) == want[k], (made, k, req.header(k))
        assert req.header(b"X") is None and req.header("body", b"-") == b"-"


def test_unquote_takes_two_hex_digits_only():
    # not int(x, 16), which takes one digit, a sign or a space: "%+1" is no escape (fuzzed)
    for s in ("%E", "%+1", "%-0", "%\r5", "% 5", "%2"):
        assert unquote(s) == s
    assert unquote("%41%4a%4A") == "AJJ" and unquote("%zz%41") == "%zzA"
    assert unquote("%C3%A9%FF") == "%C3%A9%FF"  # not UTF-8: kept as it is
