# multipart/form-data request bodies (RFC 7578), as browsers send file uploads: each part is
# streamed in small pieces, to a file or to the app's own code, so an upload may be larger than
# the heap. The upload's size cap is the route's max_body (413 before any of it is read).
# Imported only by apps that take uploads; about 1 KB of heap while a form is read.
from .compat import coroutine, result
from .status import HTTPError


def _params(value):
    # 'form-data; name="f"; filename="a;b.txt"' -> ("form-data", {"name": "f", "filename": "a;b.txt"})
    out = {}
    kind, _, rest = value.partition(";")
    while rest:
        k, eq, rest = rest.partition("=")
        rest = rest.lstrip()
        if rest[:1] == '"':  # a quoted string: may hold ";", and \" escapes
            i = 1
            v = ""
            while i < len(rest) and rest[i] != '"':
                if rest[i] == "\\":
                    i += 1
                v += rest[i : i + 1]
                i += 1
            rest = rest[i + 1 :].partition(";")[2]
        else:
            v, _, rest = rest.partition(";")
            v = v.strip()
        if eq:
            out[k.strip().lower()] = v
    return kind.strip().lower(), out


def boundary(req):
    """The boundary of a multipart/form-data request; HTTPError(400) if it is not one."""
    try:
        ct = req.header(b"Content-Type", b"").decode()
    except UnicodeError:
        raise HTTPError(400)
    kind, p = _params(ct)
    b = p.get("boundary")
    if kind != "multipart/form-data" or not b or len(b) > 70:
        raise HTTPError(400)
    return b


class Part:
    """One part of the form: name, filename (None for a plain field), content_type, and
    headers (a dict with lower-case str keys). Its data is read with read(), text() or save()."""

    def __init__(self, form, headers):
        self._form = form
        self.headers = headers
        _, p = _params(headers.get("content-disposition", ""))
        self.name = p.get("name")
        self.filename = p.get("filename")
        self.content_type = headers.get("content-type", "text/plain")

    @coroutine
    def read(self, n=512):
        """Up to n bytes of the part's data; b"" at its end."""
        return (yield from self._form._data(n))

    @coroutine
    def text(self, limit=1024):
        """The whole value as str; HTTPError(413) if it is longer than limit bytes, 400 if it is
        not UTF-8."""
        b = b""
        while True:
            d = yield from self.read()
            if not d:
                try:
                    return b.decode()
                except UnicodeError:
                    raise HTTPError(400)  # not text
            b += d
            if len(b) > limit:
                raise HTTPError(413)

    @coroutine
    def save(self, path):
        """Writes the data to the file path, piece by piece; returns its size."""
        n = 0
        with open(path, "wb") as f:
            while True:
                d = yield from self.read()
                if not d:
                    return n
                f.write(d)
                n += len(d)


class MultipartReader:
    """The parts of a multipart/form-data body, one after the other:

        form = MultipartReader(req)
        while True:
            part = await form.next()   # (or yield from) None after the last one
            if part is None:
                break
            ...

    A part not read to its end is skipped by next(). Malformed bodies raise HTTPError(400)."""

    def __init__(self, req, bufsize=512):
        self.r = req.reader
        self.bufsize = bufsize
        self.delim = b"\r\n--" + boundary(req).encode()
        self.buf = b"\r\n"  # so that a body starting with the delimiter matches it too
        self.part = None  # the part being read; "end" after the last one
        self.inpart = False  # True while the current part's data is not read to its end

    @coroutine
    def _more(self):
        d = yield from self.r.read(self.bufsize)
        if not d:
            raise HTTPError(400)  # the body ended before the closing delimiter
        self.buf += d

    @coroutine
    def _data(self, n):
        # Part data up to the next delimiter; only bytes that can't begin a delimiter are given.
        if not self.inpart:
            return b""
        while True:
            buf = self.buf
            i = buf.find(self.delim)
            if i == 0:
                self.buf = buf[len(self.delim) :]
                self.inpart = False
                return b""
            if i < 0:
                i = len(buf) - len(self.delim) + 1  # a delimiter may begin in the rest
            if i > 0:
                i = min(i, n)
                self.buf = buf[i:]
                return buf[:i]
            yield from self._more()

    @coroutine
    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                l = self.buf[:i]
                self.buf = self.buf[i + 2 :]
                return l
            if len(self.buf) > 512:
                raise HTTPError(431)
            yield from self._more()

    @coroutine
    def next(self):
        """The next Part, or None after the last one."""
        if self.part == "end":
            return None
        if self.part is None:  # skip the preamble, up to the first delimiter
            self.inpart = True
        while self.inpart:
            yield from self._data(self.bufsize)
        while len(self.buf) < 2:
            yield from self._more()
        if self.buf[:2] == b"--":  # the closing delimiter
            self.part = "end"
            return None
        if (yield from self._line()).strip():  # the delimiter's line must end here
            raise HTTPError(400)
        headers = {}
        for _ in range(8):
            l = yield from self._line()
            if not l:
                break
            try:
                k, sep, v = l.decode().partition(":")
            except UnicodeError:
                raise HTTPError(400)
            if not sep:
                raise HTTPError(400)
            headers[k.strip().lower()] = v.strip()
        else:
            raise HTTPError(431)
        self.inpart = True
        self.part = Part(self, headers)
        return self.part


@coroutine
def parse(req, on_file=None, limit=1024):
    """Reads the whole form: returns its plain fields as {name: str} (each at most limit
    bytes) and sets req.form to it. For each file part, on_file(part) is called (and awaited if
    it returns a coroutine) to take its data; without on_file, files are skipped."""
    form = MultipartReader(req)
    fields = {}
    while True:
        part = yield from form.next()
        if part is None:
            req.form = fields
            return fields
        if part.filename is None:
            fields[part.name] = yield from part.text(limit)
        elif on_file:
            yield from result(on_file(part))
