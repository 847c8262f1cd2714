#!/usr/bin/env python3
"""An app served by CPython, as on a computer (make run-cpython).

usage: python -m tools.cpython [APP] [--http-port N]

APP is a .py file or a folder with main.py (default: examples/hello.py). It runs in its own
folder (its templates/ and static/ beside it) with picoweb from this tree. It gets the port
as PICOWEB_PORT, which picoweb's app.run() takes over the port the app asks for, and as its
first argument. "serving on" is printed once the app has answered a request.
"""
import os
import signal
import subprocess
import sys
import time

from tools import boards
from tools.runner import ToolError, main_guard
from tools.serverproc import answers_http, port_owner


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(prog="python -m tools.cpython")
    ap.add_argument("app", nargs="?", default=os.path.join(boards.ROOT, "examples", "hello.py"))
    ap.add_argument("--http-port", type=int, default=8081)
    a = ap.parse_args(argv)
    app = os.path.abspath(a.app)
    if os.path.isdir(app):
        app = os.path.join(app, "main.py")
    if not os.path.isfile(app):
        raise ToolError("no app at %s (a .py file, or a folder with main.py)" % a.app)
    owner = port_owner(a.http_port)
    if owner:
        raise ToolError("port %d is in use by %s: choose another, e.g. make run-cpython HTTP_PORT=%d"
                        % (a.http_port, owner, a.http_port + 1))
    # compat/cpython after picoweb: 1.8.2 apps importing uasyncio, ure, ubinascii ... run unmodified
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([boards.ROOT, os.path.join(boards.ROOT, "compat", "cpython")]),
               PICOWEB_PORT=str(a.http_port))
    p = subprocess.Popen([sys.executable, os.path.basename(app), str(a.http_port)], cwd=os.path.dirname(app), env=env,
                         start_new_session=True)
    for sig in (signal.SIGINT, signal.SIGTERM):  # passed on as one Ctrl-C: the app ends, then this does
        signal.signal(sig, lambda *_: p.send_signal(signal.SIGINT))
    end = time.time() + 30
    while p.poll() is None:
        status = answers_http(a.http_port)
        if status:
            print("serving on http://127.0.0.1:%d/: it answered %r; Ctrl-C stops it" % (a.http_port, status), flush=True)
            break
        if time.time() > end:
            print("warning: nothing answers on port %d after 30 s (does the app listen on it?)" % a.http_port,
                  file=sys.stderr, flush=True)
            break
        time.sleep(0.1)
    sys.exit(p.wait())


if __name__ == "__main__":
    main_guard(main)
