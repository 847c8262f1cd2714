#!/usr/bin/env python3
"""Machine instructions per request of the whole server, picoweb's hello against the bare
asyncio server (bench/bare_server.py) on the same firmware, counted by valgrind's callgrind in the
server's process: accepting, asyncio's loop and poller, reading, parsing, the handler, writing.
The throughput goals are ratios to the bare server, which `make bench` measures by the clock
(noisy on a shared machine); this is the same ratio counted, to about 1%, without the kernel's
share of each request (user space only; the kernel's is much the same for both servers).

    python bench/server_instructions.py [FIRMWARE] [N]

FIRMWARE: a MicroPython unix binary with picoweb frozen in (default: the virtual board's 32-bit
firmware, built first if it is not there). N requests (default 2000), counted after 200 that
warm up: over 4 kept-alive connections, then each on its own connection (Connection: close),
4 at a time. The heap: an ESP32's (128 KiB). Needs valgrind (Debian's valgrind package).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tools.serverproc import HOST, answers_http, free_port  # noqa: E402

APPS = (("bare", os.path.join(ROOT, "bench", "bare_server.py")),
        ("picoweb", os.path.join(ROOT, "bench", "apps", "picoweb", "hello.py")))
WARM = 200


def response(s, buf):
    # Reads one response with a Content-Length (the hello apps' own) from s; returns what
    # followed it. A status other than 200 ends the run: a count of failed requests means nothing.
    while True:
        i = buf.find(b"\r\n\r\n")
        if i >= 0:
            head = buf[:i].lower()
            j = head.find(b"content-length:")
            n = i + 4 + int(head[j + 15 :].split(b"\r\n")[0])
            while len(buf) < n:
                d = s.recv(4096)
                if not d:
                    sys.exit("the server closed the connection within a response")
                buf += d
            if not buf.startswith(b"HTTP/1.1 200"):
                sys.exit("the server answered %r" % buf[:40])
            return buf[n:]
        d = s.recv(4096)
        if not d:
            sys.exit("the server closed the connection before a response")
        buf += d


def load(port, n, close):
    # n requests, 4 at a time: on 4 kept-alive connections, or each on a new connection
    req = b"GET / HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: wrk\r\n%s\r\n" % (
        HOST.encode(), port, b"Connection: close\r\n" if close else b"")
    conns = []
    for done in range(0, n, 4):
        if close or not conns:
            conns = [socket.create_connection((HOST, port), timeout=60) for _ in range(4)]
        for s in conns:
            s.sendall(req)
        for s in conns:
            if response(s, b""):
                sys.exit("more than one response to a request")
            if close:
                s.close()
    for s in conns:
        s.close()


def count(fw, app, n, close, tmp):
    port = free_port()
    out = os.path.join(tmp, "callgrind.out")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=" + out,
                             fw, "-X", "heapsize=128K", app, str(port)],
                            env=dict(os.environ, MICROPYPATH=".frozen"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=tmp)
    try:
        t = time.time() + 60
        while answers_http(port) is None:
            if proc.poll() is not None or time.time() > t:
                sys.exit("%s did not start under valgrind:\n%s" % (app, proc.stderr.read().decode()[-2000:]))
            time.sleep(0.3)
        load(port, WARM, close)
        subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], capture_output=True, check=True)
        load(port, n, close)
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], capture_output=True, check=True)
        with open(out + ".1") as f:
            m = re.search(r"^totals: (\d+)", f.read(), re.M)
        if not m:
            sys.exit("no totals in callgrind's dump of %s" % app)
        return int(m.group(1)) // n
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for f in os.listdir(tmp):
            os.remove(os.path.join(tmp, f))


def main():
    for tool in ("valgrind", "callgrind_control"):
        if not shutil.which(tool):
            sys.exit("%s not found: install Debian's valgrind (apt-get install valgrind)" % tool)
    if len(sys.argv) > 1:
        fw = sys.argv[1]
        if not os.path.exists(fw):
            sys.exit("no firmware at %s" % fw)
    else:
        from tools import firmware

        fw = firmware.picoweb_firmware(32)  # built if it is not there, or is out of date
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        for mode, close in (("keep-alive", False), ("Connection: close", True)):
            c = {name: count(fw, app, n, close, tmp) for name, app in APPS}
            print("%s: %d machine instructions per hello request, the bare server %d: x bare %.2f (%s)" % (
                mode, c["picoweb"], c["bare"], c["bare"] / c["picoweb"], os.path.relpath(fw, ROOT)), flush=True)


if __name__ == "__main__":
    main()
