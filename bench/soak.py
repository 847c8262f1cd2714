"""make bench's soak: the board app (tests/apps/board, every optional module) frozen into the
virtual board's 32-bit firmware at an ESP8266's heap, 10,000 requests, one after the other:
hello, JSON, a template page, a static file, a form, an upload, server-sent events, a WebSocket,
a 404, in turn. It reports the live heap after the warm-up (the first 1,000) and at the end, and
every answer that was not the expected one. The workload, mixed(), is also the board-sized
tests' (tests/test_board.py), which add chunked bodies and Basic auth, and concurrency.
"""
import base64
import collections
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))  # the tests' strict HTTP client

from httpclient import Conn  # noqa: E402
from tools import boards, build  # noqa: E402
from tools.serverproc import BoardProcess  # noqa: E402
from tools.vboard import heap_model  # noqa: E402

APP = os.path.join(ROOT, "tests", "apps", "board")
MULTIPART = (b"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
             b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n" + b"u" * 3000 +
             b"\r\n--B--\r\n")
WS_HEAD = (b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")


def mixed(port, i):
    # One request of the mixed workload: "ok" if its answer is the expected one; else the status
    # it got ("cut" if its body was cut short: what a response that ran out of heap midway ends
    # as), or "none" if the connection closed, or timed out, before a status line came.
    k = i % 11
    good = "Basic " + base64.b64encode(b"admin:board").decode()
    method, path, headers, body, want = [
        ("GET", "/", {}, b"", b"Hello world"),
        ("GET", "/json", {}, b"", b"temperature"),
        ("GET", "/page", {}, b"", b"sensor 19"),
        ("GET", "/static/style.css", {"Accept-Encoding": "gzip"}, b"", b""),
        ("POST", "/form", {"Content-Type": "application/x-www-form-urlencoded"}, b"name=a&b=2", b'"n": 2'),
        ("POST", "/body", {"Transfer-Encoding": "chunked"}, b"5dc\r\n" + b"c" * 1500 + b"\r\n0\r\n\r\n",
         b'"size": 1500'),
        ("POST", "/upload", {"Content-Type": "multipart/form-data; boundary=B"}, MULTIPART, b"[3000]"),
        ("GET", "/events", {}, b"", b"data: tick 2"),
        ("GET", "/ws", {}, b"", b"hello"),
        ("GET", "/secret", {"Authorization": good}, b"", b"secret"),
        ("GET", "/nowhere", {}, b"", b"404 Not Found"),
    ][k]
    c = Conn(port, 10)
    try:
        if k == 8:  # a WebSocket: upgrade, one message echoed, closed
            c.send(WS_HEAD)
            r = c.response()
            if r.status != 101:
                return r.status
            c.send(b"\x81\x85abcd" + bytes(x ^ b"abcd"[j % 4] for j, x in enumerate(b"hello")))
            c.send(b"\x88\x82abcd" + bytes(x ^ b"abcd"[j % 4] for j, x in enumerate(b"\x03\xe8")))
            return "ok" if want in c.read_to_close() else "cut"
        h = dict(headers, Host="x", Connection="close")
        if body and "Transfer-Encoding" not in h:
            h["Content-Length"] = str(len(body))
        c.send(("%s %s HTTP/1.1\r\n" % (method, path) + "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n")
               .encode() + body)
        try:
            r = c.response()
        except EOFError:
            return "cut" if c.buf.startswith(b"HTTP/1.1 ") else "none"
        return "ok" if want in r.body and r.status in (200, 404) else r.status
    except OSError as e:
        return "none " + repr(e)
    finally:
        c.close()


def board(like="esp8266", console=None):
    """The board app frozen into the firmware, booted with the heap of board `like`."""
    tmp = tempfile.mkdtemp(prefix="picoweb-soak-")
    os.environ["PICOWEB_FIRMWARE_DIR"] = os.path.join(tmp, "firmware")
    try:
        fw = build.build_firmware(boards.load("unix"), APP, 32)
    finally:
        del os.environ["PICOWEB_FIRMWARE_DIR"]
    flash = os.path.join(tmp, "flash")
    shutil.copytree(os.path.join(tmp, "firmware", "unix"), flash, ignore=shutil.ignore_patterns("micropython", "stage"))
    return BoardProcess(fw, flash, heap_model(like), output=console, scratch=tmp)


def live_heap(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/_stats" % port, timeout=10) as f:
        return json.load(f)["alloc"]


SOAK = (0, 1, 2, 3, 4, 6, 7, 8, 10)  # mixed()'s kinds in the soak: all but the chunked body and auth
KINDS = ["hello", "json", "template", "static", "form", "chunked", "upload", "sse", "websocket", "auth", "404"]


def run(n=10000, warmup=1000, concurrency=1, like="esp8266", log=print, console=None):
    """{"heap_after_warmup", "heap_at_end", "drift", "unexpected": {kind: count}, "seconds"}"""
    b = board(like, console)
    if not b.ok:
        b.stop()
        raise RuntimeError("the board app did not start at the %s's heap" % like)
    try:
        t = time.time()
        bad = collections.Counter()
        def one(i):
            return mixed(b.port, SOAK[i % len(SOAK)])

        with concurrent.futures.ThreadPoolExecutor(concurrency) as ex:
            for start, end in ((0, warmup), (warmup, n)):
                for i, r in zip(range(start, end), ex.map(one, range(start, end))):
                    if r != "ok":
                        bad["%s: %s" % (KINDS[SOAK[i % len(SOAK)]], r)] += 1
                time.sleep(0.5)  # the last requests' heap freed
                if start == 0:
                    after_warmup = live_heap(b.port)
                    log("  soak: %d requests, live heap %d bytes" % (warmup, after_warmup))
        at_end = live_heap(b.port)
        log("  soak: %d requests, live heap %d bytes; unexpected answers: %s" % (n, at_end, dict(bad) or "none"))
        return {"requests": n, "concurrency": concurrency, "heap_after_warmup": after_warmup, "heap_at_end": at_end,
                "drift": at_end - after_warmup, "unexpected": dict(bad), "seconds": round(time.time() - t, 1),
                "alive": b.alive()}
    finally:
        b.stop()


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10000))
