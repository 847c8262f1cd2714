#!/usr/bin/env python3
"""Where picoweb's heap goes, on the virtual board's 32-bit firmware with picoweb and the
harness app frozen in (its main.py run after bench/breakdown_main.py, which measures):

- resident: each import and set-up step, after a collection;
- per connection: the live heap an idle keep-alive connection holds after its first request,
  and one that has sent half a head (8 of each, the figure per connection);
- per request: every byte a request allocates, garbage included (the collector off from
  /_m/start to /_m/stop; a bracket with no request in it is subtracted), on one keep-alive
  connection, and with a connection of its own (Connection: close) for hello; the median of 5
  such measures;
  per kind: hello, JSON, the template page (a 20-row table), a static file, a form POST, a 404.

usage: python bench/breakdown.py [--json FILE]   (make bench runs it and publishes its table)
"""
import json
import os
import shutil
import socket
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # this script runs from bench/: the tools are beside it

from tools import frameworks  # noqa: E402
from tools.serverproc import BoardProcess  # noqa: E402

FORM = b"name=board&location=kitchen&interval=60&unit=celsius"
KINDS = {
    "hello": b"GET / HTTP/1.1\r\nHost: b\r\n\r\n",
    "json": b"GET /json HTTP/1.1\r\nHost: b\r\n\r\n",
    "template page": b"GET /page HTTP/1.1\r\nHost: b\r\n\r\n",
    "static file": b"GET /static/style.css HTTP/1.1\r\nHost: b\r\n\r\n",
    "form POST": b"POST /form HTTP/1.1\r\nHost: b\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (len(FORM), FORM),
    "404": b"GET /nope HTTP/1.1\r\nHost: b\r\n\r\n",
}
N = 20  # requests per measure
CONNS = 6  # connections held per measure (with the probe, under max_conns: 8)


def response(s):
    # one whole response from s: (status, body)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            raise ConnectionError("closed before a whole head: %r" % buf)
        buf += d
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    h = {k.strip().lower(): v.strip() for k, v in (ln.split(b":", 1) for ln in lines[1:])}
    if b"content-length" in h:
        n = int(h[b"content-length"])
        while len(body) < n:
            body += s.recv(4096)
    elif h.get(b"transfer-encoding") == b"chunked":
        while not body.endswith(b"0\r\n\r\n"):
            body += s.recv(4096)
    else:
        while True:
            d = s.recv(4096)
            if not d:
                break
            body += d
    return int(lines[0].split()[1]), body


class Client:
    def __init__(self, port):
        self.port = port
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)

    def ask(self, raw):
        self.s.sendall(raw)
        return response(self.s)

    def get(self, path):
        st, body = self.ask(b"GET %s HTTP/1.1\r\nHost: b\r\n\r\n" % path.encode())
        assert st == 200, (path, st, body)
        return json.loads(body)

    def close(self):
        self.s.close()


def allocated(port, send):
    # bytes allocated between /_m/start and /_m/stop on a keep-alive connection, send() between
    c = Client(port)
    try:
        c.ask(b"GET /_m/start HTTP/1.1\r\nHost: b\r\n\r\n")
        send(c)
        return c.get("/_m/stop")
    finally:
        c.close()


def per_request(port, raw, close=False):
    def keep(c):
        for _ in range(N):
            c.ask(raw)

    def own(c):
        for _ in range(N):
            o = Client(port)
            o.ask(raw.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1))
            o.close()

    empty = min(allocated(port, lambda c: None) for _ in range(3))
    # the median of 5 measures: whether the server's read finds the next request there or waits
    # on the poller (which allocates) moves a single one by 150 to 300 bytes a request
    runs = sorted(allocated(port, own if close else keep) for _ in range(5))
    return (runs[2] - empty) / N


def per_connection(port, opening):
    # live heap held by CONNS connections that sent `opening` (and read its answer, if whole)
    probe = Client(port)
    try:
        for _ in range(100):  # the connections of the last measure gone: the probe's own is left
            before, conns = probe.get("/_m/live")
            if conns == 1:
                break
            time.sleep(0.05)
        held = []
        for _ in range(CONNS):
            c = Client(port)
            c.s.sendall(opening)
            if opening.endswith(b"\r\n\r\n"):
                response(c.s)
            held.append(c)
        for _ in range(100):  # every connection accepted and at its first read
            after, conns = probe.get("/_m/live")
            if conns == CONNS + 1:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("the server holds %d connections, not %d" % (conns, CONNS + 1))
        for c in held:
            c.close()
        return (after - before) / CONNS
    finally:
        probe.close()


def run(heap=512 * 1024):
    fw = [f for f in frameworks.frameworks() if f.name == "picoweb"][0]
    fwbin, flash = frameworks.prepare(fw, "harness", "frozen")
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "flash")
        shutil.copytree(flash, f)
        with open(os.path.join(ROOT, "bench", "breakdown_main.py")) as a, open(os.path.join(f, "main.py")) as b:
            app = b.read()
            if app.count("\napp.run(") != 1:
                sys.exit("the harness app's main.py has no app.run( line to measure before")
            main = a.read() + app.replace("\napp.run(", "\nprobe(app)\napp.run(", 1)
        with open(os.path.join(f, "main.py"), "w") as m:
            m.write(main)
        b = BoardProcess(fwbin, f, heap, wait=15)
        try:
            if not b.ok:
                sys.exit("the breakdown app did not start on %s" % fwbin)
            c = Client(b.port)
            steps = c.get("/_m/steps")
            for raw in KINDS.values():  # warm up: first imports, first renders
                c.ask(raw)
            c.close()
            out = {"resident": dict(steps),
                   "connection": {"idle keep-alive, after a request": per_connection(b.port, KINDS["hello"]),
                                  "half a head sent": per_connection(b.port, b"GET / HTTP/1.1\r\nHo")},
                   "request": {k: per_request(b.port, raw) for k, raw in KINDS.items()}}
            out["request"]["hello, Connection: close (its own connection)"] = per_request(b.port, KINDS["hello"], True)
            if not b.alive():
                sys.exit("the breakdown app died")
            return out
        finally:
            b.stop()


def table(r):
    md = ["| what | bytes |", "|---|---|"]
    md += ["| resident: %s | %d |" % kv for kv in r["resident"].items()]
    md += ["| live per connection: %s | %.0f |" % kv for kv in r["connection"].items()]
    md += ["| allocated per request: %s | %.0f |" % kv for kv in r["request"].items()]
    return "\n".join(md) + "\n"


if __name__ == "__main__":
    r = run()
    print(table(r))
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
            json.dump(r, f, indent=1)
