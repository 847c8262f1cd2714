# In-process fuzz targets: each TARGETS[name](data: bytes) runs picoweb's real code on data and
# raises Finding when an invariant breaks (anything else escaping is wrapped into a Finding too).
# Used by tests/fuzz/atheris_main.py (atheris, coverage-guided) and by run() below, a plain seeded
# random driver (tests/test_fuzz.py). The only stand-in is the socket: a Connection reads from
# and writes to an in-memory stream, as in bench/profile_core.py. CPython only.
#
#   request    data is what a client sent on one connection: app._serve_conn() of a small app
#   chunked    data is a chunked request body, checked against a strict decoder (RFC 9112 7.1)
#   qs         utils.parse_qs / unquote / unquote_plus on data as text (unquote vs urllib's)
#   multipart  multipart.parse / MultipartReader over a request whose body is data
#   websocket  WebSocket.receive() over an upgraded connection that sent data
#   route      route.Rule(pattern).match(data as a path) for a few patterns
#   template   template_compiler.Compiler compiling data as a template
import os
import random
import re
import signal
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.append(ROOT)  # after PYTHONPATH: another picoweb may be fuzzed (PYTHONPATH=its folder)
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

# picoweb is imported lazily (load()), so that atheris_main.py can import it under
# atheris.instrument_imports() after importing this module.
picoweb = conn_mod = multipart = websocket = route = utils = template_compiler = status = request_mod = None


class Finding(AssertionError):
    """An invariant broken: sig names its kind (one entry per kind in a report), msg the details."""

    def __init__(self, sig, msg=""):
        AssertionError.__init__(self, sig + (": " + msg if msg else ""))
        self.sig = sig
        self.msg = msg


class Hang(BaseException):
    pass


def exc_sig(e):
    # An exception's kind: its class and the innermost frame in picoweb (else the innermost).
    tb = traceback.extract_tb(e.__traceback__)
    frames = [f for f in tb if os.sep + "picoweb" + os.sep in f.filename] or tb[-1:]
    if not frames:
        return type(e).__name__
    f = frames[-1]
    return "%s in %s:%s (%s)" % (type(e).__name__, os.path.basename(f.filename), f.lineno, f.name)


def unexpected(e, what):
    # An exception that must not escape: a Finding carrying its traceback.
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    return Finding("%s raised %s" % (what, exc_sig(e)), tb)


# ---- the socket's stand-in, and running a coroutine without an event loop ----


class FakeStream:
    """Both ends of a connection: reads give data in pieces of `step` bytes (then EOF), writes are
    collected in out. Nothing suspends, so a coroutine using it runs to its end in one send()."""

    def __init__(self, data, step=512):
        self.data = data
        self.pos = 0
        self.step = step
        self.out = bytearray()
        self.closed = False

    async def read(self, n):
        n = min(n, self.step)
        d = self.data[self.pos : self.pos + n]
        self.pos += len(d)
        return d

    async def readinto(self, buf):
        d = await self.read(len(buf))
        buf[: len(d)] = d
        return len(d)

    def write(self, b):
        self.out += b

    async def drain(self):
        pass

    def close(self):
        self.closed = True

    async def wait_closed(self):
        pass

    def get_extra_info(self, name):
        return ("127.0.0.1", 40000) if name == "peername" else None


def drive(coro):
    """Runs coro, which must not suspend (FakeStream never does), to its end; its result."""
    try:
        y = coro.send(None)
    except StopIteration as e:
        return e.value
    coro.close()
    raise Finding("harness: the target suspended on %r (a real await in the path?)" % (y,))


# Reads split the input at different sizes, chosen by its length: lines and bodies then arrive
# in one piece or several, as over a real socket.
STEPS = (512, 1, 7, 64, 512, 3, 200)


def step_for(data):
    return STEPS[len(data) % len(STEPS)]


