# HTTP/1.1 behaviour: keep-alive, pipelining, HTTP/1.0 clients, framing.
from httpclient import Conn, request


def test_keep_alive_serves_several_requests_on_one_connection(full_app):
    c = Conn(full_app.port)
    for path, body in [("/", b"Hello world"), ("/json", None), ("/squares", b"1\n4\n9\n16\n25\n")]:
        c.send("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path)
        r = c.response()
        assert r.status == 200
        assert "connection" not in r.headers  # persistent is the HTTP/1.1 default
        if body is not None:
            assert r.body == body
    assert not c.closed(wait=0.3)
    c.close()


def test_framing_of_piecemeal_one_piece_and_known_length_responses(full_app):
    c = Conn(full_app.port)
    c.send(b"GET /squares HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /json HTTP/1.1\r\nHost: x\r\n\r\n")
    several, one, known = c.response(), c.response(), c.response()
    c.close()
    # written in several pieces without a length: chunked
    assert several.headers["transfer-encoding"] == "chunked" and several.body == b"1\n4\n9\n16\n25\n"
    # written in one piece: the framework knows its length when the handler returns
    assert one.headers["content-length"] == "11" and "transfer-encoding" not in one.headers
    assert "content-length" in known.headers and "transfer-encoding" not in known.headers


def test_pipelined_requests_answered_in_order(full_app):
    c = Conn(full_app.port)
    paths = ["/user/%d" % i for i in range(8)]
    c.send("".join("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % p for p in paths))
    bodies = [c.response().body for _ in paths]
    c.close()
    assert bodies == [b"user %d" % i for i in range(8)]


def test_long_streamed_response(full_app):
    r = request(full_app.port, path="/big", close=False)
    lines = r.body.decode().splitlines()
    assert len(lines) == 200 and lines[-1] == "line 199 of a long streamed response"


def test_http10_gets_close_and_no_chunking(full_app):
    c = Conn(full_app.port)
    c.send(b"GET / HTTP/1.0\r\n\r\n")
    r = c.response()
    assert r.body == b"Hello world"
    assert "transfer-encoding" not in r.headers
    assert r.headers["connection"] == "close"
    assert c.closed()
    c.close()


def test_http10_keep_alive_when_length_known(full_app):
    c = Conn(full_app.port)
    for _ in range(3):
        c.send(b"GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.response()
        assert r.headers["connection"] == "keep-alive"
    # a one-piece response: its length is known when the handler returns
    c.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert c.response().headers["connection"] == "keep-alive"
    # an unknown length (several pieces) ends with the connection: no chunking for HTTP/1.0
    c.send(b"GET /squares HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    r = c.response()
    assert r.headers["connection"] == "close" and r.body == b"1\n4\n9\n16\n25\n"
    assert c.closed()
    c.close()


def test_connection_close_is_honoured(full_app):
    c = Conn(full_app.port)
    c.send(b"GET /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    r = c.response()
    assert r.headers["connection"] == "close"
    assert c.closed()
    c.close()


def test_unread_body_is_discarded_before_next_request(full_app):
    c = Conn(full_app.port)
    body = b"x" * 1000
    c.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + body)
    c.send(b"GET /user/next HTTP/1.1\r\nHost: x\r\n\r\n")
    assert c.response().body == b"Hello world"
    assert c.response().body == b"user next"
    c.close()


def test_empty_lines_before_request_are_ignored(full_app):
    c = Conn(full_app.port)
    c.send(b"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert c.response().body == b"Hello world"
    c.close()


def test_bare_lf_line_endings_accepted(full_app):
    c = Conn(full_app.port)
    c.send(b"GET /json HTTP/1.1\nHost: x\n\n")
    assert c.response().status == 200
    c.close()


def test_takeover_handler_keeps_its_connection(full_app):
    c = Conn(full_app.port)
    c.send(b"GET /takeover HTTP/1.1\r\nHost: x\r\n\r\n")
    assert c.read_to_close() == b"HTTP/1.0 200 OK\r\n\r\ntaken"
    c.close()
