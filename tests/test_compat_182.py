# picoweb 1.8.2's own apps, unmodified, as compatibility tests. The vendored archive of the
# picoweb repository at its 1.8.2 release (../shared/vendor/picoweb-1.8.2-b74428e.tar.gz) is
# unpacked under build/; each of its apps (example_webapp.py, example_webapp2.py, examples/*.py)
# runs as a server in its own folder, and is asked what a user would ask it.
#
# The reference is the same app served by picoweb 1.8.2 itself (with utemplate 1.4.1, ulogging
# and pkg_resources from the vendored sdists) on Pycopy, 1.8.2's platform; its answers are
# recorded at test time. Each runtime's answer from this picoweb must be the same: status,
# the headers in HEADERS, and the body (de-framed: Content-Length or chunked must be exact, else
# the connection must close). Where 1.8.2's answer differs by design, ACCEPTED below names the
# exact pair of values, with the reason; any other difference fails.
#
# The apps run unmodified: this picoweb takes its port from PICOWEB_PORT. 1.8.2 cannot, so the
# reference runs each app through tests/compat182/run182.py, which replaces only run()'s port.
# On CPython the apps' u-named imports come from compat/cpython/ (compat/cpython/README.md).
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import ROOT
from tools import firmware
from tools.frameworks import sdist
from tools.serverproc import HOST, ServerProcess, free_port, micropython

ARCHIVE = os.path.join(firmware.vendor_dir(), "picoweb-1.8.2-b74428e.tar.gz")
RUN182 = os.path.join(ROOT, "tests", "compat182", "run182.py")
COMPAT = os.path.join(ROOT, "compat", "cpython")
RUNTIMES = ["cpython", "micropython", "firmware", "pycopy"]
HEAP = "256K"
START_WAIT = 20.0  # seconds for a server to listen

pytestmark = pytest.mark.skipif(not os.path.exists(ARCHIVE), reason="no vendored archive %s" % ARCHIVE)

# ---- what is asked: per app, (label, method, path, extra headers, body[, how to read]) ----

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
AUTH = {"Authorization": "Basic YWxpY2U6czNjcmV0OjE="}  # alice:s3cret:1
NOT_FOUND = ("404", "GET", "/no/such/page", {}, b"")
EVENTS = "events"  # read a stream: its head and two events, then hang up
AFTER = ("/ again, after a client hung up on /events", "GET", "/", {}, b"")

