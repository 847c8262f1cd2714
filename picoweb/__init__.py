# picoweb: a small, memory-frugal web framework for MicroPython, Pycopy and CPython.
# The API of picoweb 1.8.2, plus HTTP/1.1 keep-alive and limits against bad clients.
# Optional features live in their own modules and are imported only when used.
import gc

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio  # Pycopy

from .conn import Connection, HTTPError, status_line, _co, ticks_ms, ticks_diff

__version__ = "2.0.0"

_NOEXTRA = {}  # shared, never written: the extra of routes given without one


def get_mime_type(fname):
    from .static import mime_type

    return mime_type(fname)


@_co
def start_response(writer, content_type="text/html; charset=utf-8", status="200", headers=None):
    # The headers are sent with the first body bytes, or when the handler returns.
    writer.start(status, content_type, headers)
    yield from ()  # a generator all the same (MicroPython drops `if 0: yield`)


@_co
def send(writer, body, status="200", content_type="text/html; charset=utf-8", headers=None):
    # A whole response whose length is known: the connection can be kept alive.
    if type(body) is str:
        body = body.encode()
    writer.start(status, content_type, headers, len(body))
    writer.write(body)
    yield from writer.drain()


@_co
def http_error(writer, status, headers=None):
    yield from send(writer, status_line(status) + "\r\n", status, "text/plain", headers)


@_co
def jsonify(writer, obj, status="200"):
    try:
        import json
    except ImportError:
        import ujson as json
    yield from send(writer, json.dumps(obj), status, "application/json")


@_co
def redirect(writer, location, status="302"):
    yield from send(writer, b"", status, "text/plain", {"Location": location})


@_co
def sendstream(writer, f):
    buf = bytearray(512)
    while True:
        n = f.readinto(buf)
        if not n:
            break
        yield from writer.awrite(buf, 0, n)


class HTTPRequest:
    url_match = None
    params = None
    headers = None
    form = None

    def parse_qs(self):
        from .utils import parse_qs

        self.form = parse_qs(self.qs)
        return self.form

    @_co
    def read_body(self):
        # The whole body (at most the app's max_body, enforced before the handler ran).
        return (yield from self.reader.read())

    @_co
    def read_form_data(self):
        from .utils import parse_qs

        self.form = parse_qs((yield from self.read_body()).decode())
        return self.form

    @_co
    def read_json(self):
        try:
            import json
        except ImportError:
            import ujson as json
        return json.loads((yield from self.read_body()))