def load():
    global picoweb, conn_mod, multipart, websocket, route, utils, template_compiler, status, request_mod
    if picoweb is None:
        import picoweb as _p
        from picoweb import conn as _c, multipart as _m, websocket as _w, route as _r, utils as _u
        from picoweb import template_compiler as _t, status as _s, request as _q

        picoweb, conn_mod, multipart, websocket, route, utils = _p, _c, _m, _w, _r, _u
        template_compiler, status, request_mod = _t, _s, _q


# ---- what the server wrote: a sequence of HTTP/1.1 responses ----

STATUS_RE = re.compile(rb"HTTP/1\.1 (\d{3}) [^\r\n]*\r\n")


def parse_responses(out):
    """[(status, headers)] of the responses in out; Finding if out is not well-formed HTTP/1.1
    responses, one after the other (a 101 ends them: another protocol follows)."""
    out = bytes(out)
    pos = 0
    res = []
    while pos < len(out):
        m = STATUS_RE.match(out, pos)
        if not m:
            raise Finding("non-HTTP/1.1 response bytes", "at %d: %r (all: %r)" % (pos, out[pos : pos + 60], out[:300]))
        code = int(m.group(1))
        end = out.find(b"\r\n\r\n", m.end() - 2)
        if end < 0:
            raise Finding("response head never ended", repr(out[pos : pos + 300]))
        headers = {}
        for l in out[m.end() : end].split(b"\r\n"):
            if not l:
                continue
            k, sep, v = l.partition(b":")
            if not sep:
                raise Finding("response header line without a colon", repr(l))
            headers[k.strip().lower()] = v.strip()
        pos = end + 4
        res.append((code, headers))
        if code == 101:
            break
        if 100 <= code < 200 or code in (204, 304):
            continue
        close = b"close" in headers.get(b"connection", b"").lower()
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            while True:
                i = out.find(b"\r\n", pos)
                if i < 0:
                    raise Finding("chunked response cut short", repr(out[pos : pos + 100]))
                try:
                    n = int(out[pos:i], 16)
                except ValueError:
                    raise Finding("bad chunk size in a response", repr(out[pos : pos + 100]))
                pos = i + 2 + n
                if out[pos : pos + 2] != b"\r\n":
                    raise Finding("chunk data of a response not followed by CRLF", repr(out[pos - n : pos + 10]))
                pos += 2
                if not n:
                    break
        elif b"content-length" in headers:
            n = int(headers[b"content-length"])
            # a HEAD response has the length but no body: the next response (or nothing) follows
            if n and (pos == len(out) or out.startswith(b"HTTP/1.1 ", pos)) and not close:
                continue
            if close and pos == len(out):
                continue
            if len(out) - pos < n:
                raise Finding("response body shorter than its Content-Length", "%d < %d" % (len(out) - pos, n))
            pos += n
        elif close:
            pos = len(out)  # the body runs to the connection's end
        if close and pos < len(out):
            raise Finding("bytes written after a Connection: close response", repr(out[pos : pos + 100]))
    return res


# ---- the app of the request and chunked targets ----

STATE = {"notes": [], "bodies": []}  # per input: what the handlers saw


def note(sig, msg):
    STATE["notes"].append(Finding(sig, msg))


_app = None
MAX_BODY = 2048


