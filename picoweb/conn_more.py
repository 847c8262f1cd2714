# The Connection methods handlers seldom call: reading the body by lines or into a buffer,
# extra header lines (picoweb.cors), handing the connection over (picoweb.websocket), writing
# from an iterable, closing early, the peer's address. conn.py attaches each to the class on its first
# use (Connection.__getattr__): an app that calls none of them keeps their heap.
from .compat import coroutine

METHODS = ("readline", "readexactly", "readinto", "add_headers", "upgrade", "awriteiter", "aclose", "get_extra_info",
           "write_block", "awritestr")


def attach(cls, name):
    """Sets the method name on cls, if it is one of them (True): only the methods used join the
    class's name table, which every lookup on an object of that class goes through."""
    if name not in METHODS:
        return False
    setattr(cls, name, globals()[name])
    return True


def awritestr(self, buf, off=0, sz=-1):
    """awrite() by its Pycopy name (it takes str as well as bytes)."""
    return self.awrite(buf, off, sz)


@coroutine
def readline(self, limit=1024):
    """For handlers: a line with its b"\n", b"" at EOF."""
    while True:
        l = self.line(limit, 431)
        if l is not None:
            return l
        if not (yield from self._fill()):
            l = self.buf[self.pos :]
            self.pos = len(self.buf)
            return l


@coroutine
def readexactly(self, n):
    """Exactly n body bytes (EOFError if the client ends first)."""
    b = b""
    while len(b) < n:
        d = yield from self.read(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b


@coroutine
def readinto(self, buf):
    """Reads body bytes into buf; returns how many."""
    d = yield from self.read(len(buf))
    buf[: len(d)] = d
    return len(d)


def add_headers(self, lines):
    """Header lines ("Name: value\\r\\n"...) for the next response's head, whatever its handler
    sends (as picoweb.cors adds its headers from a before_request hook)."""
    if lines:
        if type(lines) is str:
            lines = lines.encode()
        self.extra = self.extra + lines if self.extra else lines


def upgrade(self, head, status="101"):
    """Sends head (a whole response head) now and hands the connection to the handler, which
    speaks another protocol on it (as picoweb.websocket does): its reads are no longer
    bounded by a request body, and it is closed when the handler returns."""
    self.status = status
    self.keep = False
    self.left = None
    self._raw(head)
    return self.drain()


def write_block(self, ba, last=False):
    """Writes ba[ROOM:] (picoweb.block.ROOM: 6), a body piece gathered in bytearray ba, which the
    caller empties (ba[ROOM:] = b"") and reuses once drain() returned: for a large body made piece
    by piece (render_template). On MicroPython and Pycopy nothing is copied: a chunk is framed in
    place, its size line in ba[:ROOM] and its CRLF appended (ba needs room for 2 more bytes).
    last: the body's last piece; if it is also its first, the response goes out whole, with its
    Content-Length."""
    from .block import write_block

    return write_block(self, ba, last)


@coroutine
def awriteiter(self, iterable):
    """Writes each piece (str or bytes) of iterable to the response, as it comes."""
    for buf in iterable:
        yield from self.awrite(buf)


@coroutine
def aclose(self):
    """Ends the response (what is pending goes out first) and closes the connection; the
    framework does it after the response otherwise."""
    self.keep = False
    try:
        if self.end():
            yield from self.drain()
    except Exception:
        pass  # the client is gone: closing is all that is left
    self.w.close()
    try:
        yield from self.w.wait_closed()
    except OSError:
        pass


def get_extra_info(self, name):
    """The transport's extra information, e.g. "peername"."""
    w = self.w
    if hasattr(w, "get_extra_info"):
        return w.get_extra_info(name)
    return w.addr if name == "peername" else None  # MicroPython's stream (compat.py) keeps that only
