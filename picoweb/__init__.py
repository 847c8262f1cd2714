# picoweb: a small, memory-frugal web framework for MicroPython, Pycopy and CPython.
# The API of picoweb 1.8.2, plus HTTP/1.1 keep-alive and limits against bad clients.
# This module is the app: its route table, mounted sub-apps, hooks, templates and the 1.8.2
# helpers. Serving HTTP is http.py's; optional features live in their own modules, imported
# only when used. docs/architecture.md maps the request's path through them.
# The package's names are its API: what the app's own code uses goes through compat. Its name
# table: 22 names in 23 slots, not 28 in 29 (48 bytes of a board's heap), with room for the
# submodule a board imports at its heap's end (admit: the import adds its name here, and a full
# table grows then, a block of 232 bytes).
from . import compat
from .conn import Connection, http_error, send, sendstream  # noqa: F401  (the API)
from .http import Server
from .request import HTTPRequest  # noqa: F401
from .status import HTTPError  # noqa: F401

__version__ = "2.0.0"


def get_mime_type(fname):
    """MIME type of a file name by its extension (application/octet-stream if unknown)."""
    from .static import mime_type

    return mime_type(fname)


def parse_qs(s):
    """A query string or form body parsed: {"name": "value"} (see picoweb.utils.parse_qs)."""
    from .utils import parse_qs

    return parse_qs(s)


def start_response(writer, content_type="text/html; charset=utf-8", status="200", headers=None):
    """The headers are sent with the first body bytes, or when the handler returns (an awaitable:
    `yield from` or `await` it, as in picoweb 1.8.2)."""
    return writer.start(status, content_type, headers)  # (a done awaitable)


def jsonify(writer, obj, status="200"):
    """Sends obj as a JSON response (with its Content-Length). An awaitable, as send()'s (no
    generator of its own): `yield from` or `await` it, as in picoweb 1.8.2."""
    return send(writer, compat.need("json").dumps(obj), status, "application/json")


def redirect(writer, location, status="302"):
    """Sends a redirect to location (302 unless status says otherwise); an awaitable."""
    return send(writer, b"", status, "text/plain", {"Location": location})


class WebApp(Server):
    """A web app: WebApp(pkg, routes=None, serve_static=True). pkg names the package whose
    templates/ and static/ are used (None or "__main__": the current directory); routes is a
    list of (pattern, handler[, extra]); serve_static adds the /static/ route.
    """

    template_escape = True  # False: {{ }} output unescaped, exactly as utemplate gives it
    # Hooks, effective for this app (its own after those of the apps it is mounted in): a pair of
    # lists, (before, after), once one is added. (The app an app is mounted in, its parent, is
    # set by mount() only: a class name fewer, 12 in a 12-slot table, not 14 in 17.)
    hooks = None

    def __init__(self, pkg, routes=None, serve_static=True):
        Server.__init__(self)
        self.url_map = routes if routes else []
        self.pkg = pkg.split(".", 1)[0] if pkg and pkg != "__main__" else None
        if serve_static:
            self.url_map.append((compat.need("re").compile("^/(static/.+)"), self.handle_static))
            if self.pkg is None:
                # A static/ folder here: its module loaded now, in a whole heap. At the first
                # file it may come beside other requests, at the heap's end, where its blocks
                # (its names; sys.modules' and the package's tables when they grow) may not fit.
                try:
                    compat.need("os").stat("static")
                    from . import static  # noqa: F401
                except OSError:
                    pass
        self.mounts = []
        self.inited = False
        self.template_loader = None
        self._own = None  # this app's own hooks: ([before], [after])

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

    # ---- routing ----

    def resolve(self, req):
        """The (mounted) app req goes to, and its route there (its url_map entry: pattern, handler
        and maybe extra); else a string of
        the methods the path has routes for (405), or None (404). OPTIONS on a path that has
        routes is answered 204 with those methods. Sets req.path as that app sees it, and
        req.url_match and req.params. (One method: a call costs as much as a route's match.)"""
        path = req.path
        app = self
        while app.mounts:
            for sub in app.mounts:
                r = sub.url
                if path.startswith(r) and (r[-1:] == "/" or path[len(r) : len(r) + 1] in ("/", "")):
                    app = sub
                    path = path[len(r) :]
                    if path[:1] != "/":  # mounted at "/sub/", or the path was "/sub"
                        path = "/" + path
                    break
            else:
                break
        req.path = path
        if not app.inited:
            app.init()
        method = req.method
        allowed = None
        _type = type  # builtins looked up once, not per route: see _serve_conn
        _str = str
        _len = len
        for e in app.url_map:
            p = e[0]
            if _type(p) is _str:
                if p != path:
                    continue
                m = None
            else:
                m = p.match(path)
                if not m:
                    continue
            ms = e[2].get("methods") if _len(e) > 2 else None
            if ms and method not in ms and not (method == "HEAD" and "GET" in ms):
                allowed = ", ".join(ms) if allowed is None else allowed + ", " + ", ".join(ms)
                continue
            if m is not None:
                req.url_match = m
                if _type(m) is dict:
                    req.params = m  # else {}, made if the handler looks (HTTPRequest)
            return app, e
        if allowed and method == "OPTIONS":  # parsed: a hook may answer a CORS preflight
            # the answer: the methods it has routes for (RFC 9110 9.3.7)
            def options(req, resp, allow="Allow: %s\r\n" % allowed):
                resp.start("204", "text/plain", allow, -1)

            return app, (None, options, {"headers": "parse"})
        return app, allowed

    # ---- answers the app provides ----

    def handle_static(self, req, resp):
        """The handler of /static/...: files from the app's static/ folder only (gzip variants when accepted)."""
        from .static import serve_static

        yield from serve_static(self, req, resp)

    def __getattr__(self, name):
        # The methods that only some apps call live in app_more.py (mount(), the hooks,
        # sendfile()) and render.py (templates), each attached to the class on its first use:
        # until then they take no heap.
        if name == "render_template" or name == "render_str":
            from . import render as more
        else:
            from . import app_more as more
        if name in more.METHODS:
            setattr(WebApp, name, getattr(more, name))
            return getattr(self, name)
        raise AttributeError(name)

    # ---- serving ----

    def run(self, host="127.0.0.1", port=8081, debug=False, lazy_init=False, log=None):
        """debug: -1 no logging, 0 errors and a line per request, 1 debug, 2 heap figures too.
        Where there is an environment (a computer, the virtual board), PICOWEB_PORT in it
        wins over port: `make run HTTP_PORT=...` serves an app written for a board's port 80.
        A port that can't be had (in use, say) ends the program there with one line and exit
        status 1; on a board, where an exit would reboot into the same error, it is raised."""
        env = compat.need("os")  # where it has an environment; not on a board
        env = env if hasattr(env, "getenv") else None
        if env:
            port = int(env.getenv("PICOWEB_PORT") or port)
        self.debug = debug = int(debug)
        if log is None and debug >= 0:
            from .log import get_logger

            log = get_logger(debug)
        self.log = log
        import gc

        gc.collect()
        self.init()
        if not lazy_init:
            for app in self.mounts:
                app.init()
        loop = compat.event_loop()  # with the tasks the app created before run(), as in 1.8.2
        if debug > 0:
            print("* Running on http://%s:%s/" % (host, port))
        try:
            self.serve(loop, host, port)
        except KeyboardInterrupt:
            pass
        except OSError as e:
            if not env:
                raise
            import sys

            print("picoweb: can't serve on %s:%s: %s" % (host, port, e), file=sys.stderr)
            sys.exit(1)
        loop.close()