def make_app():
    global _app
    if _app is not None:
        return _app
    load()
    from picoweb import multipart as mp, websocket as ws, jsonify, send, start_response

    class FuzzApp(picoweb.WebApp):
        def handle_exc(self, req, resp, e):
            # a handler raised: picoweb answers 500 (a finding: malformed input must not do that)
            STATE["notes"].append(unexpected(e, "handler %s %s" % (req.method, req.path)))
            return (yield from picoweb.WebApp.handle_exc(self, req, resp, e))

    class FuzzLog:
        # The serve loop's log: what it catches at the connection's level (a head the parser let
        # through and then choked on, say) must not happen; the findings carry the tracebacks.
        def info(self, *args):
            pass

        def exc(self, e, msg):
            if msg == "connection":
                STATE["notes"].append(unexpected(e, "app._serve_conn()"))

    app = FuzzApp(None, serve_static=False)
    app.log = FuzzLog()
    app.max_body = MAX_BODY

    @app.route("/")
    def index(req, resp):
        yield from start_response(resp)
        yield from resp.awrite("Hello world")

    @app.route("/item/<int:id>")
    def item(req, resp):
        if type(req.params["id"]) is not int:
            note("<int:id> gave a non-int", repr(req.params))
        yield from jsonify(resp, {"id": req.params["id"]})

    @app.route("/files/<path:p>")
    def files(req, resp):
        yield from jsonify(resp, req.params)

    @app.route("/echo", methods=("POST", "PUT"))
    async def echo(req, resp):
        body = await req.read_body()
        check_body(req, body)
        await jsonify(resp, {"n": len(body)})

    @app.route("/form", methods=("POST",))
    async def form(req, resp):
        f = await req.read_form_data()
        await jsonify(resp, {"n": len(f)})

    @app.route("/json", methods=("POST",))
    async def json_route(req, resp):
        try:
            data = await req.read_json()  # not JSON: ValueError (1.8.2), or HTTPError(400) that picoweb answers
        except ValueError:
            await send(resp, "not JSON", "400", "text/plain")
            return
        await jsonify(resp, {"type": type(data).__name__})

    @app.route("/upload", methods=("POST",))
    async def upload(req, resp):
        sizes = []

        async def on_file(part):
            n = 0
            while True:
                d = await part.read()
                if not d:
                    break
                n += len(d)
            sizes.append(n)

        fields = await mp.parse(req, on_file)
        await jsonify(resp, {"fields": len(fields), "files": sizes})

    @app.route("/leave", headers="leave")
    async def leave(req, resp):
        n = 0
        for _ in range(100):
            l = await req.reader.readline()
            if l in (b"\r\n", b"\n", b""):
                break
            n += 1
        await send(resp, "left %d" % n, "200", "text/plain")

    @app.route("/ws")
    @ws.with_websocket(max_size=200)
    async def ws_echo(req, sock):
        for _ in range(50):
            m = await sock.receive()
            if m is None:
                break
            await sock.send(m)

    sub = picoweb.WebApp(None, serve_static=False)

    @sub.route("/")
    def sub_index(req, resp):
        yield from send(resp, "sub " + req.path)

    app.mount("/sub", sub)
    _app = app
    return app


def check_body(req, body):
    # The body a handler got as whole: with a Content-Length, exactly that many bytes; chunked,
    # what the strict decoder makes of the bytes the client sent (the chunked target knows them).
    STATE["bodies"].append(body)
    cl = req.header(b"Content-Length")
    if cl is not None and req.header(b"Transfer-Encoding") is None:
        if len(body) != int(cl):
            sent = STATE.get("sent")
            whole = sent is not None and sent.find(body) >= 0 and len(sent) >= int(cl)
            note("partial body given to the handler as whole (Content-Length)",
                 "read_body() gave %d of Content-Length %s bytes; %s" %
                 (len(body), cl.decode(), "the input held all of them (it came in several reads)" if whole
                  else "the client ended early"))


def serve(data, step=None):
    """data fed as one connection's input to the fuzz app: (bytes written, responses, notes)."""
    app = make_app()
    STATE["notes"] = []
    STATE["bodies"] = []
    STATE["sent"] = data
    s = FakeStream(data, step or step_for(data))
    c = conn_mod.Connection(s, s, app.bufsize)
    c.rto = app.header_timeout
    served = app.served
    try:
        drive(app._serve_conn(c))
    except Finding:
        raise
    except Exception as e:  # the server loop lets nothing escape (it logs what it catches: FuzzLog)
        raise unexpected(e, "app._serve_conn()")
    for f in STATE["notes"]:
        raise f
    res = parse_responses(s.out)
    for code, _ in res:
        if code == 500:
            raise Finding("500 for a request", repr(bytes(s.out[:300])))
    # each request the server counts as answered (app.served) has a response on the wire
    finals = len([code for code, _ in res if code >= 200])
    if 101 not in [code for code, _ in res] and finals < app.served - served:
        raise Finding("a request answered with nothing on the wire",
                      "%d served, %d final responses: %r" % (app.served - served, finals, bytes(s.out[:300])))
    return s.out, res