class WebApp:
    # Limits; the defaults fit an ESP8266. Set them on the serving app or a subclass.
    max_conns = 8  # further connections get 503
    max_line = 512  # request line (414 beyond) and each header line (431 beyond)
    max_headers = 24  # 431 beyond
    max_body = 4096  # bytes; a larger Content-Length gets 413 (a route may set max_body=)
    header_timeout = 10000  # ms to receive a request's line and headers
    idle_timeout = 5000  # ms a kept-alive connection may wait for its next request
    bufsize = 512  # bytes asked of the socket per read
    headers_mode = "parse"
    debug = 0
    log = None

    def __init__(self, pkg, routes=None, serve_static=True):
        self.url_map = routes if routes else []
        self.pkg = pkg.split(".", 1)[0] if pkg and pkg != "__main__" else None
        if serve_static:
            import re

            self.url_map.append((re.compile("^/(static/.+)"), self.handle_static))
        self.mounts = []
        self.inited = False
        self.template_loader = None
        self._conns = []

    # ---- building the app ----

    def init(self):
        # Called once before the first request; override to set up a database etc.
        self.inited = True

    def add_url_rule(self, url, func, **kwargs):
        if isinstance(url, str) and "<" in url:
            from .route import Rule

            url = Rule(url)
        self.url_map.append((url, func, kwargs))

    def route(self, url, **kwargs):
        def _route(f):
            self.add_url_rule(url, f, **kwargs)
            return f

        return _route

    def mount(self, url, app):
        # The sub-app sees paths without the prefix; the longest prefix is tried first.
        app.url = url.rstrip("/")
        self.mounts.append(app)
        self.mounts.sort(key=lambda a: -len(a.url))

    # ---- handlers the app provides ----

    def handle_exc(self, req, resp, e):
        # A handler raised e; override to answer differently. resp may hold content already.
        if not resp.sent:
            yield from http_error(resp, "500")

    def handle_static(self, req, resp):
        from .static import serve_static

        yield from serve_static(self, req, resp)

    def sendfile(self, writer, fname, content_type=None, headers=None):
        from .static import sendfile

        yield from sendfile(self, writer, fname, content_type, headers)

    def _load_template(self, name):
        if self.template_loader is None:
            from .template import loader_for

            self.template_loader = loader_for(self.pkg)
        return self.template_loader.load(name)

    def render_template(self, writer, tmpl_name, args=()):
        # Streams the template's pieces as they are generated, never joined.
        for s in self._load_template(tmpl_name)(*args):
            yield from writer.awritestr(s)

    def render_str(self, tmpl_name, args=()):
        return "".join(self._load_template(tmpl_name)(*args))

    # ---- serving ----

    def run(self, host="127.0.0.1", port=8081, debug=False, lazy_init=False, log=None):
        # debug: -1 no logging, 0 errors and a line per request, 1 debug, 2 heap figures too.
        self.debug = debug = int(debug)
        if log is None and debug >= 0:
            try:
                import logging

                log = logging.getLogger("picoweb")
                if not logging.getLogger().handlers:
                    logging.basicConfig(level=logging.DEBUG if debug > 0 else logging.INFO)
            except ImportError:
                from .log import Logger

                log = Logger(debug)
        self.log = log
        gc.collect()
        self.init()
        if not lazy_init:
            for app in self.mounts:
                app.init()
        try:
            loop = asyncio.new_event_loop()
        except AttributeError:
            loop = asyncio.get_event_loop()
        if debug > 0:
            print("* Running on http://%s:%s/" % (host, port))
        try:
            self.serve(loop, host, port)
        except KeyboardInterrupt:
            pass
        loop.close()

    def serve(self, loop, host, port):
        # Override to e.g. catch errors of the server socket.
        loop.create_task(asyncio.start_server(self._handle, host, port, backlog=self.max_conns))
        loop.create_task(self._watchdog())
        loop.run_forever()

    async def _watchdog(self):
        # Cancels connections past their deadline: one timer for all, none per request.
        while True:
            await asyncio.sleep(0.2)
            now = ticks_ms()
            for c in self._conns:
                d = c.deadline
                if d is not None and ticks_diff(now, d) > 0:
                    c.deadline = None
                    c.task.cancel()

    async def _handle(self, reader, writer):
        # asyncio's per-connection callback (a native coroutine: CPython only schedules those).
        c = Connection(reader, writer, self.bufsize)
        c.rto = self.header_timeout
        taken = False
        try:
            if len(self._conns) >= self.max_conns:
                c.begin(False, False, False)
                await http_error(c, "503", "Retry-After: 1\r\n")
            else:
                try:
                    writer.s.setsockopt(6, 1, 1)  # TCP_NODELAY on MicroPython (CPython sets it)
                except Exception:
                    pass
                c.task = asyncio.current_task()
                self._conns.append(c)
                try:
                    taken = await self._serve_conn(c) is False  # a handler took it over
                finally:
                    self._conns.remove(c)
        except asyncio.CancelledError:
            pass  # the watchdog cut it off
        except Exception as e:
            if not _gone(e):
                self._log_exc(e, "connection")
        if not taken:
            try:
                await c.aclose()
            except Exception:
                pass

    @_co
    def _serve_conn(self, c):
        # The requests of one connection, in order; False if a handler took it over.
        # The head is parsed from the read buffer: a socket read only when a line is incomplete.
        t = self.header_timeout
        maxl = self.max_line
        l = b""
        while True:
            c.timeout(t)
            t = self.idle_timeout
            try:
                l = c.line(maxl, 414)
                while l is None or l == b"\r\n" or l == b"\n":  # RFC 9112: skip empty lines first
                    if l is None and not (yield from c._fill()):
                        return True
                    l = c.line(maxl, 414)
                c.timeout(self.header_timeout)
                req, app, found = self._target(c, l)
                if type(found) is tuple:
                    extra = found[1]
                    mode = extra.get("headers", app.headers_mode)
                else:
                    extra = _NOEXTRA
                    mode = "skip"  # 404 or 405: only the framing headers matter
                keep = req.proto == "HTTP/1.1"
                c.left = None
                if mode == "leave":
                    keep = False  # the handler reads the headers: their framing is unknown
                else:
                    h = {} if mode == "parse" else None
                    n = 0
                    while True:
                        l = c.line(maxl, 431)
                        while l is None:
                            if not (yield from c._fill()):
                                return True
                            l = c.line(maxl, 431)
                        if l == b"\r\n" or l == b"\n":
                            break
                        n += 1
                        if n > self.max_headers:
                            raise HTTPError(431)
                        keep = _header(c, l, h, keep)
                    req.headers = h
                    if c.left is None:
                        c.left = 0
                    elif c.left > extra.get("max_body", self.max_body):
                        raise HTTPError(413)
            except HTTPError as e:
                c.deadline = None
                c.begin(False, False, False)
                a = e.args
                yield from http_error(c, a[0], a[1] if len(a) > 1 else None)
                if self.debug >= 0:
                    self.log.info("%s %s", status_line(a[0]), l[:60])
                return True
            c.deadline = None
            c.begin(req.method == "HEAD", keep, req.proto == "HTTP/1.0")
            r = None
            if type(found) is not tuple:
                if found:
                    yield from http_error(c, "405", "Allow: %s\r\n" % found)
                else:
                    yield from http_error(c, "404")
            else:
                try:
                    r = found[0](req, c)
                    if r is not None and hasattr(r, "send"):
                        r = yield from r
                    if r is not False and c.end():
                        yield from c.drain()
                except Exception as e:
                    if isinstance(e, MemoryError):
                        gc.collect()
                    if not _gone(e):
                        self._log_exc(e, "%s %s" % (req.method, req.path))
                        r = app.handle_exc(req, c, e)
                        if r is not None and hasattr(r, "send"):
                            yield from r
                    return True
            if self.debug >= 0:
                self.log.info('"%s %s" %s', req.method, req.path, c.status or "-")
                if self.debug > 1:
                    self.log.debug("heap: %d free, %d used", gc.mem_free(), gc.mem_alloc())
            if r is False:
                return False
            # Discard what the handler left of the body (at most max_body) to reach the next request.
            while c.keep and c.left:
                if not (yield from c.read(self.bufsize)):
                    return True
            if not c.keep:
                return True

    def _target(self, c, line):
        # Parses the request line; finds the (mounted) app and its route for the path.
        try:
            method, path, proto = line.decode().split()
        except ValueError:  # also UnicodeError
            raise HTTPError(400)
        if proto != "HTTP/1.1" and proto != "HTTP/1.0":
            raise HTTPError(505 if proto[:5] == "HTTP/" and proto[5:6].isdigit() else 400)
        if path[0] != "/":
            raise HTTPError(400)
        req = HTTPRequest()
        req.method = method
        req.proto = proto
        req.reader = c
        path, _, req.qs = path.partition("?")
        app = self
        while app.mounts:
            for sub in app.mounts:
                r = sub.url
                if path.startswith(r) and path[len(r) : len(r) + 1] in ("/", ""):
                    app = sub
                    path = path[len(r) :] or "/"
                    break
            else:
                break
        req.path = path
        if not app.inited:
            app.init()
        return req, app, app._route(method, path, req)

    def _route(self, method, path, req):
        # (handler, extra) of the first matching route; else the allowed methods, or None.
        allowed = None
        for e in self.url_map:
            p = e[0]
            if type(p) is str:
                if p != path:
                    continue
                m = None
            else:
                m = p.match(path)
                if not m:
                    continue
            x = e[2] if len(e) > 2 else _NOEXTRA
            ms = x.get("methods")
            if ms and method not in ms and not (method == "HEAD" and "GET" in ms):
                allowed = ", ".join(ms) if allowed is None else allowed + ", " + ", ".join(ms)
                continue
            if m is not None:
                req.url_match = m
                req.params = m if type(m) is dict else {}
            else:
                req.params = {}
            return e[1], x
        return allowed

    def _log_exc(self, e, msg):
        if self.debug < 0:
            return
        try:
            log = self.log
            if hasattr(log, "exc"):
                log.exc(e, msg)
            else:
                log.exception(msg)
        except Exception:
            pass


def _header(c, l, h, keep):
    # One header line: the framing ones are checked; all kept in h (bytes, as sent) unless None.
    k, sep, v = l.partition(b":")
    if not sep:
        raise HTTPError(400)
    v = v.strip()
    lk = k.lower()
    if lk == b"content-length":
        if not v.isdigit() or (c.left is not None and int(v) != c.left):
            raise HTTPError(400)
        c.left = int(v)
    elif lk == b"connection":
        v = v.lower()
        if b"close" in v:
            keep = False
        elif b"keep-alive" in v:
            keep = True
    elif lk == b"transfer-encoding":
        raise HTTPError(501)  # chunked request bodies are not supported
    if h is not None:
        h[k] = v
    return keep


def _gone(e):
    # The client went away (reset, broken pipe): nothing to answer, nothing to log.
    return isinstance(e, OSError) and e.args and e.args[0] in (32, 103, 104, 107, 128)
