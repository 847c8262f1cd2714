# The picoweb 1.8.2 API and its newer additions, against tests/apps/full_app.py
# served by each runtime.
import json
import time

import pytest

from httpclient import Conn, request


def get(srv, path, **kw):
    return request(srv.port, path=path, **kw)


def test_generator_handler_from_route_list(full_app):
    r = get(full_app, "/")
    assert (r.status, r.reason, r.body) == (200, "OK", b"Hello world")
    assert r.headers["content-type"] == "text/html; charset=utf-8"


def test_async_handler(full_app):
    r = get(full_app, "/async")
    assert (r.status, r.body) == (200, b"async handler")


def test_full_response_written_by_hand_closes_connection(full_app):
    r = get(full_app, "/raw", close=False)
    assert (r.status, r.body) == (200, b"raw body")


def test_a_handler_that_sends_nothing_gets_500(full_app):
    # its client is answered (it waited on a kept-alive connection until the idle timeout), and
    # the server serves on
    c = Conn(full_app.port)
    try:
        c.send(b"GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n")
        assert c.response().status == 500
    finally:
        c.close()
    assert get(full_app, "/").status == 200


def test_start_response_with_dict_headers(full_app):
    r = get(full_app, "/squares")
    assert r.headers["x-kind"] == "squares"
    assert r.body == b"1\n4\n9\n16\n25\n"


def test_start_response_with_preformatted_headers_and_length(full_app):
    r = get(full_app, "/preformatted", close=False)
    assert r.headers["x-one"] == "1"
    assert r.headers["content-length"] == "5"
    assert "transfer-encoding" not in r.headers
    assert r.body == b"12345"


def test_headers_parsed_as_bytes_dict(full_app):
    r = get(full_app, "/headers", headers={"User-Agent": "tester/1"})
    d = json.loads(r.body)
    assert (d["ua"], d["n"]) == ("tester/1", 3)


def test_headers_as_sent_whatever_the_reads_cut(full_app):
    # req.headers is made from the head's lines when the handler looks: the lines must all be
    # there however the head came (cut inside the request line, a name, a value, a line end),
    # with their values' surrounding whitespace gone, and be the request's own on a kept-alive
    # connection.
    head = (b"GET /headers HTTP/1.1\r\nHost: h\r\nUser-Agent:  ua/1 \r\nX-Tab:\t a b\t\r\n"
            b"X-Empty:\r\nx-lower: v\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n")
    want = [["Host", "h"], ["User-Agent", "ua/1"], ["X-Dup", "2"], ["X-Empty", ""], ["X-Tab", "a b"],
            ["x-lower", "v"]]
    c = Conn(full_app.port)
    try:
        for cuts in ([], [7, 30, 31, 60], list(range(1, len(head)))):
            pieces = [head[a:b] for a, b in zip([0] + cuts, cuts + [len(head)])]
            for p in pieces:
                c.send(p)
                if len(pieces) < 10:
                    time.sleep(0.05)
            r = c.response()
            assert r.status == 200 and json.loads(r.body)["all"] == want, (cuts, r.body)
        c.send(b"GET /headers HTTP/1.1\r\nHost: other\r\n\r\n")
        assert json.loads(c.response().body)["all"] == [["Host", "other"]]
        # a long head, over many reads: its lines leave the buffer as they come (into the dict)
        long = [["Host", "h"]] + [["X-Long-%02d" % i, "%d" % i * 60] for i in range(20)]
        head = b"GET /headers HTTP/1.1\r\n" + b"".join(b"%s:  %s \r\n" % (k.encode(), v.encode()) for k, v in long)
        head += b"\r\n"
        for size in (97, 200, len(head)):
            for i in range(0, len(head), size):
                c.send(head[i : i + size])
                time.sleep(0.005)
            r = c.response()
            assert r.status == 200 and json.loads(r.body)["all"] == long, (size, r.body[:200])
    finally:
        c.close()


def test_headers_skip_and_leave(full_app):
    assert json.loads(get(full_app, "/headers-skip").body) == {"headers": False}
    r = get(full_app, "/headers-leave", headers={"X-A": "1", "X-B": "2"})
    assert r.body == b"left 4"  # Host, Connection, X-A, X-B