def target_request(data):
    serve(data)


# ---- chunked request bodies, checked against a strict decoder ----

HEX = b"0123456789abcdefABCDEF"
CHUNKED_HEAD = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


def ref_chunked(data, line_limit=256, max_trailers=31):
    """RFC 9112 7.1 strictly: ("ok" | "either" | "bad" | "incomplete", body, why). "either": what
    RFC 9112 lets a recipient tolerate or a limit of the server's may reject (bare LF, whitespace
    around the size, over-long lines, many trailers); "bad": must be rejected."""
    pos = 0
    body = bytearray()
    verdict = "ok"

    def line():
        nonlocal pos, verdict
        i = data.find(b"\n", pos)
        if i < 0:
            return None
        l = data[pos:i]
        if len(l) >= line_limit:
            verdict = "either"
        pos = i + 1
        if l.endswith(b"\r"):
            return l[:-1]
        verdict = "either"  # a bare LF
        return l

    while True:
        l = line()
        if l is None:
            return "incomplete", body, "in a chunk size line"
        size, _, ext = l.partition(b";")
        s = size.strip(b" \t")
        if s != size:
            verdict = "either"
        if not s or any(ch not in HEX for ch in s):
            return "bad", body, "chunk size %r" % size
        if len(s) > 8:
            verdict = "either"  # a limit of the server's (4 GiB): past any max_body anyway
        if b"\r" in ext:
            verdict = "either"
        n = int(s, 16)
        if not n:
            break
        if len(data) - pos < n:
            return "incomplete", body, "in chunk data"
        body += data[pos : pos + n]
        pos += n
        t = line()
        if t is None:
            return "incomplete", body, "after chunk data"
        if t:
            if t.strip(b" \t\r\x0b\x0c"):
                return "bad", body, "chunk data followed by %r, not CRLF" % t
            verdict = "either"
    trailers = 0
    while True:
        l = line()
        if l is None:
            return "incomplete", body, "in the trailer section"
        if not l.strip():
            if l:
                verdict = "either"
            break
        trailers += 1
        if b":" not in l or b"\r" in l or trailers > max_trailers:
            verdict = "either"
    return verdict, bytes(body), "ends at %d" % pos


def target_chunked(data):
    make_app()
    verdict, ref, why = ref_chunked(data)
    _, res = serve(CHUNKED_HEAD + data)
    got = STATE["bodies"][0] if STATE["bodies"] else None
    first = res[0][0] if res else None
    if got is not None and verdict in ("bad", "incomplete"):
        raise Finding("chunked body a strict parser calls %s given to the handler" % verdict,
                      "%s; handler got %r; answer %s" % (why, got[:80], first))
    if got is not None and got != ref:
        raise Finding("chunked body decoded differently", "strict: %r, picoweb: %r" % (ref[:80], got[:80]))
    if verdict == "ok" and len(ref) <= MAX_BODY and got is None:
        raise Finding("valid chunked body rejected", "answer %s, %s" % (first, why))
    if verdict == "ok" and len(ref) > MAX_BODY and got is not None:
        raise Finding("chunked body beyond max_body taken", "%d bytes" % len(got))


# ---- query strings and forms ----


