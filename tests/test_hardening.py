# The HTTP parser as a security boundary (RFC 9112), on every runtime: each finding of the fuzzing
# of 2026-11-25 (issue 13), sent as the exact bytes that showed it.
import json
import re
import socket
import time

import pytest

from httpclient import Conn, raw


def answers(port, data, pause=0.0, wait=3.0):
    # Sends data (a list: sent piece by piece, pause apart); returns all the server sent until
    # it closed (or wait passed).
    c = Conn(port, wait)
    try:
        for piece in data if isinstance(data, list) else [data]:
            c.send(piece)
            time.sleep(pause)
        return c.read_to_close()
    except socket.timeout:
        return c.buf
    finally:
        c.close()


def statuses(data):
    return [int(s) for s in re.findall(rb"HTTP/1\.1 (\d\d\d) ", data)]


# ---- 1. a body is whole, or the handler does not get it ----

def test_a_body_sent_in_pieces_is_read_whole(full_app):
    body = bytes(range(48, 58)) * 200  # 2,000 bytes
    head = b"POST /only-post HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2000\r\n\r\n"
    for pieces in ([head + body], [head + body[:10], body[10:20], body[20:]], [head, body[:1000], body[1000:]]):
        out = answers(full_app.port, pieces, pause=0.05)
        assert statuses(out) == [200] and out.endswith(b"body=" + body), out[:200]


def test_a_json_body_in_two_sends_is_read_whole(full_app):
    doc = json.dumps({"k": "v" * 950}).encode()
    head = b"POST /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(doc)
    out = answers(full_app.port, [head + doc[:500], doc[500:]], pause=0.1)
    assert statuses(out) == [201] and b'"v' in out


def test_a_body_the_client_ends_early_is_not_handed_on(full_app):
    c = Conn(full_app.port)
    c.send(b"POST /only-post HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
    c.s.shutdown(socket.SHUT_WR)  # the client is done: 90 bytes never come
    out = c.read_to_close()
    c.close()
    assert statuses(out) == [400] and b"body=" not in out


# ---- 2, 3. request smuggling: framing the server must refuse ----

SECOND = b"GET /item/668 HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize("head", [
    b"POST /only-post HTTP/1.1\r\nHost: x\r\nContent-Length : 37\r\n\r\n",  # space before the colon
    b"POST /only-post HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n Content-Length: 37\r\n\r\n",  # obs-fold
    b"POST /only-post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n",
    b"POST /only-post HTTP/1.1\r\nHost: x\r\n\tTransfer-Encoding: chunked\r\n\r\n",
])
def test_framing_fields_with_bad_syntax_are_refused(full_app, head):
    out = answers(full_app.port, head + SECOND)
    assert statuses(out) == [400] and b"668" not in out  # the body is not read as a request


@pytest.mark.parametrize("chunks", [
    b"0x5\r\nhello\r\n0\r\n\r\n",
    b"+1_0\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n",
    b"3\r\nabc\r\n0x0\r\n\r\n",
    b" 3\r\nabc\r\n0\r\n\r\n",
    b"3 \r\nabc\r\n0\r\n\r\n",
    b"3\r\nabc \r\n0\r\n\r\n",  # chunk data not ended by CRLF
    b"3\r\nabc\r\n000000000\r\n\r\n",  # 9 digits
    b"3\r\nabc\r\n0\r\nX-T: 1\r\nbad trailer\r\n\r\n",
])
def test_chunk_sizes_are_hex_digits_only(full_app, chunks):
    head = b"POST /only-post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    out = answers(full_app.port, head + chunks + SECOND)
    assert statuses(out) == [400] and b"668" not in out


def test_a_valid_chunked_body_then_the_next_request(full_app):
    head = b"POST /only-post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    out = answers(full_app.port, head + b"3\r\nabc\r\n0\r\n\r\n" + SECOND, wait=1.5)
    assert statuses(out) == [200, 200] and b"body=abc" in out and b"668" in out