APPS = {
    "example_webapp.py": [
        ("/", "GET", "/", {}, b""),
        ("/squares", "GET", "/squares", {}, b""),
        ("/iam/<regex group>", "GET", "/iam/bob", {}, b""),
        ("/file (sendfile of a .py)", "GET", "/file", {}, b""),
        ("static 404", "GET", "/static/style.css", {}, b""),
        NOT_FOUND,
    ],
    "example_webapp2.py": [
        ("/", "GET", "/", {}, b""),
        ("/squares", "GET", "/squares", {}, b""),
        NOT_FOUND,
    ],
    "examples/app1.py": [("/", "GET", "/", {}, b""), NOT_FOUND],
    "examples/app2.py": [("/", "GET", "/", {}, b""), NOT_FOUND],
    "examples/example_app_router.py": [
        ("/", "GET", "/", {}, b""),
        ("/app1", "GET", "/app1", {}, b""),
        ("/app1/", "GET", "/app1/", {}, b""),
        ("/app2", "GET", "/app2", {}, b""),
        ("/app2/", "GET", "/app2/", {}, b""),
        ("404 in a mounted app", "GET", "/app1/nothing", {}, b""),
        NOT_FOUND,
    ],
    "examples/example_basic_auth.py": [
        ("/ without credentials", "GET", "/", {}, b""),
        ("/ with credentials", "GET", "/", AUTH, b""),
        NOT_FOUND,
    ],
    "examples/example_basic_auth_deco.py": [
        ("/ without credentials", "GET", "/", {}, b""),
        ("/ with credentials", "GET", "/", AUTH, b""),
        NOT_FOUND,
    ],
    "examples/example_eventsource.py": [
        ("/", "GET", "/", {}, b""),
        ("/events", "GET", "/events", {}, b"", EVENTS),
        AFTER,
        NOT_FOUND,
    ],
    "examples/example_eventsource_push.py": [
        ("/", "GET", "/", {}, b""),
        ("/events", "GET", "/events", {}, b"", EVENTS),
        AFTER,
        NOT_FOUND,
    ],
    "examples/example_extra_headers.py": [
        ("/", "GET", "/", {}, b""),
        ("/style.css", "GET", "/style.css", {}, b""),
        ("/style.css, gzip accepted", "GET", "/style.css", {"Accept-Encoding": "gzip, deflate"}, b""),
        ("/missing.css (sendfile 404)", "GET", "/missing.css", {}, b""),
        ("/static/style.css", "GET", "/static/style.css", {}, b""),
        ("/static/style.css, gzip accepted", "GET", "/static/style.css", {"Accept-Encoding": "gzip, deflate"}, b""),
        NOT_FOUND,
    ],
    "examples/example_form.py": [
        ("/", "GET", "/", {}, b""),
        ("GET /form_url?name=", "GET", "/form_url?name=Ann+Lee%21", {}, b""),
        ("POST /form_url", "POST", "/form_url", FORM, b"name=Bob+Smith"),
        ("POST /form_url, UTF-8 name", "POST", "/form_url", FORM, b"name=J%C3%BCrgen"),
        ("GET /form_url without name", "GET", "/form_url", {}, b""),
        NOT_FOUND,
    ],
    "examples/example_global_exc.py": [
        ("/", "GET", "/", {}, b""),
        ("/case1 (raises before answering)", "GET", "/case1", {}, b""),
        ("/case2 (raises after starting the answer)", "GET", "/case2", {}, b""),
        NOT_FOUND,
    ],
    "examples/example_header_modes.py": [
        ("/", "GET", "/", {}, b""),
        ("/mode_parse", "GET", "/mode_parse", {}, b""),
        ("/mode_skip", "GET", "/mode_skip", {}, b""),
        ("/mode_leave", "GET", "/mode_leave", {}, b""),
        NOT_FOUND,
    ],
    "examples/example_img.py": [
        ("/", "GET", "/", {}, b""),
        ("/dyna-logo.png", "GET", "/dyna-logo.png", {}, b""),
        ("/static/logo.png", "GET", "/static/logo.png", {}, b""),
        ("/static/style.css", "GET", "/static/style.css", {}, b""),
        ("static 404", "GET", "/static/missing.png", {}, b""),
        NOT_FOUND,
    ],
    "examples/example_unicode.py": [("/", "GET", "/", {}, b""), NOT_FOUND],
}

# Apps a runtime cannot run at all, with the reason (the test checks that reason still holds).
CANNOT_RUN = {
    ("examples/example_eventsource_push.py", "cpython"):
        "`await` inside a plain def (push_event, push_count): CPython refuses to compile it",
}

# The headers compared: every one 1.8.2's apps set (the framing ones are checked by reading the body).
HEADERS = ("content-type", "location", "www-authenticate", "content-encoding", "cache-control",
           "x-myheader1", "x-myheader2")

# ---- the differences accepted: (app or "*", labels, field, 1.8.2's value, this picoweb's value, reason) ----
# field: "status", a header name, or "body". Only exactly this pair of values is accepted.

ERROR_PAGES = ("404", "404 in a mounted app", "static 404", "/missing.css (sendfile 404)")
PAGE_404 = b"404 Not Found\r\n"
PAGE_500 = b"500 Internal Server Error\r\n"
RAISES = ("a handler that raises before its first body bytes gets a 500: headers go out with the body "
          "(1.8.2 had sent 200)")
REPLACED = ("the start of the answer was still unsent when the handler raised, so handle_exc()'s 500 replaces it "
            "(1.8.2 had sent it, and the 500's status line landed inside the 200's body)")