def target_qs(data):
    load()
    from urllib.parse import unquote as std_unquote

    s = data.decode("utf-8", "surrogateescape")  # any str: lone surrogates too
    where = " (lone surrogates: not reachable over HTTP, whose text is strict UTF-8)" if s != data.decode(
        "utf-8", "replace") else ""
    for name, f in (("unquote", utils.unquote), ("unquote_plus", utils.unquote_plus), ("parse_qs", utils.parse_qs)):
        try:
            r = f(s)
        except Exception as e:
            raise unexpected(e, "utils.%s(str)%s" % (name, where))
        if name == "parse_qs":
            if type(r) is not dict or not all(type(k) is str and (type(v) in (str, list) or v is True)
                                              for k, v in r.items()):
                raise Finding("parse_qs gave an odd result", repr(r))
        elif type(r) is not str:
            raise Finding("%s did not give a str" % name, repr(r))
    # the same as the standard library's unquote wherever that decodes strictly (and the text
    # could come over HTTP: no lone surrogates, which picoweb's unquote keeps as they are)
    if where:
        return
    try:
        want = std_unquote(s, errors="strict")
    except (UnicodeError, ValueError):
        return
    got = utils.unquote(s)
    if got != want:
        raise Finding("unquote differs from urllib.parse.unquote: %s" % _escape_kind(s, got, want),
                      "input %r: picoweb %r, urllib %r" % (s[:80], got[:80], want[:80]))


def _escape_kind(s, got, want):
    # What makes the first differing %-escape lenient: int(x, 16) takes one hex digit, a sign,
    # whitespace, "_" between digits, and non-ASCII digits; a strict %-escape is two hex digits.
    from urllib.parse import unquote as std_unquote

    for m in re.finditer("%", s):
        t = s[m.start() + 1 : m.start() + 3]
        if std_unquote("%" + t, errors="surrogateescape") == utils.unquote("%" + t):
            continue
        if any(c.isdigit() and not c.isascii() for c in t):
            return "%-escape with a non-ASCII digit"
        if any(c.isspace() for c in t):
            return "%-escape with whitespace"
        if t[:1] in "+-":
            return "%-escape with a sign"
        if "_" in t:
            return "%-escape with an underscore"
        return "%-escape of a single hex digit"
    return "a %-escape"


# ---- multipart ----

DEFAULT_CT = b"multipart/form-data; boundary=fuzzb"


def _mp_request(data):
    # A request whose body is data; a first line "@<Content-Type>\r\n" sets its Content-Type.
    ct = DEFAULT_CT
    if data[:1] == b"@":
        ct, _, data = data[1:].partition(b"\r\n")
    s = FakeStream(data, step_for(data))
    c = conn_mod.Connection(s, s, 512)
    c.left = len(data)  # as the server sets it from a Content-Length
    req = request_mod.HTTPRequest()
    req.method = "POST"
    req.path = "/upload"
    req.headers = {b"Content-Type": ct}
    req.reader = c
    return req, data, ct


def ref_multipart(body, boundary, max_headers=7, line_limit=500):
    """("ok" | "either" | "bad", [(headers, data)]): body split at its delimiters (RFC 2046 5.1)."""
    delim = b"\r\n--" + boundary
    buf = b"\r\n" + body
    i = buf.find(delim)
    if i < 0:
        return "bad", []
    pos = i + len(delim)
    parts = []
    verdict = "ok"
    while True:
        if buf[pos : pos + 2] == b"--":
            return verdict, parts
        e = buf.find(b"\r\n", pos)
        if e < 0 or buf[pos:e].strip():
            return "bad", parts
        if e - pos > line_limit:
            verdict = "either"  # transport padding past the server's line limit
        pos = e + 2
        headers = {}
        n = 0
        while True:
            e = buf.find(b"\r\n", pos)
            if e < 0:
                return "bad", parts
            l = buf[pos:e]
            pos = e + 2
            if not l:
                break
            n += 1
            if n > max_headers or len(l) > line_limit:
                verdict = "either"
            try:
                k, sep, v = l.decode().partition(":")
            except UnicodeError:
                verdict = "either"
                continue
            if not sep:
                return "bad", parts
            headers[k.strip().lower()] = v.strip()
        e = buf.find(delim, pos)
        if e < 0:
            return "bad", parts
        parts.append((headers, buf[pos:e]))
        pos = e + len(delim)


