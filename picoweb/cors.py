# Cross-origin resource sharing (CORS): lets pages from other origins call the app's routes,
# e.g. a dashboard served elsewhere reading a device's JSON API. Imported only by apps that
# use it. Heap: 3,584 bytes once imported (from .mpy, 64-bit unix port, `make bench`; about
# 2.2 KB on a 32-bit board).
#
#     cors.enable(app, origins=("http://dash.local",), methods=("GET", "POST"), headers=("Content-Type",))
#
# Call it once the app's routes are added. Routes given headers="skip" or "leave" don't see the
# Origin header, so they get no CORS headers.


class CORS:
    """The policy: origins ("*" or a tuple of "scheme://host[:port]"), methods and request
    headers allowed in preflights ("*" allows any header), max_age (s) browsers may cache a
    preflight, credentials (cookies and auth may be sent), expose (response headers the page
    may read)."""

    def __init__(self, origins="*", methods=("GET", "HEAD", "POST"), headers=("Content-Type",),
                 max_age=600, credentials=False, expose=()):
        self.origins = origins
        self.methods = methods
        self.headers = headers if headers == "*" else [h.lower() for h in headers]
        self.max_age = max_age
        self.credentials = credentials
        self.expose = expose

    def allow(self, req):
        """The response headers (str) that let req's origin read the response; "" if none."""
        h = req.headers or {}
        o = h.get(b"Origin") or h.get(b"origin")
        if not o:
            return ""
        o = o.decode()
        if self.origins == "*" and not self.credentials:
            out = "Access-Control-Allow-Origin: *\r\n"
        elif self.origins == "*" or o in self.origins:
            out = "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n" % o
        else:
            return ""
        if self.credentials:
            out += "Access-Control-Allow-Credentials: true\r\n"
        if self.expose:
            out += "Access-Control-Expose-Headers: %s\r\n" % ", ".join(self.expose)
        return out

    def preflight(self, req):
        """The headers of the answer to a preflight request (OPTIONS with
        Access-Control-Request-Method); only "Allow" when the request is not allowed."""
        allow = self.allow(req)
        method = _get(req, b"access-control-request-method")
        if not allow or method not in self.methods:
            return "Allow: %s\r\n" % ", ".join(self.methods)
        asked = [x.strip() for x in _get(req, b"access-control-request-headers").lower().split(",") if x.strip()]
        if self.headers != "*":
            for x in asked:
                if x not in self.headers:
                    return "Allow: %s\r\n" % ", ".join(self.methods)
        allow += "Access-Control-Allow-Methods: %s\r\n" % ", ".join(self.methods)
        if asked:
            allow += "Access-Control-Allow-Headers: %s\r\n" % ", ".join(asked)
        return allow + "Access-Control-Max-Age: %d\r\n" % self.max_age


def _get(req, name):
    from .request import header

    return (header(req, name) or b"").decode()


def enable(app, origins="*", methods=("GET", "HEAD", "POST"), headers=("Content-Type",), max_age=600,
           credentials=False, expose=()):
    """Applies a CORS policy (see CORS) to every route app has so far, and answers preflight
    requests (OPTIONS) for their paths with 204. Returns the CORS object."""
    policy = CORS(origins, methods, headers, max_age, credentials, expose)

    def wrap(handler):
        def with_cors(req, resp):
            # no wrapping generator: the handler's own result goes back to picoweb
            resp.xh = policy.allow(req).encode() or None
            return handler(req, resp)

        return with_cors

    app.url_map[:] = [(e[0], wrap(e[1])) + tuple(e[2:]) for e in app.url_map]

    def answer(req, resp):
        resp.start("204", "text/plain", policy.preflight(req), -1)  # -1: a 204 has no length

    route = app._route
    parse = {"headers": "parse"}

    def _route(method, path, req):
        found = route(method, path, req)
        if method == "OPTIONS" and found is not None:  # the path exists: a preflight
            return answer, parse
        return found

    app._route = _route
    return policy
