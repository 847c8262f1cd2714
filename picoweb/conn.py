# One client connection: handlers get it as both `req.reader` and `resp`. It reads the request
# body (buffered: MicroPython's readline costs a syscall per byte; bounded by the framing the
# server found in the head) and writes the response (framed with Content-Length, chunked, or
# the connection's end, so that connections can be kept alive).
#
# Its state is written by its own methods and by the serve loop (http.py), which owns the
# connection's life; extensions use its methods (add_headers(), upgrade()).
#
# The builtins its methods use on every request are names of the module too (_len, _type,
# _bytes, _getattr): a builtin is looked for in the module's table first, then among some 80
# others, some 300 machine instructions a use more than a name of the module. The module's
# names are 22 in a table of 23 slots: a full one (17 names in 17) is looked through to its
# end for every name it lacks (3% more instructions per request, bench/instructions.py).
from .compat import DONE, coroutine, ticks_add, ticks_ms
from .status import HTTPError, status_line

_len = len
_type = type
_bytes = bytes
_getattr = getattr


# The status, content type and head bytes of the last plain start(), on any connection: the
# client's next request, or the next client, reuses the head's bytes.
_cs = _cc = _ch = None


class Connection:
    """The connection: reading the request body, writing the response."""

    # What most connections never change is read from the class; a connection that does gets an
    # attribute of its own. On MicroPython an object's attributes and a class's names are hash
    # tables, looked through from a name's slot to the first free one by every method call, and
    # an object's grows (a new block, the old one freed) as attributes are added: a connection's
    # 19 attributes sit in 23 slots, its class's 23 names in 23 (were 25 in 29: 48 bytes more).
    # Seldom-used methods live in conn_more.py, module functions in the module's own table.
    rto = 10000  # ms a handler's single read or write may wait
    bufsize = 512  # bytes asked of the socket per read
    rb = None
    #   extra     header lines for the next response head only (add_headers())
    #   chunks    a chunked body: 1 before its first chunk, 2 after it; 0 none
    #   expect    the client expects "100 Continue" before it sends the body
    extra = None
    chunks = 0
    expect = False

    def __init__(self, reader, writer, bufsize, rb=None, buf=b""):
        self.r = reader
        self.w = writer
        if bufsize != self.bufsize:
            self.bufsize = bufsize
        self.buf = buf  # read but not yet consumed
        self.pos = 0
        # MicroPython: the server's one read buffer (a memoryview), shared by all its
        # connections, so that a read needs a block of the size that came rather than one of
        # bufsize: a fragmented heap, after a flood, has the one but not the other.
        if rb is not None:
            self.rb = rb
        # Every attribute a request sets, set now: the attribute table is allocated once at its
        # full size, instead of growing (a new, larger block) in the middle of a request.
        #   deadline  ticks after which the watchdog cancels this connection
        #   since     ticks since it has been reading a request head (None: it is not)
        #   left      body bytes the handler may still read: None unknown; with a chunked body,
        #             those of the current chunk, or -1 when the next chunk's size line is due
        #   hosts     the Host fields of the request head (one is due)
        #   hdr       header block not yet sent (bytes, without its framing headers)
        #   held      the first body piece, waiting with the headers
        #   length    body length given to start(); -1: the handler's headers frame it
        #   nobody    HEAD: headers only;  sent: bytes went to the socket, too late for an error
        #   keep      the client may send another request
        #   http10    the request is HTTP/1.0 (set as its line is read): no chunked encoding for it
        self.deadline = self.since = self.task = self.left = self.status = self.hdr = self.held = None
        self.length = None
        self.hosts = 0
        self.keep = self.http10 = self.nobody = self.sent = self.chunked = False

    # ---- reading ----

    @coroutine
    def _fill(self, keep=None):
        # One read from the socket; False on EOF. Outside the request head (whose
        # deadline the server set) each read gets a deadline of its own. The buffer keeps what
        # is unread, or from keep on (the request head's lines: the server reads req.headers
        # from them).
        rb = self.rb
        if rb is None:
            op = self.r.read(self.bufsize)
            d = yield from (op if self.deadline is not None else _bounded(self, op))
        else:
            # MicroPython, Pycopy: what has come already is taken at once; only an empty socket
            # is waited for (each wait costs the poller an entry, and the loop a round: some
            # 20,000 machine instructions of asyncio's, against a read that finds nothing)
            n = self.r.s.readinto(rb)
            if n is None:
                op = self.r.readinto(rb)
                n = yield from (op if self.deadline is not None else _bounded(self, op))
            d = _bytes(rb[:n]) if n else b""  # copied before any other task can read into rb
        if not d:
            return False
        if keep is None:
            keep = self.pos
        if keep < _len(self.buf):
            self.buf = self.buf[keep:] + d
            self.pos -= keep
        else:
            self.buf = d
            self.pos = 0
        return True

    def eol(self, limit, status):
        """The index of the b"\n" that ends the buffered line at pos, or -1 if more must be read
        first; HTTPError(status) when the line is longer than limit. (The head parser works on
        the buffer by index: nothing is allocated for a line it does not keep.)"""
        buf = self.buf
        pos = self.pos
        i = buf.find(b"\n", pos)
        if i < 0:
            if _len(buf) - pos > limit:
                raise HTTPError(status)
            return -1
        if i - pos >= limit:
            raise HTTPError(status)
        return i

    def line(self, limit, status):
        """A complete buffered line (with its b"\n"), or None if more must be read first;
        HTTPError(status) when it is longer than limit.
        """
        i = self.eol(limit, status)
        if i < 0:
            return None
        pos = self.pos
        self.pos = i + 1
        return self.buf[pos : i + 1]

    @coroutine
    def read(self, n=-1):
        """Up to n bytes of the body (b"" at its end). n < 0: the whole body, read to its end
        (its Content-Length, its last chunk, or EOF when its length is unknown); HTTPError(400)
        if the client ends it early: a handler never gets part of a body as the whole."""
        if n < 0:
            left = self.left
            if left and not self.chunks:  # its length is known
                p = self.pos
                if _len(self.buf) - p >= left:  # all of it came with the head: one slice
                    self.pos = p + left
                    self.left = 0
                    return self.buf[p : p + left]
                b = bytearray(left)  # one block for it, filled in place
                m = memoryview(b)
                i = 0
                while i < _len(b):
                    d = yield from self.read(_len(b) - i)
                    if not d:
                        raise HTTPError(400)  # the client ended it early
                    m[i : i + _len(d)] = d
                    i += _len(d)
                return _bytes(b)
            parts = []
            while True:
                d = yield from self.read(self.bufsize)
                if not d:
                    break
                parts.append(d)
            if self.left:  # bytes of it still due (or the next chunk, -1): the client went
                raise HTTPError(400)
            return parts[0] if _len(parts) == 1 else b"".join(parts)
        left = self.left
        if left == -1:  # the next chunk's size line is due
            from .chunked import next_chunk  # only requests with a chunked body need it

            left = self.left = yield from next_chunk(self, self.chunks == 2)
            self.budget -= left
            if self.budget < 0:
                raise HTTPError(413)  # the chunks add up to more than the route's max_body
            self.chunks = 2 if left else 0
        if left is not None and (n < 0 or n > left):
            n = left
        if not n:
            return b""
        if self.pos >= _len(self.buf):
            self.buf = b""
            self.pos = 0
            if not (yield from self._fill()):
                return b""
        d = self.buf[self.pos : self.pos + n]
        self.pos += _len(d)
        if left is not None:
            left -= _len(d)
            self.left = -1 if not left and self.chunks else left  # chunked: the next size line is due
        return d

    # ---- writing ----

    def begin(self, head, keep):
        """A new request: head is True for HEAD, keep if the client allows keep-alive. (Its
        version, self.http10, is set as its line is read.)"""
        self.nobody = head
        self.keep = keep
        self.status = self.hdr = self.held = None
        self.sent = False  # (extra: every request's head takes it, or its connection ends)

    def start(self, status="200", content_type="text/html; charset=utf-8", headers=None, length=None):
        """Prepare the status line and headers; they are sent with the body. Returns an
        awaitable that is done (start_response()'s)."""
        global _cs, _cc, _ch
        self.status = status
        self.length = length
        self.held = None
        self.chunked = False
        if not headers:
            # The same plain head as last time: reuse its bytes.
            if status is _cs and content_type is _cc:
                self.hdr = _ch
                return DONE
        h = "HTTP/1.1 %s\r\nContent-Type: %s\r\n" % (status_line(status), content_type)
        if headers:
            h += header_lines(headers)
            if length is None and "content-length:" in h.lower():
                self.length = -1  # the handler frames the body itself
            self.hdr = h.encode()
        else:
            self.hdr = _ch = h.encode()
            _cs = status
            _cc = content_type
        return DONE

    def _head(self, n, b=b""):
        # The header block, finished with the framing of a body of n bytes (None: unknown),
        # and b, the body's first piece (framed as a chunk when the body is chunked), after it:
        # formatted as one block, so that a response is one allocation and one send.
        h = self.hdr
        x = self.extra or b""
        if self.length is not None:
            n = self.length
        if n is None:
            if self.nobody:
                pass  # HEAD: no body follows, so no framing is needed
            elif not self.http10:
                # chunked, even where the connection closes after it: a body the close alone
                # ended could not be told from one an error cut short
                self.chunked = True
            else:
                self.keep = False  # HTTP/1.0: the end of the connection ends the body
        e = b"Connection: close\r\n\r\n" if not self.keep else (
            b"Connection: keep-alive\r\n\r\n" if self.http10 else b"\r\n")  # HTTP/1.0 asked for it
        try:
            if n is not None and n >= 0:
                # (formatted, not joined: a join takes 4% fewer instructions per hello request, but
                # at the heap's end its pieces fail the notes example more often: at 18.5 KiB 2
                # runs in 24 passed with it, 13 in 32 without); without the extra lines' empty
                # piece when there are none: 1.3% fewer (bench/instructions.py)
                h = b"%sContent-Length: %d\r\n%s%s" % (h, n, e, b) if not x else (
                    b"%s%sContent-Length: %d\r\n%s%s" % (h, x, n, e, b))
            elif not self.chunked:
                h = b"%s%s%s%s" % (h, x, e, b)
            elif b:
                h = b"%s%sTransfer-Encoding: chunked\r\n%s%x\r\n%s\r\n" % (h, x, e, _len(b), b)
            else:
                h = b"%s%sTransfer-Encoding: chunked\r\n%s" % (h, x, e)
        except MemoryError:
            if b:
                raise  # the caller tries without b
            # No block for the head (other connections hold the heap): its pieces written one
            # by one, as they are (more writes, and nothing allocated but the length's digits)
            self.sent = True
            w = self.w
            w.write(h)
            if x:
                w.write(x)
            if n is not None and n >= 0:
                w.write(b"Content-Length: %d\r\n" % n)
            elif self.chunked:
                w.write(b"Transfer-Encoding: chunked\r\n")
            w.write(e)
            h = b""
        self.hdr = None  # once formatted: on a MemoryError, the caller tries without b
        if x:
            self.extra = None
        return h

    def _send(self, n, b):
        # The head (if it is due; n: the body's length, as _head() takes it) and body piece b,
        # framed; a small piece in the head's block, a large one (or one the heap has no block
        # for together with the head) written on its own; a head the heap has no block for, in
        # its pieces (_head). Nothing counts as sent before a write.
        blk = h = None
        # (a buffer, as sendstream() writes, is copied twice into a block: only a short one is)
        t = _type(b) is _bytes
        if _len(b) <= (1024 if t else 256) and (self.hdr is not None or self.chunked):
            try:
                if not t:
                    b = _bytes(b)  # %s formats only bytes as their content
                blk = self._head(n, b) if self.hdr is not None else b"%x\r\n%s\r\n" % (_len(b), b)
            except MemoryError:
                pass  # written piece by piece below
        if blk is None and self.hdr is not None:
            h = self._head(n)
        self.sent = True
        try:
            if blk is not None:
                self.w.write(blk)
                return
            if h is not None:
                self.w.write(h)
            if self.chunked:
                self.w.write(b"%x\r\n" % _len(b))
                self.w.write(b)
                self.w.write(b"\r\n")
            else:
                self.w.write(b)
        except Exception:
            _broken(self)
            raise

    def write(self, buf):
        """Queue body bytes; drain() waits until the socket took them."""
        # (True: they wait with the head, nothing was written: awrite() has nothing to drain)
        if _type(buf) is str:
            buf = buf.encode()
        if not buf or self.nobody and self.status is not None:
            return
        if self.hdr is None:
            if self.status is None:
                self.status = self.keep = 0  # a raw response written by the handler: close after it
            self._send(None, buf)
        elif self.length is None and self.held is None:
            # The first piece waits for the next one or for the handler's end: a response
            # written in one piece then goes out in one send, with its Content-Length.
            self.held = buf if _type(buf) is _bytes else _bytes(buf)
            return True
        else:
            held = self.held
            if held is not None:
                self.held = None
                self._send(None, held)
            self._send(None, buf)

    def end(self):
        """The handler returned: queue what is pending and the end of the body.
        True if there is something to drain.
        """
        if self.hdr is not None:
            held = self.held
            if held is not None:
                self.held = None
                self._send(_len(held), held)
            else:
                self._raw(self._head(None if self.nobody else 0))
        elif self.chunked:
            self.chunked = False
            self._raw(b"0\r\n\r\n")
        else:
            return False
        return True

    def _raw(self, b):
        self.sent = True
        try:
            self.w.write(b)
        except Exception:
            _broken(self)
            raise

    def drain(self):
        """Waits (an awaitable) until the socket took what was written; a client that stops
        reading is cut off after rto. MicroPython's stream has often sent it all already: then
        there is nothing to wait for, and nothing is allocated.
        """
        w = self.w
        b = _getattr(w, "out_buf", None)
        if b is None:  # CPython's StreamWriter: what its transport holds (a closing one raises)
            t = _getattr(w, "transport", None)
            b = t is None or t.get_write_buffer_size() or t.is_closing()
        return _bounded(self, w.drain()) if b else DONE

    def awrite(self, buf, off=0, sz=-1):
        """Writes buf (str or bytes; or buf[off:off+sz]) to the response and waits (an awaitable)
        until the socket took it."""
        if off or sz >= 0:
            if _type(buf) is str:
                buf = buf.encode()
            buf = memoryview(buf)[off : off + sz if sz >= 0 else _len(buf)]
        return DONE if self.write(buf) else self.drain()

    def __getattr__(self, name):
        # The methods handlers seldom call (conn_more.py), each attached to the class on its
        # first use: until then they take no heap.
        from . import conn_more

        if conn_more.attach(Connection, name):
            return _getattr(self, name)
        raise AttributeError(name)


