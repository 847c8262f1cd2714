# The request object handlers get: req.method, req.path, req.qs, req.headers,
# req.reader (the connection), req.url_match, req.params, and helpers to read the body.
from .conn import _co


def header(req, name):
    """The value (bytes) of the request header name (bytes, any case), or None; for modules that
    need a header whatever case the client wrote it in."""
    h = req.headers or {}
    v = h.get(name)
    if v is None:
        name = name.lower()
        for k in h:
            if k.lower() == name:
                return h[k]
    return v


class HTTPRequest:
    """What a handler gets as req: method, path, qs, headers (bytes keys and values, as sent, when
    parsed), reader (the connection), url_match (a regex route's match), params (<name> parts)."""

    qs = ""
    url_match = None
    params = None
    headers = None
    form = None

    def parse_qs(self):
        """Parses the query string into req.form (and returns it)."""
        from .utils import parse_qs

        self.form = parse_qs(self.qs)
        return self.form

    @_co
    def read_body(self):
        """The whole body (at most the app's max_body, enforced before the handler ran)."""
        return (yield from self.reader.read())

    @_co
    def read_form_data(self):
        """Reads a URL-encoded form body into req.form (and returns it)."""
        from .utils import parse_qs

        self.form = parse_qs((yield from self.read_body()).decode())
        return self.form

    @_co
    def read_json(self):
        """Reads the body and returns it parsed as JSON (ValueError if it is not)."""
        try:
            import json
        except ImportError:
            import ujson as json
        return json.loads((yield from self.read_body()))
