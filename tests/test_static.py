# Static files: served only from static/, traversal refused, MIME types, gzip variants.
import pytest

from httpclient import request


def get(srv, path, **kw):
    return request(srv.port, path=path, **kw)


@pytest.mark.parametrize("path,ctype", [
    ("/static/hello.txt", "text/plain; charset=utf-8"),
    ("/static/index.html", "text/html; charset=utf-8"),
    ("/static/data.json", "application/json"),
    ("/static/sub/app.js", "application/javascript"),
])
def test_static_file_with_type_and_length(full_app, path, ctype):
    r = get(full_app, path)
    assert r.status == 200
    assert r.headers["content-type"] == ctype
    assert int(r.headers["content-length"]) == len(r.body) > 0


def test_gzip_variant_served_when_accepted(full_app):
    import gzip

    r = get(full_app, "/static/style.css", headers={"Accept-Encoding": "gzip, deflate"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["content-type"] == "text/css"
    assert gzip.decompress(r.body) == b"body { color: red; }\n"
    r = get(full_app, "/static/style.css")
    assert "content-encoding" not in r.headers
    assert r.body == b"body { color: red; }\n"


@pytest.mark.parametrize("path", [
    "/static/../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E%2Fsecret.txt",
    "/static/sub/../../secret.txt",
    "/static//etc/passwd",
    "/static/%2fetc/passwd",
    "/static/./hello.txt",
    "/static/..%5csecret.txt",
])
def test_traversal_refused(full_app, path):
    r = get(full_app, path)
    assert r.status in (403, 404)
    assert b"secret" not in r.body


def test_missing_file_and_directory_are_404(full_app):
    assert get(full_app, "/static/nope.txt").status == 404
    assert get(full_app, "/static/sub").status == 404


def test_head_on_static_file(full_app):
    r = request(full_app.port, "HEAD", "/static/hello.txt")
    assert r.status == 200 and r.headers["content-length"] == "13" and r.body == b""


def test_large_static_file_streams_through_small_buffer(full_app, tmp_path):
    # 64 KiB, larger than the buffer and than max_body: streamed, never read whole
    r = get(full_app, "/static/big.bin")
    assert r.status == 200 and len(r.body) == 65536
    assert r.body == bytes(range(256)) * 256