ACCEPTED = [
    ("*", ("404", "404 in a mounted app"), "body", b"404\r\n", PAGE_404, "this picoweb's error pages name the status"),
    ("*", ("static 404", "/missing.css (sendfile 404)"), "body", b"404", PAGE_404,
     "this picoweb's error pages name the status"),
    ("*", ERROR_PAGES, "content-type", "text/html; charset=utf-8", "text/plain",
     "this picoweb's error pages are plain text"),
    ("example_webapp.py", ("/file (sendfile of a .py)",), "content-type", "text/plain", "application/octet-stream",
     "unknown file types are application/octet-stream (1.8.2: text/plain)"),
    ("examples/example_img.py", ("/static/logo.png",), "content-type", "image", "image/png",
     "full MIME types (1.8.2 sent the bare \"image\")"),
    ("examples/example_extra_headers.py", ("/static/style.css, gzip accepted",), "content-encoding", None, "gzip",
     "/static/ sends the .gz beside a file to a client that accepts gzip"),
    ("examples/example_extra_headers.py", ("/static/style.css, gzip accepted",), "body", "<static/style.css>",
     "<static/style.css.gz>", "/static/ sends the .gz beside a file to a client that accepts gzip"),
    ("examples/example_form.py", ("POST /form_url, UTF-8 name",), "body", b"Hello J\xc3\x83\xc2\xbcrge",
     "Hello J\u00fcrgen!".encode(), "%-escapes are decoded as UTF-8 (1.8.2 took each byte for a character, "
     "and its awrite() cut the str at its length in characters)"),
    ("examples/example_form.py", ("GET /form_url without name",), "status", 200, 500, RAISES),
    ("examples/example_form.py", ("GET /form_url without name",), "content-type", "text/html; charset=utf-8",
     "text/plain", RAISES),
    ("examples/example_form.py", ("GET /form_url without name",), "body", b"", PAGE_500, RAISES),
    ("examples/example_global_exc.py", ("/case2 (raises after starting the answer)",), "status", 200, 500, REPLACED),
    ("examples/example_global_exc.py", ("/case2 (raises after starting the answer)",), "body",
     b"Here, I started to write something to response, and suddenly...HTTP/1.0 500 NA\r\n"
     b"Content-Type: text/html; charset=utf-8\r\n\r\nWe've got 500, cap!", b"We've got 500, cap!", REPLACED),
]

# How a body is compared beyond bytes: the rows of the header table in the runtime's dict
# order (sorted), a counter started with the app (digits masked).
ROW = re.compile(rb"<tr>.*?</tr>\r\n")
NORMALIZE = {
    ("examples/example_header_modes.py", "/mode_parse"): lambda b: ROW.sub(b"", b) + b"".join(sorted(ROW.findall(b))),
    ("examples/example_eventsource_push.py", "/events"): lambda b: re.sub(rb"\d+", b"N", b),
}


# ---- the apps' folders and the server processes ----


@pytest.fixture(scope="session")
def work():
    """A fresh copy of the archive's apps per server kind, under build/compat182/ (the archive
    unpacked once under build/vendor/): templates compile beside their sources, each picoweb
    its own way. No copy has 1.8.2's picoweb/ in it: only the module path decides."""
    src = firmware.unpack_once(ARCHIVE, os.path.join("vendor", "picoweb-1.8.2-b74428e"))
    base = os.path.join(ROOT, "build", "compat182")
    os.makedirs(base, exist_ok=True)
    d = tempfile.mkdtemp(prefix="run-", dir=base)
    skip = shutil.ignore_patterns("picoweb", "*_tpl.py", "__pycache__")
    for side in ["ref"] + RUNTIMES:
        shutil.copytree(src, os.path.join(d, side), ignore=skip)
    yield {"src": src, "dir": d}
    shutil.rmtree(d, ignore_errors=True)


