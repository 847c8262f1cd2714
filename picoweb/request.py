# The request object handlers get: req.method, req.path, req.qs, req.headers, req.reader (the
# connection), req.url_match, req.params. The methods that read the body or the query string
# (read_body, read_form_data, read_json, parse_qs) are request_more.py's, attached to the class
# on their first use: an app that reads no body keeps their heap.


class HTTPRequest:
    """What a handler gets as req: method, path, qs, headers (bytes keys and values, as sent, when
    parsed), reader (the connection), url_match (a regex route's match), params (<name> parts)."""

    qs = ""
    url_match = None
    form = None
    # headers: made on first use of (the request head's buffer, where its header lines start,
    # where they end), which the server sets unless the route has headers="skip" or "leave"
    _head = None

    def __getattr__(self, name):
        # req.headers and req.params (when the route set none), made when a handler first looks:
        # most never do, and then allocate neither a dict nor two bytes per header line. The
        # header lines were checked as the head was read. The methods that read the body
        # (request_more.py), each attached to the class on its first use.
        if name == "params":
            self.params = {}
            return self.params
        if name == "headers":
            if self._head is None:
                raise AttributeError(name)
            buf, p, end = self._head
            self._head = None
            h = self.headers = {}
            add_lines(h, buf, p, end)
            return h
        if name in ("read_body", "read_form_data", "read_json", "parse_qs"):
            from . import request_more

            setattr(HTTPRequest, name, getattr(request_more, name))
            return getattr(self, name)
        raise AttributeError(name)

    def header(self, name, default=None):
        """The value (bytes) of the request header name (bytes or str, any case), or default:
        the lookup every module uses, whatever case the client wrote the name in. Until
        req.headers is made, the field is looked for in the head's lines: no dict is made for it
        (the last line of that name counts, as in req.headers)."""
        if type(name) is str:
            name = name.encode()
        if self._head is not None:
            return find_field(self._head, name, default)
        h = getattr(self, "headers", None)
        if not h:
            return default
        v = h.get(name)
        if v is None:
            name = name.lower()
            for k in h:
                if k.lower() == name:
                    return h[k]
            return default
        return v

def add_lines(h, buf, p, end):
    """The header lines buf[p:end] (whole lines, checked as they were read) into the dict h."""
    while p < end:
        e = buf.find(b"\n", p, end)
        q = e - 1 if buf[e - 1] == 13 else e
        if q <= p:  # the empty line that ends the head
            return
        j = buf.find(b":", p, q)
        h[buf[p:j]] = field_value(buf, j + 1, q)
        p = e + 1


def find_field(head, name, default):
    """The value of the last header line named name (any case) among the head's lines
    (buf, start, end), or default. A line is looked at closer only if a ":" follows a name of
    that length: no other line allocates."""
    buf, p, end = head
    n = len(name)
    v = default
    while p < end:
        e = buf.find(b"\n", p, end)
        q = e - 1 if buf[e - 1] == 13 else e
        if q <= p:  # the empty line that ends the head
            break
        if p + n < q and buf[p + n] == 58:
            k = buf[p : p + n]
            if k == name or k.lower() == name.lower():
                v = field_value(buf, p + n + 1, q)
        p = e + 1
    return v


def field_value(buf, a, q):
    """A header field's value: buf[a:q] without the whitespace around it (RFC 9110 5.5)."""
    while a < q and (buf[a] == 32 or buf[a] == 9):
        a += 1
    while q > a and (buf[q - 1] == 32 or buf[q - 1] == 9):
        q -= 1
    return buf[a:q]