def test_chunk_extensions_are_allowed(full_app):
    head = b"POST /only-post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    out = answers(full_app.port, head + b"3 ;name=value\r\nabc\r\n0;last\r\n\r\n")
    assert statuses(out) == [200] and out.endswith(b"body=abc")


# ---- 4. header and request line syntax ----

@pytest.mark.parametrize("data", [
    b"GET / HTTP/1.1\r\nHost: x\r\n: x\r\n\r\n",  # an empty field name
    b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",  # a bare CR in a value
    b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",  # NUL in a value
    b"GET / HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n",  # a name that is not a token
    b"GET / HTTP/1.1\r\nHost: x\r\nUser Agent: 1\r\n\r\n",  # not a token, a usual name's length
    b"GET / HTTP/1.1\r\nHost: x\r\nAccept : 1\r\n\r\n",  # whitespace before the colon
    b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Encodin\xe7: 1\r\n\r\n",  # not ASCII
    b"GET / HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
    b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  # two Hosts
    b"GET\x1c/item/3\x1cHTTP/1.1\r\nHost: x\r\n\r\n",  # str.split() took \x1c for a space
    b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n",  # two spaces
    b"GET /a\x1cb HTTP/1.1\r\nHost: x\r\n\r\n",  # a control in the target
    b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",  # not ASCII in the target
    b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n",  # a method that is not a token
])
def test_bad_heads_get_400(full_app, data):
    out = raw(full_app.port, data)
    assert statuses(out) == [400], out[:80]


def test_http10_needs_no_host(full_app):
    assert statuses(raw(full_app.port, b"GET / HTTP/1.0\r\n\r\n")) == [200]


# ---- 5. <int:> takes ASCII digits only ----

@pytest.mark.parametrize("path", ["/item/%C2%B2", "/item/%D9%A1%D9%A2", "/item/12x"])
def test_int_routes_take_ascii_digits_only(full_app, path):
    out = raw(full_app.port, ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
    assert statuses(out) == [404]


# ---- 6. a body that is not UTF-8 ----

def test_a_form_that_is_not_utf8_gets_400(full_app):
    out = raw(full_app.port, b"POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 6\r\n\r\na=\xff\xfe\xfd\xfc")
    assert statuses(out) == [400]


def test_json_that_is_not_json_gets_400(full_app):
    out = raw(full_app.port, b"POST /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\n{nope")
    assert statuses(out) == [400]


# ---- 7. bad heads are logged in one line, without a traceback ----

def test_bad_heads_are_logged_without_tracebacks(full_app):
    for data in ([b"GET /" + b"a" * 300, b"a" * 300 + b" HTTP/1.1\r\n\r\n"],  # 414 mid-read
                 [b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"v" * 300, b"v" * 300 + b"\r\n\r\n"]):  # 431 mid-read
        out = answers(full_app.port, data, pause=0.05)
        assert statuses(out) in ([414], [431])
    log = full_app.output()
    assert "Traceback" not in log, log
    assert "414 URI Too Long '-'" in log and "431 Request Header Fields Too Large b'GET / HTTP/1.1\\r\\n'" in log


# ---- found by the fuzzers (tests/fuzz/) ----

def test_head_of_a_missing_path_is_answered(full_app):
    # the 404's head, then the next pipelined request's answer: in order
    out = answers(full_app.port, b"HEAD /nowhere HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n"
                                 b"Connection: close\r\n\r\n")
    assert statuses(out) == [404, 200] and out.endswith(b"Hello world")
    assert statuses(answers(full_app.port, b"HEAD /only-post HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == [405]


def test_query_escapes_take_two_hex_digits(full_app):
    r = raw(full_app.port, b"GET /qs?a=%+5&b=%C%20&c=%2&d=%41 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert json.loads(r.split(b"\r\n\r\n", 1)[1]) == {"a": "% 5", "b": "%C ", "c": "%2", "d": "A"}  # "+" is a space in a form