class AppServer:
    """One app as a server process, from its own folder; output kept for the report.
    side "ref": picoweb 1.8.2 on Pycopy through run182.py; else this picoweb on the runtime,
    the app run as the user runs it, its port in PICOWEB_PORT."""

    def __init__(self, side, app, work):
        self.port = free_port()
        folder, script = os.path.split(os.path.join(work["dir"], side, app))
        env = dict(os.environ)
        for k in ("PICOWEB_PORT", "MICROPYPATH", "PYCOPYPATH", "PYTHONPATH"):
            env.pop(k, None)
        stand_ins = [sdist("pycopy-ulogging-0.3"), sdist("pycopy-pkg_resources-0.2.2")]
        heap = ["-X", "heapsize=" + HEAP]
        if side == "ref":
            from tools import pycopy

            cmd = [pycopy.pycopy()] + heap + [RUN182, script, str(self.port)]
            env["PYCOPYPATH"] = ":".join([work["src"], sdist("utemplate-1.4.1")] + stand_ins + [pycopy.lib()])
        else:
            env["PICOWEB_PORT"] = str(self.port)
            if side == "cpython":
                cmd = [sys.executable, "-u", script]
                env["PYTHONPATH"] = ":".join([ROOT, COMPAT])
            elif side == "micropython":
                cmd = [micropython()] + heap + [script]
                env["MICROPYPATH"] = ":".join([ROOT] + stand_ins + [".frozen"])
            elif side == "firmware":  # frozen first, as on a board: the frozen picoweb is used
                cmd = [firmware.picoweb_firmware()] + heap + [script]
                env["MICROPYPATH"] = ":".join([".frozen"] + stand_ins)
            else:
                from tools import pycopy

                cmd = [pycopy.pycopy()] + heap + [script]
                env["PYCOPYPATH"] = ":".join([ROOT] + stand_ins + [pycopy.lib()])
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.ok = ServerProcess._listening(self, START_WAIT)

    alive = ServerProcess.alive
    stop = ServerProcess.stop  # MicroPython and Pycopy ignore SIGTERM: SIGINT, then SIGKILL

    def output(self, lines=40):
        self.log.flush()
        self.log.seek(0)
        out = self.log.read().decode(errors="replace").splitlines()
        return "\n".join(("    " + l) for l in out[-lines:])


# ---- asking: a request on a new connection, the answer de-framed ----


class Answer:
    def __init__(self, status=None, headers=None, body=b"", framing=None, error=None):
        self.status = status  # None: the connection closed without an answer
        self.headers = headers or {}  # lower-case names
        self.body = body
        self.framing = framing  # "length", "chunked", "close"
        self.error = error  # what was wrong with the framing, or a timeout

    def field(self, name):
        return self.status if name == "status" else self.body if name == "body" else self.headers.get(name)


LIMIT = 6.0  # seconds for an answer


def ask(port, method, path, headers, body, how=None, limit=LIMIT):
    """Sends the request as a browser would (HTTP/1.1, keep-alive, Host as for the app's own
    port) and reads the answer: to its Content-Length or last chunk, else until the server
    closes (a browser would wait for the close), at most `limit` seconds. EVENTS: the head and
    two events, then hangs up."""
    head = ["%s %s HTTP/1.1" % (method, path), "Host: localhost:8081", "User-Agent: compat182-test", "Accept: */*"]
    head += ["%s: %s" % kv for kv in headers.items()]
    if body:
        head.append("Content-Length: %d" % len(body))
    data = b""
    closed = False
    end = time.time() + limit
    s = socket.create_connection((HOST, port), timeout=limit)
    try:
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        while time.time() < end and len(data) < 1 << 20:
            s.settimeout(max(0.05, end - time.time()))
            try:
                d = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not d:
                closed = True
                break
            data += d
            if how == EVENTS and data.count(b"data: ") >= 2 and data.endswith(b"\n\n"):
                break
            if how is None and complete(data):  # a framed answer: the connection may stay open
                break
    finally:
        s.close()
    return parse(data, closed, how)


def complete(data):
    # True once a response with Content-Length or chunked framing has all its body
    h, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"\r\ncontent-length:\s*(\d+)", h, re.I)
    if m:
        return len(rest) >= int(m.group(1))
    if re.search(rb"\r\ntransfer-encoding:\s*chunked", h, re.I):
        return rest.endswith(b"0\r\n\r\n")
    return False


