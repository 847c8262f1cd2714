# picoweb.multipart: uploads streamed to files or hashed on the fly, on both runtimes. The
# MicroPython server has a 96 KiB heap and takes uploads many times that size.
import hashlib
import json
import os
import subprocess

import pytest

from conftest import RUNTIMES, TESTS, Server
from httpclient import Conn, raw, request

HEAP = 160 * 1024  # picoweb and multipart compiled from source on the 64-bit port: at 128 KiB the
# compiler's next qstr pool (a block of 3,568 bytes) no longer found room (as for full_app)
B = "----picoweb-test-b0undary"


@pytest.fixture(scope="module", params=RUNTIMES)
def uploads(request, tmp_path_factory):
    d = tmp_path_factory.mktemp("uploads")
    srv = Server(request.param, os.path.join(TESTS, "apps", "upload_app.py"), [d], heap="%d" % HEAP)
    srv.dir = d
    yield srv
    srv.stop()


def form_body(parts, preamble=b""):
    # parts: (name, filename or None, content type or None, data)
    out = preamble
    for name, filename, ctype, data in parts:
        out += b"--" + B.encode() + b"\r\nContent-Disposition: form-data; name=\"" + name.encode() + b"\""
        if filename is not None:
            out += b'; filename="' + filename.encode() + b'"'
        out += b"\r\n"
        if ctype:
            out += b"Content-Type: " + ctype.encode() + b"\r\n"
        out += b"\r\n" + data + b"\r\n"
    return out + b"--" + B.encode() + b"--\r\n"


def post(port, path, body, extra=None):
    h = {"Content-Type": "multipart/form-data; boundary=" + B}
    h.update(extra or {})
    return request(port, "POST", path, h, body)


def tricky(n):
    # binary data full of near-delimiters: CRs, LFs, "--" and most of the boundary
    near = b"\r\n--" + B.encode()[:-1] + b"\r\n-\r" + bytes(range(256))
    return (near * (n // len(near) + 1))[:n]


def test_fields_and_files(uploads):
    data = tricky(5000)
    body = form_body([("title", None, None, "café, ünïcode".encode()), ("empty", None, None, b""),
                      ("doc", 'a;b c.bin', "application/octet-stream", data),
                      ("nothing", "empty.txt", "text/plain", b"")], preamble=b"ignored preamble\r\n")
    r = post(uploads.port, "/upload", body)
    assert r.status == 200, r.body
    got = json.loads(r.body)
    assert got["fields"] == {"title": "café, ünïcode", "empty": ""}
    assert got["files"] == [
        {"name": "doc", "filename": 'a;b c.bin', "type": "application/octet-stream", "size": 5000,
         "sha256": hashlib.sha256(data).hexdigest()},
        {"name": "nothing", "filename": "empty.txt", "type": "text/plain", "size": 0,
         "sha256": hashlib.sha256(b"").hexdigest()}]
    assert (uploads.dir / "0.bin").read_bytes() == data


def test_upload_many_times_the_heap_with_curl(uploads, tmp_path):
    # a real client (curl -F, which asks "Expect: 100-continue" first) and a file of 24 x the heap
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        for i in range(24 * HEAP // 4096):
            f.write(hashlib.sha256(b"%d" % i).digest() * 128)
    out = subprocess.run(["curl", "-sS", "--max-time", "60", "-F", "note=hello", "-F", "file=@%s" % big,
                          "http://127.0.0.1:%d/upload" % uploads.port], capture_output=True, check=True)
    got = json.loads(out.stdout)
    assert got["fields"] == {"note": "hello"}
    assert got["files"][0]["size"] == big.stat().st_size == 24 * HEAP
    assert got["files"][0]["sha256"] == hashlib.sha256(big.read_bytes()).hexdigest()
    # the same, sent chunked (no Content-Length), saved with Part.save() by a generator handler
    out = subprocess.run(["curl", "-sS", "--max-time", "60", "-H", "Transfer-Encoding: chunked", "-F", "skip=me",
                          "-F", "file=@%s" % big, "http://127.0.0.1:%d/save" % uploads.port],
                         capture_output=True, check=True)
    assert json.loads(out.stdout) == {"file": 24 * HEAP}
    assert (uploads.dir / "saved.bin").read_bytes() == big.read_bytes()


def test_the_server_goes_on_after_uploads(uploads):
    # on a kept-alive connection, a form whose parts the handler leaves unread, then another request
    c = Conn(uploads.port)
    body = form_body([("a", None, None, b"1"), ("f", "x.bin", None, tricky(3000))])
    head = "POST /save HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=%s\r\n" % B
    c.send(head.encode() + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert json.loads(c.response().body) == {"f": 3000}
    c.send(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
    assert c.response().status == 404
    c.close()


def test_upload_over_the_limit_is_413(uploads):
    r = post(uploads.port, "/small", form_body([("f", "x.bin", None, b"x" * 5000)]))
    assert r.status == 413
    r = post(uploads.port, "/small", form_body([("f", None, None, b"x" * 2000)]))
    assert r.status == 413  # a plain field longer than parse()'s limit (1024 bytes)


@pytest.mark.parametrize("ctype, body", [
    ("text/plain", form_body([("a", None, None, b"1")])),  # not multipart
    ("multipart/form-data", form_body([("a", None, None, b"1")])),  # no boundary
    ("multipart/form-data; boundary=" + B, b"--" + B.encode() + b"\r\nContent-Disposition: form-data; name=a\r\n\r\n1"),
    ("multipart/form-data; boundary=" + B, b"--" + B.encode() + b"\r\nno colon here\r\n\r\n1\r\n--" + B.encode() + b"--"),
])
def test_malformed_forms_are_400(uploads, ctype, body):
    r = request(uploads.port, "POST", "/small", {"Content-Type": ctype}, body)
    assert r.status == 400


@pytest.mark.parametrize("head, body", [
    # a Content-Type that is not UTF-8 (fuzzed): 400, not a 500
    (b"Content-Type: multipart/form-data; boundary=\xff\r\n", b""),
    # a part name, and a plain field's value, that are not UTF-8
    (b"Content-Type: multipart/form-data; boundary=B\r\n",
     b"--B\r\nContent-Disposition: form-data; name=\"\xff\xfe\"\r\n\r\n1\r\n--B--\r\n"),
    (b"Content-Type: multipart/form-data; boundary=B\r\n",
     b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\xfe\r\n--B--\r\n"),
])
def test_forms_that_are_not_utf8_are_400(uploads, head, body):
    out = raw(uploads.port, b"POST /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + head +
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert out.startswith(b"HTTP/1.1 400 ")
