# Cross-origin resource sharing (CORS): lets pages from other origins call the app's routes,
# e.g. a dashboard served elsewhere reading a device's JSON API. Imported only by apps that
# use it; it takes part in requests through a before_request hook.
#
#     cors.enable(app, origins=("http://dash.local",), methods=("GET", "POST"), headers=("Content-Type",))
#
# It covers every route of app and of the apps mounted in it, whenever they were added. Routes
# given headers="skip" or "leave" don't see the Origin header, so they get no CORS headers.


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
        o = req.header(b"Origin")
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
        method = req.header(b"Access-Control-Request-Method", b"").decode()
        if not allow or method not in self.methods:
            return "Allow: %s\r\n" % ", ".join(self.methods)
        asked = [x.strip() for x in req.header(b"Access-Control-Request-Headers", b"").decode().lower().split(",")
                 if x.strip()]
        if self.headers != "*":
            for x in asked:
                if x not in self.headers:
                    return "Allow: %s\r\n" % ", ".join(self.methods)
        allow += "Access-Control-Allow-Methods: %s\r\n" % ", ".join(self.methods)
        if asked:
            allow += "Access-Control-Allow-Headers: %s\r\n" % ", ".join(asked)
        return allow + "Access-Control-Max-Age: %d\r\n" % self.max_age

    def before_request(self, req, resp):
        """The hook: answers preflights for paths that have routes (204), and gives every other
        response the headers its origin may read it with."""
        if req.method == "OPTIONS" and req.header(b"Access-Control-Request-Method") is not None:
            resp.start("204", "text/plain", self.preflight(req), -1)  # -1: a 204 has no length
        else:
            resp.add_headers(self.allow(req))


def enable(app, origins="*", methods=("GET", "HEAD", "POST"), headers=("Content-Type",), max_age=600,
           credentials=False, expose=()):
    """Applies a CORS policy (see CORS) to app's requests through a before_request hook.
    Returns the CORS object."""
    policy = CORS(origins, methods, headers, max_age, credentials, expose)
    app.before_request(policy.before_request)
    return policy