def parse(data, closed, how):
    if not data:
        return Answer(error=None if closed else "no answer, and the connection was left open")
    h, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return Answer(error="incomplete head: %r" % data[:200])
    lines = h.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})( |$)", lines[0])
    if not m:
        return Answer(error="bad status line: %r" % lines[0])
    headers = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        headers[k.strip().lower()] = v.strip()
    a = Answer(int(m.group(1)), headers)
    if how == EVENTS:
        a.body, a.framing = rest, "stream"
        return a
    if headers.get("transfer-encoding", "").lower() == "chunked":
        a.framing, body = "chunked", b""
        while True:
            size, sep, rest = rest.partition(b"\r\n")
            if not sep or not re.match(rb"^[0-9a-fA-F]+$", size):
                a.error = "bad chunk size line %r" % size[:40]
                break
            n = int(size, 16)
            if n == 0:
                if rest != b"\r\n":
                    a.error = "bytes after the last chunk: %r" % rest[:80]
                break
            if len(rest) < n + 2 or rest[n:n + 2] != b"\r\n":
                a.error = "chunk of %d bytes not followed by CRLF" % n
                break
            body, rest = body + rest[:n], rest[n + 2:]
        a.body = body
    elif "content-length" in headers:
        a.framing = "length"
        n = int(headers["content-length"])
        a.body = rest[:n]
        if len(rest) != n:
            a.error = "Content-Length %d, but %d bytes followed the head" % (n, len(rest))
    else:
        a.framing, a.body = "close", rest
        if not closed:
            a.error = "no Content-Length, not chunked, and the connection was not closed within %gs" % LIMIT
    return a


def serve_and_ask(side, app, work):
    """(answers by label, or None if the server did not start; its output; whether it was
    still running after the last request)."""
    srv = AppServer(side, app, work)
    answers, alive = None, False
    try:
        if srv.ok:
            answers = {}
            for case in APPS[app]:
                label, method, path, headers, body = case[:5]
                try:
                    answers[label] = ask(srv.port, method, path, headers, body, case[5] if len(case) > 5 else None)
                except OSError as e:
                    answers[label] = Answer(error="%s: %s" % (type(e).__name__, e))
                if not srv.alive():
                    break
            alive = srv.alive()
    finally:
        srv.stop()
    out = srv.output()
    srv.log.close()
    return answers, out, alive


@pytest.fixture(scope="session")
def reference(work):
    """picoweb 1.8.2's answers on Pycopy, per app (each app started once, when first needed)."""
    done = {}

    def get(app):
        if app not in done:
            answers, out, alive = serve_and_ask("ref", app, work)
            assert answers and alive, "picoweb 1.8.2 on Pycopy failed to serve %s:\n%s" % (app, out)
            for label, a in answers.items():
                assert a.error is None and a.status is not None, "1.8.2's answer to %s %s: %s\n%s" % (
                    app, label, a.error, out)
            done[app] = answers
        return done[app]

    return get


# ---- comparing ----


def file_body(work, app, name):
    # "<static/style.css>": a file of the app's folder, by its content
    with open(os.path.join(work["src"], os.path.dirname(app), name[1:-1]), "rb") as f:
        return f.read()


def accepted(app, label, field):
    for a, labels, f, old, new, why in ACCEPTED:
        if a in ("*", app) and label in labels and f == field:
            return old, new, why
    return None


def differences(app, label, ref, got, work):
    """The fields of got that differ from ref other than as ACCEPTED says: lines of the report."""
    out = []
    if got.error:
        out.append("framing: %s (%s)" % (got.error, got.framing))
    norm = NORMALIZE.get((app, label), lambda b: b)
    for field in ("status",) + HEADERS + ("body",):
        old, new = ref.field(field), got.field(field)
        if field == "body":
            old, new = norm(old), norm(new)
        if old == new:
            continue
        acc = accepted(app, label, field)
        if acc:
            a_old, a_new = (file_body(work, app, v) if isinstance(v, str) and v.startswith("<") else v
                            for v in acc[:2])
            if (old, new) == (a_old, a_new):
                continue
        out.append("%s: %s" % (field, show(old, new)))
    return out