def _broken(c):
    # A write failed (out of heap, say): what went out is not a whole response, and nothing
    # more may follow on this connection. It is closed once the handler is done.
    c.keep = False
    c.chunked = False
    c.sent = True


@coroutine
def _bounded(c, op):
    # Runs one read or write of c's stream under a deadline of its own (rto), unless the
    # server has set one for the whole request head.
    t = c.deadline is None
    if t and c.rto is not None:  # (None: no limit, as a WebSocket waiting for its next frame)
        c.deadline = ticks_add(ticks_ms(), c.rto)
    r = yield from op
    if t:
        c.deadline = None
    return r


def header_lines(headers):
    """Header lines as text: from a dict, or preformatted ("Name: value\\r\\n"..., str or bytes)."""
    if isinstance(headers, str):
        return headers
    if isinstance(headers, bytes):
        return headers.decode()
    h = ""
    for k in headers:
        h += "%s: %s\r\n" % (k, headers[k])
    return h


# Whole responses, used by the framework and by apps.


def send(writer, body, status="200", content_type="text/html; charset=utf-8", headers=None):
    """A whole response whose length is known, so the connection can be kept alive (an awaitable)."""
    if _type(body) is str:
        body = body.encode()
    writer.start(status, content_type, headers, _len(body))
    writer.write(body)
    return writer.drain()


def http_error(writer, status, headers=None):
    """Sends an error response: the status with its reason phrase, as text (an awaitable, as
    send()'s: no generator of its own)."""
    return send(writer, status_line(status) + "\r\n", status, "text/plain", headers)


@coroutine
def sendstream(writer, f):
    """Copies the open file f to the response through one buffer: on MicroPython and Pycopy the
    connections' shared read buffer (what a write does not send at once it copies, so the buffer
    is free again when the write returns, and no task runs between a read into it and the write);
    elsewhere 512 bytes (128 when the heap has no block that large)."""
    buf = _getattr(writer, "rb", None)
    if buf is None:
        try:
            buf = bytearray(512)
        except MemoryError:
            buf = bytearray(128)
    while True:
        n = f.readinto(buf)
        if not n:
            break
        yield from (writer.awrite(buf) if n == _len(buf) else writer.awrite(buf, 0, n))  # no slice of a full one