def test_query_string(full_app):
    r = get(full_app, "/qs?a=1&b=x+y&b=%C3%A9&flag")
    assert json.loads(r.body) == {"a": "1", "b": ["x y", "\u00e9"], "flag": True}


def test_form_post(full_app):
    r = request(full_app.port, "POST", "/form", body=b"name=J%C3%BCrgen&n=2",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert json.loads(r.body) == {"name": "J\u00fcrgen", "n": "2"}


def test_regex_route_url_match(full_app):
    assert get(full_app, "/user/alice").body == b"user alice"


def test_variable_parts(full_app):
    assert json.loads(get(full_app, "/item/42").body) == {"id": 42}
    assert json.loads(get(full_app, "/item/a%20b/c").body) == {"id": "a b", "name": "c"}
    assert json.loads(get(full_app, "/files/a/b/c.txt").body) == {"rest": "a/b/c.txt"}
    assert get(full_app, "/item/x").status == 404  # not an int, and no <id>/<name> match
    assert get(full_app, "/item/").status == 404


def test_method_filter_405_with_allow(full_app):
    r = get(full_app, "/only-post")
    assert r.status == 405
    assert r.reason == "Method Not Allowed"
    assert r.headers["allow"] == "POST"
    r = request(full_app.port, "POST", "/only-post", body=b"xyz")
    assert (r.status, r.body) == (200, b"body=xyz")


def test_json_api(full_app):
    r = get(full_app, "/json")
    assert r.headers["content-type"] == "application/json"
    assert json.loads(r.body) == {"hello": "world", "n": [1, 2, 3]}
    r = request(full_app.port, "POST", "/json", body=b'{"x": [1, 2]}')
    assert r.status == 201 and r.reason == "Created"
    assert json.loads(r.body) == {"got": {"x": [1, 2]}}


def test_put_to_get_post_route_is_405(full_app):
    r = request(full_app.port, "PUT", "/json", body=b"{}")
    assert r.status == 405
    assert r.headers["allow"] == "GET, POST"


def test_redirect(full_app):
    r = get(full_app, "/go")
    assert (r.status, r.reason, r.headers["location"]) == (302, "Found", "/")


def test_http_error_reason_phrases(full_app):
    for code, reason in [(404, "Not Found"), (403, "Forbidden"), (500, "Internal Server Error"),
                         (418, "Unknown"), (503, "Service Unavailable")]:
        r = get(full_app, "/error/%d" % code)
        assert (r.status, r.reason) == (code, reason)


def test_not_found(full_app):
    r = get(full_app, "/no/such/page")
    assert (r.status, r.reason) == (404, "Not Found")


def test_sendfile(full_app):
    r = get(full_app, "/send")
    assert r.body == b"hello static\n"
    assert r.headers["x-sent"] == "1"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["content-length"] == "13"


def test_mount_sub_app_sees_path_without_prefix_and_is_inited_lazily(full_app):
    assert get(full_app, "/sub").body == b"sub / yes"
    assert get(full_app, "/sub/").body == b"sub / yes"
    assert get(full_app, "/sub/deep").body == b"sub /deep"
    assert get(full_app, "/subway").status == 404  # a prefix is a path segment, not a string prefix


def test_head_request_has_headers_only(full_app):
    c = __import__("httpclient").Conn(full_app.port)
    c.send(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
    r1 = c.response(head=True)
    r2 = c.response()
    c.close()
    assert r1.status == 200 and r1.body == b""
    assert r2.body == b"Hello world"


@pytest.mark.parametrize("path,body", [("/aclose-gen", b"written, then closed"),
                                       ("/aclose-async", b"one piece, then closed")])
def test_aclose_sends_what_was_written_then_closes(full_app, path, body):
    # asked for keep-alive: the body still arrives whole, framed, and the connection ends
    c = Conn(full_app.port)
    try:
        c.send("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path)
        r = c.response()
        assert r.status == 200 and r.body == body and c.closed()
    finally:
        c.close()


def test_awriteiter_and_awrite_slices_of_str_and_bytes(full_app):
    assert get(full_app, "/awriteiter").body == b"abc"
    assert get(full_app, "/awrite-slice").body == b"worldbytes"