def target_multipart(data):
    load()
    HTTPError = status.HTTPError
    req, body, ct = _mp_request(data)
    try:
        b = multipart.boundary(req).encode()
    except HTTPError:
        b = None
    except Exception as e:
        raise unexpected(e, "multipart.boundary()")
    delim = b"\r\n--" + b if b else None

    # 1. parse(): the fields, and each file read to its end
    files = []

    async def on_file(part):
        d0 = b""
        for _ in range(10000):
            d = await part.read(100)
            if not d:
                break
            if delim and delim in d:
                raise Finding("a part's data holds the delimiter", repr(d[:100]))
            d0 += d
        files.append(d0)

    async def run_parse():
        return await multipart.parse(req, on_file)

    try:
        fields = drive(run_parse())
    except Finding:
        raise
    except HTTPError:
        fields = None
    except Exception as e:
        raise unexpected(e, "multipart.parse()")
    if fields is not None and not all(type(v) is str for v in fields.values()):
        raise Finding("parse() gave a field that is not str", repr(fields))

    # 2. MultipartReader: every part read to its end (small reads), compared with the reference
    req, body, ct = _mp_request(data)
    got = []

    async def run_reader():
        form = multipart.MultipartReader(req, bufsize=(64, 512, 7)[len(body) % 3])
        for _ in range(1000):
            part = await form.next()
            if part is None:
                return True
            d = b""
            for _ in range(100000):
                x = await part.read(37)
                if not x:
                    break
                d += x
            got.append((part.headers, d))

    try:
        done = drive(run_reader())
    except HTTPError:
        done = False
    except Finding:
        raise
    except Exception as e:
        raise unexpected(e, "MultipartReader")
    if b is None:
        return
    verdict, want = ref_multipart(body, b)
    if done and verdict == "bad":
        raise Finding("a malformed multipart body read as well-formed", "parts %r" % (got[:3],))
    if done and verdict in ("ok", "either") and [d for _, d in got] != [d for _, d in want]:
        raise Finding("multipart parts differ from the reference split",
                      "picoweb %r; reference %r" % ([d[:40] for _, d in got][:4], [d[:40] for _, d in want][:4]))
    if verdict == "ok" and not done:
        raise Finding("a well-formed multipart body rejected", "parts %d" % len(want))


# ---- WebSocket ----

WS_HEAD_RE = re.compile(rb"HTTP/1\.1 101 Switching Protocols\r\n(?:[^\r\n]+\r\n)+\r\n")


def parse_ws_frames(out):
    # The server's frames: final, unmasked, a known opcode; a close frame's code one that may be sent.
    pos = 0
    frames = []
    while pos < len(out):
        if len(out) - pos < 2:
            raise Finding("server frame cut short", repr(out[pos:]))
        b0, b1 = out[pos], out[pos + 1]
        n = b1 & 127
        pos += 2
        if n == 126:
            n = int.from_bytes(out[pos : pos + 2], "big")
            pos += 2
        elif n == 127:
            n = int.from_bytes(out[pos : pos + 8], "big")
            pos += 8
        if not b0 & 0x80 or b0 & 0x70 or b1 & 0x80 or (b0 & 15) not in (1, 2, 8, 9, 10):
            raise Finding("malformed frame from the server", "%02x %02x" % (b0, b1))
        payload = out[pos : pos + n]
        if len(payload) < n:
            raise Finding("server frame shorter than its length")
        pos += n
        frames.append((b0 & 15, payload))
    return frames


