# picoweb: a small, memory-frugal web framework for MicroPython, Pycopy and CPython.
# The API of picoweb 1.8.2, plus HTTP/1.1 keep-alive and limits against bad clients.
# Optional features live in their own modules and are imported only when used.
import gc

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio  # Pycopy

from .conn import Connection, HTTPError, status_line, send, http_error, _co, DONE
from .request import HTTPRequest
from .server import Server, _NOEXTRA

__version__ = "2.0.0"


def get_mime_type(fname):
    """MIME type of a file name by its extension (application/octet-stream if unknown)."""
    from .static import mime_type

    return mime_type(fname)


def start_response(writer, content_type="text/html; charset=utf-8", status="200", headers=None):
    """The headers are sent with the first body bytes, or when the handler returns (an awaitable:
    `yield from` or `await` it, as in picoweb 1.8.2)."""
    writer.start(status, content_type, headers)
    return DONE


@_co
def jsonify(writer, obj, status="200"):
    """Sends obj as a JSON response (with its Content-Length)."""
    try:
        import json
    except ImportError:
        import ujson as json
    yield from send(writer, json.dumps(obj), status, "application/json")


@_co
def redirect(writer, location, status="302"):
    """Sends a redirect to location (302 unless status says otherwise)."""
    yield from send(writer, b"", status, "text/plain", {"Location": location})


@_co
def sendstream(writer, f):
    """Copies the open file f to the response through one 512-byte buffer (128 bytes when the
    heap has no block that large)."""
    try:
        buf = bytearray(512)
    except MemoryError:
        buf = bytearray(128)
    while True:
        n = f.readinto(buf)
        if not n:
            break
        yield from writer.awrite(buf, 0, n)


def _write_parts(writer, part):
    # A template's pieces in one write; one by one when the heap has no block for them together.
    try:
        writer.write("".join(part))
    except MemoryError:
        for s in part:
            writer.write(s)


class WebApp(Server):
    """A web app: WebApp(pkg, routes=None, serve_static=True). pkg names the package whose
    templates/ and static/ are used (None or "__main__": the current directory); routes is a
    list of (pattern, handler[, extra]); serve_static adds the /static/ route.
    """

    # Limits; the defaults fit an ESP8266. Set them on the serving app or a subclass.
    max_conns = 8  # further ones wait for a slot (as many again, up to header_timeout), then 503
    max_line = 512  # request line (414 beyond) and each header line (431 beyond)
    max_headers = 24  # 431 beyond
    max_body = 4096  # bytes; a larger Content-Length gets 413 (a route may set max_body=)
    header_timeout = 10000  # ms to receive the first request's line and headers
    idle_timeout = 5000  # ms a kept-alive connection may take for its next request's head
    bufsize = 512  # bytes asked of the socket per read
    headers_mode = "parse"
    template_escape = True  # False: {{ }} output unescaped, exactly as utemplate gives it
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
        self._waiting = 0  # connections waiting for a slot (over max_conns)
        self._rb = None  # MicroPython: the read buffer all connections share (set by _listen)

    # ---- building the app ----

    def init(self):
        """Called once before the first request; override to set up a database etc."""
        self.inited = True

    def add_url_rule(self, url, func, **kwargs):
        """Adds a route: url is a path, a pattern with <name> parts, or a compiled regex; kwargs: methods=, headers=, max_body=."""
        if isinstance(url, str) and "<" in url:
            from .route import Rule

            url = Rule(url)
        self.url_map.append((url, func, kwargs))

    def route(self, url, **kwargs):
        """Decorator form of add_url_rule()."""
        def _route(f):
            self.add_url_rule(url, f, **kwargs)
            return f

        return _route

    def mount(self, url, app):
        """The sub-app sees paths without the prefix; the longest prefix is tried first."""
        app.url = url.rstrip("/")
        self.mounts.append(app)
        self.mounts.sort(key=lambda a: -len(a.url))

    # ---- handlers the app provides ----

    def handle_exc(self, req, resp, e):
        """A handler raised e; override to answer differently. resp may hold content already."""
        if not resp.sent:
            yield from http_error(resp, "500")

    def handle_static(self, req, resp):
        """The handler of /static/...: files from the app's static/ folder only (gzip variants when accepted)."""
        from .static import serve_static

        yield from serve_static(self, req, resp)

    @_co
    def sendfile(self, writer, fname, content_type=None, headers=None):
        """Sends the file fname (relative to the app's folder) with its MIME type and length; 404 if missing."""
        from .static import sendfile

        yield from sendfile(self, writer, fname, content_type, headers)

    def _load_template(self, name):
        if self.template_loader is None:
            from .template import loader_for

            self.template_loader = loader_for(self.pkg, self.template_escape)
        return self.template_loader.load(name)

    @_co
    def render_template(self, writer, tmpl_name, args=()):
        """Streams the template's pieces as they are generated, gathered into sends of
        about 512 bytes: the whole page is never held.
        """
        part = []
        n = 0
        for s in self._load_template(tmpl_name)(*args):
            part.append(s)
            n += len(s)
            if n >= 512:
                _write_parts(writer, part)
                part = []
                n = 0
                yield from writer.drain()
        if part:
            _write_parts(writer, part)
            yield from writer.drain()

    def render_str(self, tmpl_name, args=()):
        """Renders template tmpl_name with args into one string."""
        return "".join(self._load_template(tmpl_name)(*args))

    # ---- serving ----

    def run(self, host="127.0.0.1", port=8081, debug=False, lazy_init=False, log=None):
        """debug: -1 no logging, 0 errors and a line per request, 1 debug, 2 heap figures too."""
        self.debug = debug = int(debug)
        if log is None and debug >= 0:
            from .log import get_logger

            log = get_logger(debug)
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
        """Override to e.g. catch errors of the server socket."""
        try:
            from asyncio.core import _io_queue  # noqa: F401  MicroPython: picoweb's own listener

            loop.create_task(self._listen(host, port))
        except ImportError:
            loop.create_task(asyncio.start_server(self._handle, host, port, backlog=self.max_conns))
        loop.create_task(self._watchdog())
        loop.run_forever()

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