def show(old, new):
    # the two values; long bodies from where they part
    if isinstance(old, bytes) and isinstance(new, bytes) and max(len(old), len(new)) > 160:
        i = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        s = max(0, i - 40)
        return "1.8.2 %d bytes, this picoweb %d bytes; from byte %d: 1.8.2 %r, this picoweb %r" % (
            len(old), len(new), s, old[s:s + 160], new[s:s + 160])
    return "1.8.2 %r, this picoweb %r" % (old, new)


# ---- the tests ----


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("app", sorted(APPS))
def test_app_answers_as_182(app, runtime, reference, work):
    why = CANNOT_RUN.get((app, runtime))
    if why:
        pytest.skip(why)
    ref = reference(app)
    answers, out, alive = serve_and_ask(runtime, app, work)
    if answers is None:
        pytest.fail("%s did not start on %s; its output:\n%s" % (app, runtime, out), pytrace=False)
    report = []
    for case in APPS[app]:
        label = case[0]
        got = answers.get(label)
        if got is None:
            report.append("%s: not asked (the server had ended)" % label)
            continue
        for d in differences(app, label, ref[label], got, work):
            report.append("%s: %s" % (label, d))
    if not alive:
        report.append("the server ended")
    if report:
        pytest.fail("%s on %s differs from 1.8.2 on Pycopy:\n  %s\nserver output (last lines):\n%s" % (
            app, runtime, "\n  ".join(report), out), pytrace=False)


def test_cannot_run_reasons_hold(work):
    # CANNOT_RUN is not a way to hide a failure: CPython indeed refuses the app's source.
    with open(os.path.join(work["src"], "examples", "example_eventsource_push.py")) as f:
        src = f.read()
    with pytest.raises(SyntaxError, match="await"):
        compile(src, "example_eventsource_push.py", "exec")


def test_every_archive_app_is_covered(work):
    # A new app in the archive (or one renamed) must be added to APPS.
    src = work["src"]
    apps = [f for f in os.listdir(src) if f.endswith(".py") and f.startswith("example")]
    apps += ["examples/" + f for f in os.listdir(os.path.join(src, "examples")) if f.endswith(".py")]
    assert sorted(apps) == sorted(APPS)


def test_accepted_differences_are_used(reference, work):
    # Every entry of ACCEPTED names a request that is asked and a field where 1.8.2 gives that value.
    for a, labels, field, old, new, why in ACCEPTED:
        for label in labels:
            apps = [x for x in APPS if a in ("*", x) and any(c[0] == label for c in APPS[x])]
            assert apps, (a, label)
            hits = 0
            for x in apps:
                want = file_body(work, x, old) if isinstance(old, str) and old.startswith("<") else old
                hits += reference(x)[label].field(field) == want
            assert hits, "ACCEPTED %r: 1.8.2 never gives %r for %s" % ((a, label, field), old, field)


def test_comparison_is_strict(work):
    # An accepted difference passes only with exactly its pair of values; anything else is reported.
    ref = Answer(404, {"content-type": "text/html; charset=utf-8"}, b"404\r\n", "close")
    assert differences("example_webapp2.py", "404", ref, Answer(404, {"content-type": "text/plain"}, PAGE_404,
                                                                  "length"), work) == []
    got = Answer(404, {"content-type": "text/html"}, b"404", "length", "Content-Length 3, but 5 bytes followed")
    assert [d.split(":")[0] for d in differences("example_webapp2.py", "404", ref, got, work)] == [
        "framing", "content-type", "body"]
    ok = Answer(200, {"content-type": "text/css"}, b"x", "close")
    assert differences("examples/example_img.py", "/", ok, Answer(200, {"content-type": "text/plain"}, b"x"), work)