def target_websocket(data):
    load()
    s = FakeStream(data, step_for(data))
    c = conn_mod.Connection(s, s, 512)
    c.begin(False, True)
    req = request_mod.HTTPRequest()
    req.method = "GET"
    req.path = "/ws"
    req.headers = {b"Host": b"x", b"Upgrade": b"websocket", b"Connection": b"Upgrade",
                   b"Sec-WebSocket-Key": b"dGhlIHNhbXBsZSBub25jZQ==", b"Sec-WebSocket-Version": b"13"}
    req.reader = c
    max_size = 125 if len(data) % 2 else 4096
    msgs = []

    async def run():
        ws = await websocket.accept(req, c, max_size=max_size)
        for _ in range(1000):
            m = await ws.receive()
            if m is None:
                break
            if type(m) not in (str, bytearray):
                raise Finding("receive() gave a %s" % type(m).__name__)
            if len(m.encode() if type(m) is str else m) > max_size:
                raise Finding("receive() gave a message beyond max_size", "%d > %d" % (len(m), max_size))
            msgs.append(m)
            await ws.send(m)
        if ws.close_code is None:
            raise Finding("receive() gave None, the WebSocket not closed")
        await ws.close()
        return ws

    try:
        ws = drive(run())
    except Finding:
        raise
    except Exception as e:
        raise unexpected(e, "WebSocket.receive()/close()")
    m = WS_HEAD_RE.match(bytes(s.out))
    if not m:
        raise Finding("no 101 head", repr(bytes(s.out[:200])))
    frames = parse_ws_frames(bytes(s.out[m.end() :]))
    closes = [p for op, p in frames if op == 8]
    if len(closes) > 1:
        raise Finding("more than one close frame sent")
    if closes and ws.close_code != 1006:
        code = int.from_bytes(closes[0][:2], "big")
        if code != ws.close_code:
            raise Finding("close frame's code is not close_code", "%d != %s" % (code, ws.close_code))


# ---- routes ----

PATTERNS = ("/item/<int:id>", "/item/<id>/<name>", "/files/<path:rest>", "/a/<string:s>/b", "/<x>", "/u/<int:a>/<int:b>")
_rules = None


def target_route(data):
    global _rules
    load()
    if _rules is None:
        _rules = [route.Rule(p) for p in PATTERNS]
    path = data.decode("utf-8", "replace")  # the server's paths are decoded UTF-8
    for r in _rules:
        try:
            m = r.match(path)
        except Exception as e:
            raise unexpected(e, "Rule(%r).match(path)" % r.url)
        if m is None:
            continue
        if type(m) is not dict:
            raise Finding("match() gave a %s" % type(m).__name__)
        for seg in r.segs:
            if type(seg) is tuple:
                name, kind = seg
                v = m.get(name)
                if kind == "int" and (type(v) is not int or v < 0):
                    raise Finding("<int:> gave %r" % (v,), "path %r" % path)
                if kind != "int" and (type(v) is not str or not v):
                    raise Finding("<%s:> gave %r" % (kind or "string", v), "path %r" % path)


# ---- templates ----

INCLUDED = "{% args x=1 %}<i>{{ x }}</i>"


def target_template(data):
    load()
    text = data.decode("utf-8", "replace")

    def read(name):
        if name == "main.tpl":
            return text
        if name == "inc.tpl":
            return INCLUDED
        raise OSError(2, "no such template")

    try:
        src = template_compiler.Compiler(read, escape=bool(len(data) % 2)).compile("main.tpl")
    except template_compiler.TemplateSyntaxError:
        return
    except Exception as e:
        raise unexpected(e, "template_compiler.Compiler.compile()")
    try:
        compile(src, "main_tpl.py", "exec")
    except Exception as e:
        raise Finding("generated template source does not compile", "%s: %s" % (type(e).__name__, e))


TARGETS = {
    "request": target_request,
    "chunked": target_chunked,
    "qs": target_qs,
    "multipart": target_multipart,
    "websocket": target_websocket,
    "route": target_route,
    "template": target_template,
}


# ---- the seeded random driver ----

TOKENS = (b"\r\n", b"\n", b"\r", b"\x00", b" ", b":", b"\t", b";", b"%", b"+", b"-", b"0x", b"_", b"=", b"&",
          b"--", b"\r\n\r\n", b"99999999999999999999", b"-1", b"0", b"\xff", b"\xc2\xb2", b"\xd9\xa1\xd9\xa2",
          b"Content-Length: 5\r\n", b"Transfer-Encoding: chunked\r\n", b"Expect: 100-continue\r\n",
          b"Connection: close\r\n", b"{{", b"}}", b"{%", b"%}", b"{#", b"\x81\xfe", b"\x88\x80", b"%2", b"%%")


def corpus(name):
    d = os.path.join(CORPUS, name)
    seeds = []
    for f in sorted(os.listdir(d)) if os.path.isdir(d) else ():
        with open(os.path.join(d, f), "rb") as fh:
            seeds.append(fh.read())
    return seeds or [b""]


def mutate(rnd, data, seeds):
    b = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(9)
        i = rnd.randint(0, len(b))
        if op == 0 and b:  # flip a bit
            i = rnd.randrange(len(b))
            b[i] ^= 1 << rnd.randrange(8)
        elif op == 1 and b:  # a random byte
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        elif op == 2:  # a token
            b[i:i] = rnd.choice(TOKENS)
        elif op == 3 and b:  # delete a range
            del b[i : i + rnd.randint(1, 16)]
        elif op == 4 and b:  # duplicate a range (a header line, a chunk, a frame)
            j = rnd.randrange(len(b))
            b[i:i] = b[j : j + rnd.randint(1, 64)]
        elif op == 5:  # truncate
            del b[i:]
        elif op == 6:  # splice another seed's bytes in
            o = rnd.choice(seeds)
            j = rnd.randint(0, len(o))
            b[i:i] = o[j : j + rnd.randint(1, 80)]
        elif op == 7:  # a number made huge or odd
            m = re.search(rb"\d+", bytes(b[i:]))
            if m:
                s = i + m.start()
                b[s : i + m.end()] = rnd.choice((b"99999999999999999999", b"-1", b"0x10", b"+5", b"1_0", b"00", b" 7"))
        elif op == 8 and b:  # repeat a byte many times
            j = rnd.randrange(len(b))
            b[j:j] = b[j : j + 1] * rnd.randint(2, 600)
    return bytes(b[:20000])


def run_one(name, data, timeout=5.0):
    """data through target name: None, or the Finding (a hang beyond timeout s is one too)."""
    def alarm(*a):
        raise Hang()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        TARGETS[name](data)
    except Finding as f:
        return f
    except Hang:
        return Finding("hang: no end within %.0f s" % timeout, "")
    except Exception as e:
        return unexpected(e, name)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return None


def run(name, n=300, seed=1, seconds=10.0, keep=3):
    """The seeds of corpus/name, then n mutations of them (random.Random(seed)), within seconds.
    Returns (inputs run, {sig: [(data, Finding)] up to keep shortest})."""
    seeds = corpus(name)
    rnd = random.Random(seed)
    found = {}
    end = time.time() + seconds
    count = 0
    inputs = list(seeds)
    for k in range(len(seeds) + n):
        if time.time() > end:
            break
        data = inputs[k] if k < len(seeds) else mutate(rnd, rnd.choice(inputs), seeds)
        count += 1
        f = run_one(name, data)
        if f is not None:
            lst = found.setdefault(f.sig, [])
            lst.append((data, f))
            lst.sort(key=lambda x: len(x[0]))
            del lst[keep:]
        elif k >= len(seeds) and len(inputs) < 2000 and rnd.random() < 0.1:
            inputs.append(data)  # some of what passed is mutated further
    return count, found


def report(name, found):
    out = []
    for sig, lst in sorted(found.items()):
        out.append("[%s] %s" % (name, sig))
        for data, f in lst:
            out.append("    input %r" % data)
        out.append("    " + (lst[0][1].msg or "").strip().replace("\n", "\n    "))
    return "\n".join(out)


if __name__ == "__main__":
    # python tests/fuzz/targets.py [TARGET...] [--n N] [--seed S] [--seconds T]: the seeded driver
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("targets", nargs="*", default=sorted(TARGETS))
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seconds", type=float, default=30)
    a = p.parse_args()
    bad = 0
    for t in a.targets:
        t0 = time.time()
        count, found = run(t, a.n, a.seed, a.seconds)
        print("%s: %d inputs in %.1f s, %d kinds of finding" % (t, count, time.time() - t0, len(found)))
        if found:
            bad += 1
            print(report(t, found))
    sys.exit(1 if bad else 0)
