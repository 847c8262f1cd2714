# The HTTP/1.1 server: accepting connections, reading each request's head (the request line and
# the header fields: the parser), enforcing the limits and timeouts, calling the handler that
# resolve() finds, and keeping the connection alive between requests. It owns the connections'
# life; WebApp (picoweb/__init__.py) inherits it and supplies the routing.
import gc

# What is used once per connection or less goes through compat. and status. (the heap's-end
# answers), and what a failed request needs is errors.py's: this module's 21 names take a
# 23-slot table, not 37 (a board's heap, and a builtin's lookup, which looks through the slots
# first, shorter).
from . import compat, status
from .compat import ticks_ms
from .conn import Connection, http_error
from .request import HTTPRequest, add_lines, field_value

NO_EXTRA = {}  # shared, never written: the extra of routes given without one



class Server:
    """Serves HTTP/1.1 connections. A subclass supplies resolve(req): where a request goes."""

    # Limits; the defaults fit an ESP8266. Set them on the serving app or a subclass.
    # connections served at once (None: 8, or one per 4 KiB free heap when the server starts if
    # that is fewer, at least 1); further ones wait for a slot (as many again, at least 5: a
    # browser's parallel connections; up to header_timeout), then 503
    max_conns = None
    max_line = 512  # request line (414 beyond) and each header line (431 beyond)
    max_headers = 24  # 431 beyond
    max_body = 4096  # bytes; a larger Content-Length gets 413 (a route may set max_body=)
    header_timeout = 10000  # ms to receive the first request's line and headers
    idle_timeout = 5000  # ms a kept-alive connection may take for its next request's head
    bufsize = 512  # bytes asked of the socket per read
    headers_mode = "parse"
    debug = 0
    log = None
    served = 0  # requests answered, and the ones whose handler raised (for picoweb.stats)
    errors = 0
    hooked = False  # some app's before_request or after_request hooks run (WebApp)
    error_handlers = None  # {"404" or an exception class: handler} (WebApp.errorhandler)
    # The largest heap (bytes) whose free space the listener watches: counting it scans the heap
    # (about 0.2 ms per MiB), and a larger one holds max_conns connections. It is counted again
    # once as many connections are open as it had room for at 2 RESERVEs each (_listen).
    watched_heap = 256 * 1024
    # The largest heap (bytes) collected whenever the server goes idle (no connection left): an
    # ESP8266's, whose few KiB free must stay in one piece. A collection scans the heap: on an
    # ESP32's (112 KiB) one per connection cut the Connection: close rate by a third.
    # _tidy: the heap is one of those (set by _listen).
    tidy_heap = 64 * 1024
    _tidy = False

    def __init__(self):
        self._conns = []
        self._rb = None  # MicroPython: the read buffer all connections share (set by _listen)
        self.admission = None  # picoweb.admit's state, once the server has been over max_conns
        self._retry = None  # the connection waiting to run a GET again, out of heap (_serve_conn)

    # ---- what a subclass supplies ----

    def resolve(self, req):
        """Where req goes: (app, found), found being a route (pattern, handler[, extra]), a string of
        the allowed methods when only other methods have one (405), None (404). Sets req.path
        as the app sees it and req.params/url_match. Here: nowhere."""
        return self, None

    def handle_exc(self, req, resp, e):
        """A handler raised e; override to answer differently (or add an error handler for e's
        class: WebApp.errorhandler). resp may hold content already."""
        for k in self.error_handlers or ():
            if not isinstance(k, str) and isinstance(e, k):
                return (yield from compat.result(self.error_handlers[k](req, resp, e)))
        if not resp.sent:
            yield from http_error(resp, "500")

    def answer_error(self, req, resp, status, allowed=None):
        """Answers a request no route takes: 404, or 405 with the allowed methods; with the
        error handler for that status if there is one."""
        h = self.error_handlers and self.error_handlers.get(status)
        if h:
            return compat.result(h(req, resp, status))
        return http_error(resp, status, "Allow: %s\r\n" % allowed if allowed else None)

    # ---- serving ----

    def serve(self, loop, host, port):
        """Serves on host:port until interrupted; override to e.g. catch errors of the server
        socket. The socket is bound first: OSError (a busy port, say) before anything runs."""
        if self.max_conns is None:  # as many as the free heap holds at 4 KiB each, 1 to 8 (8 where
            # it can't be known): where it holds one only, the others wait for its end (admit.py)
            self.max_conns = 8
            if hasattr(gc, "mem_free"):
                gc.collect()
                self.max_conns = max(1, min(8, gc.mem_free() // 4096))
        if compat.LISTENER:  # MicroPython, Pycopy: picoweb's own listener
            socket = compat.need("socket")
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(socket.getaddrinfo(host, port)[0][-1])
            s.listen(64)  # a flood waits there to be answered (served, or 503)
            s.setblocking(False)
            loop.create_task(self._listen(s))
            s = None
        else:  # CPython: asyncio's server, a task per connection
            from .admit import serve_stream

            s = loop.run_until_complete(compat.asyncio.start_server(
                lambda r, w: serve_stream(self, r, w), host, port, backlog=self.max_conns))
        loop.create_task(self._watchdog())
        compat.run_forever(loop, s)

    async def _watchdog(self):
        # Cancels connections past their deadline: one timer for all, none per request. It must
        # outlive a heap that runs out, so its loop allocates nothing on MicroPython (no float,
        # no iterator) and a cancel() that fails is tried again on the next round.
        conns = self._conns
        while True:
            await compat.sleep_ms(200)
            now = ticks_ms()
            i = len(conns)
            while i:
                i -= 1
                c = conns[i]
                d = c.deadline
                if d is not None and compat.ticks_diff(now, d) > 0:
                    try:
                        compat.cancel(c.task)
                        c.deadline = None
                    except MemoryError:
                        gc.collect()
            c = None  # this frame lives as long as the server: it keeps no connection that ended

    async def _listen(self, s):
        # MicroPython: asyncio's accept loop ends on a MemoryError, and the server with it.
        # This one answers that connection 503 straight on its socket (a constant: nothing is
        # allocated for it), collects, and goes on accepting, whichever step ran out of heap
        # (waiting, accepting, or setting the connection up).
        # The connections' read buffer (Connection.rb), before the first connection: bufsize, or
        # a 32nd of the free heap where that is less (a board whose app left little for its
        # connections: each read takes less, a long head more reads)
        gc.collect()
        n = min(self.bufsize, max(128, gc.mem_free() // 32))
        while self._rb is None:
            try:
                self._rb = memoryview(bytearray(n))
            except MemoryError:  # a smaller one (more reads) where the heap has no block that large
                if n > 64:
                    n //= 2
                else:  # (no answer at all until then: waiting for it stalled every client)
                    gc.collect()
                    await compat.sleep_ms(100)
        heap = gc.mem_free() + gc.mem_alloc()
        watch = heap <= self.watched_heap  # a board's heap
        self._tidy = heap <= self.tidy_heap
        # The free heap is counted again when as many connections are open (or waiting for a
        # slot) as it had room for at the last count, at 2 RESERVEs each, or a second after it:
        # a count scans the heap (at an ESP8266's 38 KiB, some 100,000 machine instructions; at
        # 128 KiB, 330,000), which one connection after another does not need.
        room = counted = 0
        while True:
            s2 = None
            try:
                yield compat.queue_read(s)  # wait until a connection arrives
                s2, addr = s.accept()
                s2.setblocking(False)
                first = None
                low = False
                if watch:  # a board's heap: is it nearly full?
                    n = len(self._conns) + (self.admission.waiting if self.admission else 0)
                    if n >= room or compat.ticks_diff(ticks_ms(), counted) > 1000:
                        free = gc.mem_free()
                        need = 2 * status.RESERVE if self._conns else status.RESERVE  # (status.py)
                        if free < need:
                            gc.collect()  # only garbage, maybe
                            free = gc.mem_free()
                            low = free < need
                        room = n + free // (2 * status.RESERVE)
                        counted = ticks_ms()
                if low or len(self._conns) >= self.max_conns:
                    from .admit import door  # no slot, or (nearly) no heap: admit.py decides

                    first = await door(self, s2)
                    if first is None:
                        continue
                self._open(s2, addr, first)
            except Exception as e:  # out of heap, or the client reset first
                if s2 is not None:
                    status.refuse(s2, self._rb)
                if isinstance(e, MemoryError):
                    gc.collect()
                    await compat.sleep_ms(10)  # let the other connections finish and free theirs

    def _open(self, sock, addr, first):
        # A connection the listener accepted: its stream, its Connection and its task (over
        # max_conns, a task that waits for a slot). A function of its own, not inline in the
        # listener: a generator keeps what its expressions pushed on its value stack until
        # deeper ones overwrite it, and the listener's kept the last connection (its objects,
        # its task and its frame: some 700 bytes on a 32-bit board) alive after its end.
        st = compat.stream(sock, addr)
        if len(self._conns) >= self.max_conns:  # let in to wait for a slot
            from .admit import serve_stream

            compat.create_task(serve_stream(self, st, st, first))
        else:
            c = Connection(st, st, self.bufsize, self._rb, first or b"")
            c.task = compat.create_task(self._serve_conn(c))

    @compat.coroutine
    def _serve_conn(self, c):
        # A connection's task on MicroPython (the listener makes c), from its first request to its
        # close, unless a handler takes it over. One generator for all of it: a coroutine awaiting
        # another is two frames, some 190 bytes more per connection on a 32-bit board.
        # The head is parsed from the read buffer: a socket read only when a line is incomplete.
        # A head must be complete within header_timeout (the first) or idle_timeout (the next).
        # The limits, methods and functions used per request, looked up once per connection: on
        # MicroPython each lookup on the app, the connection or the module costs more than the
        # work around it (bench/profile_core.py: 13.2 -> 11.1 us per request).
        taken = False
        try:
            self._conns.append(c)  # (no heap for it: answered as any MemoryError here)
            try:
                c.w.s.setsockopt(6, 1, 1)  # TCP_NODELAY on MicroPython (CPython sets it)
            except Exception:
                pass
            new_request = _request
            fields = _fields
            now = ticks_ms
            later = compat.ticks_add
            t = self.header_timeout
            if c.rto != t:  # a handler's reads and writes
                c.rto = t
            idle = self.idle_timeout
            maxl = self.max_line
            maxh = self.max_headers
            maxb = self.max_body
            debug = self.debug
            hooked = self.hooked
            resolve = self.resolve
            eol = c.eol
            begin = c.begin
            end = c.end
            # builtins too: a name not in the module's table (a builtin) is looked for there
            # first, then among the builtins (bench/instructions.py: -3% when the table was full)
            _len = len
            _type = type
            _tuple = tuple
            _hasattr = hasattr
            first = req = found = extra = h = r = None
            while True:
                # Between requests the connection holds nothing of the last one: its request, headers
                # and what was read of it are garbage (an idle keep-alive connection costs its
                # objects only).
                first = req = found = extra = h = r = None
                if c.pos >= _len(c.buf):
                    c.buf = b""
                    c.pos = 0
                c.since = n = now()  # reading a head since: a newer connection may take its slot (admit.py)
                c.deadline = later(n, t)
                t = idle
                try:
                    # the request line; RFC 9112: empty lines before it are skipped. (Nothing
                    # buffered, as after most responses: straight to the read.)
                    e = eol(maxl, 414) if c.buf else -1
                    while True:
                        if e < 0:
                            if not (yield from c._fill()):
                                return
                        else:
                            p = c.pos
                            c.pos = e + 1
                            if e != p and (e != p + 1 or c.buf[p] != 13):
                                break
                        e = eol(maxl, 414)
                    if debug >= 0:
                        first = c.buf[p : e + 1]  # for the log line of a bad request
                    req = new_request(c, c.buf, p, e)
                    app, found = resolve(req)
                    if _type(found) is _tuple:
                        extra = found[2] if _len(found) > 2 else NO_EXTRA
                        mode = extra.get("headers", app.headers_mode)
                    else:
                        extra = NO_EXTRA
                        mode = "skip"  # 404 or 405: only the framing headers matter
                    keep = not c.http10
                    c.left = None
                    c.hosts = 0
                    if mode == "leave":
                        keep = False  # the handler reads the headers: their framing is unknown
                    else:
                        hs = c.pos  # the header lines start here: kept in the buffer for req.headers
                        c.keep = keep
                        n = 0
                        while True:  # what is buffered of them, then what a read brings
                            n = fields(c, n, maxl, maxh)
                            if n < 0:
                                break
                            if c.pos - hs > maxl:
                                # A long head: its lines leave the buffer, into req.headers at once,
                                # rather than the buffer growing (and copied) by each read to the
                                # head's whole size: a block a board's heap may not have.
                                if mode == "parse":
                                    if h is None:
                                        h = req.headers = {}
                                    add_lines(h, c.buf, hs, c.pos)
                                hs = c.pos
                            if not (yield from c._fill(hs)):
                                return
                            hs = 0
                        keep = c.keep
                        if mode == "parse":  # "skip": a route that has no req.headers (as in 1.8.2)
                            if h is None:
                                req._head = (c.buf, hs, c.pos)  # req.headers is made of them if it is used
                            else:
                                add_lines(h, c.buf, hs, c.pos)
                        if c.hosts != 1 and (c.hosts or not c.http10):
                            raise status.HTTPError(400)  # one Host, and HTTP/1.1 needs it (RFC 9112 3.2)
                        if c.left is None:
                            c.left = 0
                        elif c.left > extra.get("max_body", maxb):
                            raise status.HTTPError(413)
                        if c.chunks or c.expect:
                            keep = _framing(self, c, found, extra, keep)
                except status.HTTPError as e:  # a head that breaks a rule: answered, and closed
                    yield from _errors().bad_head(self, c, e, first)
                    return
                c.deadline = c.since = None
                # someone waits for a slot: this response closes its connection to make room
                keep = keep and not (self.admission and self.admission.waiting)
                begin(req.method == "HEAD", keep)
                r = None
                if _type(found) is not _tuple:
                    yield from app.answer_error(req, c, "405" if found else "404", found)
                    if end():  # HEAD: the head goes out now
                        yield from c.drain()
                else:
                    again = True  # a GET may run again once (below)
                    while True:
                        try:
                            if hooked and app.hooks:
                                for f in app.hooks[0]:
                                    yield from compat.result(f(req, c))
                                    if c.status is not None:  # a hook answered: the handler is skipped
                                        break
                            if c.status is None:
                                r = found[1](req, c)
                                if r is not None and _hasattr(r, "send"):  # compat.result(), inline: the hot path
                                    r = yield from r
                            if hooked and app.hooks:
                                for f in app.hooks[1]:
                                    yield from compat.result(f(req, c))
                            if c.status is None and r is not False:  # else the client would wait for it
                                raise ValueError("the handler sent no response")
                            if r is not False and end():
                                yield from c.drain()
                            break
                        except Exception as e:
                            r = None  # the handler's generator: on MicroPython it holds its locals until dropped
                            if isinstance(e, MemoryError):
                                gc.collect()
                                # Out of heap before any of the response went out, while another
                                # connection is in a request (whose end frees heap): a request that
                                # changes nothing runs again once a request has ended (up to 2 s),
                                # rather than get 500. One connection at a time waits so (others get
                                # 500 at once), so that none waits for another waiting one.
                                if (again and not c.sent and not c.left and self._retry is None
                                        and (req.method == "GET" or req.method == "HEAD")):
                                    again = False
                                    n = _len(self._conns)
                                    while n:  # another one in a request? (by index: an iterator needs heap)
                                        n -= 1
                                        h = self._conns[n]
                                        if h is not c and h.since is None:
                                            break
                                    else:
                                        n = -1
                                    h = None
                                    if n >= 0:
                                        n = self.served + self.errors
                                        self._retry = c
                                        try:
                                            for _ in range(100):
                                                yield from compat.sleep_ms(20)
                                                if self.served + self.errors != n:
                                                    break
                                        finally:
                                            self._retry = None
                                        gc.collect()
                                        if c.extra is not None:
                                            c.extra = None  # a hook's headers: the hooks run again
                                        begin(req.method == "HEAD", keep)
                                        continue
                            if not isinstance(e, status.HTTPError):
                                self.errors += 1  # (counted before the import, which may find no heap)
                            # answered (500, or the HTTPError's status), and closed
                            yield from _errors().failed(self, app, c, req, e)
                            return
                self.served += 1
                if debug >= 0:
                    self.log.info('"%s %s" %s', req.method, req.path, c.status or "-")
                    if debug > 1 and hasattr(gc, "mem_free"):  # CPython has no heap figures
                        self.log.debug("heap: %d free, %d used", gc.mem_free(), gc.mem_alloc())
                if r is False:
                    taken = True  # the handler took it over
                    return
                # Discard what the handler left of the body (at most max_body) to reach the next request.
                try:
                    while c.keep and c.left:
                        if not (yield from c.read(self.bufsize)) and c.left:
                            return  # the client left
                except status.HTTPError:
                    return  # a bad or too large chunked body: only closing is left
                if not c.keep:
                    return
        except compat.asyncio.CancelledError:
            pass  # the watchdog cut it off, or a newer connection took its slot (admit.py)
        except MemoryError:
            first = req = found = extra = h = r = None  # the request's objects go first (a long
            # head's, say)
            gc.collect()
            try:
                try:  # (not one except of a tuple: matching it allocates the tuple, with no heap left)
                    if c.since is not None or not c.sent:  # reading a head, or nothing of the answer went
                        c._raw(status.FAILED)
                        if c in self._conns:  # the watchdog ends the linger in time
                            yield from _errors().linger(c)  # (no heap for it: closed at once)
                except Exception:
                    pass
            except compat.asyncio.CancelledError:
                pass
        except Exception as e:
            try:
                _errors().log_exc(self, e, "connection")
            except Exception:  # no heap to log it
                pass
        finally:
            if c in self._conns:
                self._conns.remove(c)
            if not taken:  # (inline: a generator of its own would be 96 bytes more per connection)
                try:
                    try:
                        c.w.close()
                        yield from c.w.wait_closed()
                    except Exception:  # no heap for wait_closed()
                        status.shut(c.w)
                except compat.asyncio.CancelledError:  # the server stops
                    status.shut(c.w)
            if self._tidy and not self._conns:
                # idle, on a small board's heap: the garbage goes now, not in some later request, so
                # the next one allocates from the bottom up and leaves the top free in one piece (a
                # body joined from its chunks needs a block of its whole size); this frame's
                # last request with it
                first = req = found = extra = h = r = None
                gc.collect()


# The head parser (RFC 9112): strict, as a parser that a proxy in front may read differently must
# be, and answering every bad head with a status. Module functions, not methods: one more entry
# in the Server class's dict slowed every request by 3% (bench/profile_core.py). (The module's
# names stay under 38: its dict then has 37 slots, not 67, 240 bytes less on a 32-bit board.)

# a method or field name is a token: the tchars of RFC 9110 5.6.2, the usual ones first (the
# engine tries each range in turn): A-Z, then ^ _ ` a-z, the digits, . # $ % & ' * + ! | ~ -
_bad_token = compat.span_search(b"[^A-Z^-z0-9.#-'*+!|~-]")
_bad_target = compat.span_search(b"[^\x21-\x7e]")  # a request target: visible ASCII, no space or control


def _errors():
    # errors.py, imported at the first failed request (through this function: an import in the
    # serve loop would take a slot of its frame, in every connection's heap)
    from . import errors

    return errors


def _request(c, buf, p, e):
    # The request line buf[p:e+1] (RFC 9112 3): method SP request-target SP HTTP-version,
    # exactly; the request, not yet routed. The target is in origin form ("/path?query").
    q = e - 1 if buf[e - 1] == 13 else e  # the line without its end
    a = buf.find(b" ", p, q)
    b = buf.find(b" ", a + 1, q) if a > p else -1
    if b < 0 or buf.find(b" ", b + 1, q) >= 0:
        raise status.HTTPError(400)
    v = b + 1
    if q - v == 8 and buf.startswith(b"HTTP/1.1", v):
        c.http10 = False
    elif q - v == 8 and buf.startswith(b"HTTP/1.0", v):
        c.http10 = True  # no chunked response for it; keep-alive only if it asks
    else:
        raise status.HTTPError(505 if buf.startswith(b"HTTP/", v) and q - v > 5 and 48 <= buf[v + 5] <= 57 else 400)
    if a - p == 3 and buf.startswith(b"GET", p):
        m = "GET"
    else:
        if _bad_token(buf, p, a):
            raise status.HTTPError(400)
        # MicroPython: a method whose name it knows (HEAD, POST: picoweb's code names them) is
        # that name, no str made (decode() looks its text up among the interned names first)
        m = buf[p:a].decode()
    if buf[a + 1] != 47 or _bad_target(buf, a + 1, b):  # "/"
        raise status.HTTPError(400)
    req = HTTPRequest()
    req.method = m
    req.reader = c
    path = buf[a + 1 : b].decode()  # a path that is a name MicroPython knows (a route's) costs no str
    if "?" in path:
        path, _, req.qs = path.partition("?")
    req.path = path
    return req


def _fields(c, n, maxl, maxh):
    # The header field lines buffered at c.pos (RFC 9112 5), n of them already read: each one
    # checked, the framing fields acted on (c.left, c.chunks, c.expect, c.hosts, c.keep); nothing
    # allocated for the others (req.headers is made of the lines if a handler uses it). Returns
    # the count so far when a line is incomplete (more must be read first), -1 once the empty line
    # that ends the head is read. A head that came in one read is parsed in one call.
    buf = c.buf
    p = p0 = c.pos
    crlf = 0  # lines ended by CRLF since p0: every other CR is a bare one
    while True:
        e = buf.find(b"\n", p)
        if e < 0 or e - p >= maxl or e == p or (e == p + 1 and buf[p] == 13):
            # No CR but the lines' terminators, no NUL (RFC 9110 5.5, RFC 9112 2.2): looked
            # for in the lines read since p0 at once, before any of them counts as read.
            if buf.count(b"\r", p0, p) != crlf or buf.find(b"\0", p0, p) >= 0:
                raise status.HTTPError(400)
            if e >= 0 and e - p < maxl:
                c.pos = e + 1
                return -1  # the empty line that ends the head
            c.pos = p
            if e >= 0 or len(buf) - p > maxl:
                raise status.HTTPError(431)
            return n
        n += 1
        if n > maxh:
            raise status.HTTPError(431)
        j = buf.find(b":", p, e)
        if j <= p:
            raise status.HTTPError(400)
        if buf[e - 1] == 13:
            q = e - 1  # the value ends before the line's end
            crlf += 1
        else:
            q = e
        if j - p == 4 and buf.startswith(b"Host", p):
            c.hosts += 1  # the field every request has, spelt as every client spells it: a token
        else:
            # a name is a token, with no whitespace before the colon; a line that starts with
            # whitespace continues the previous one (obs-fold): both 400 (5.1, 5.2), as a request
            # smuggling attempt. A usual name, spelt as clients spell it, is a token: a compare
            # (some 300 machine instructions each); any other name is checked character by
            # character (the engine takes some 1,000 a character: 10,000 for User-Agent).
            k = _NAMES[j - p] if j - p < 26 else None
            if k:
                for s in k[1]:  # the usual spelling it has, if any (Pycopy's startswith() takes no tuple)
                    if buf.startswith(s, p):
                        break
                else:
                    s = None
                if s is None and _bad_token(buf, p, j):
                    raise status.HTTPError(400)
                # only the framing fields need a closer look: names of their lengths and
                # initials; one spelt as clients spell it is the one of its length and initial
                # in the table, any other is compared in lower case (a copy)
                f = k[0]
                if f and f[0] == buf[p] | 32 and (s is not None or buf[p:j].lower() == f):
                    _framing_field(c, f, buf, j + 1, q)
            elif _bad_token(buf, p, j):
                raise status.HTTPError(400)
        p = e + 1


# Header names by length (the index, up to 25): the framing field of that length, which the
# server acts on, in lower case (None: none), and the names clients send most, as they spell them
# (browsers, curl, ab, Python's requests): those are tokens; None for the other lengths. A tuple
# of constants: frozen, it takes no heap (a dict took 160 bytes).
_NAMES = (
    None, None, None, None,
    (b"host", ()),  # 4 ("Host" itself is counted before)
    None,
    (b"expect", (b"Accept", b"Cookie", b"Origin")),  # 6
    (None, (b"Referer",)),
    (None, (b"Priority",)),
    None,
    (b"connection", (b"User-Agent", b"Connection")),  # 10
    None,
    (None, (b"Content-Type",)),  # 12
    (None, (b"Cache-Control", b"If-None-Match")),
    (b"content-length", (b"Sec-Fetch-Site", b"Sec-Fetch-Mode", b"Sec-Fetch-Dest", b"Sec-Fetch-User",
                         b"Content-Length")),
    (None, (b"Accept-Encoding", b"Accept-Language")),  # 15
    None,
    (b"transfer-encoding", ()),  # 17
    None, None, None, None, None, None, None,
    (None, (b"Upgrade-Insecure-Requests",)),  # 25
)


def _framing_field(c, k, buf, a, q):
    # A field the server acts on: k its name in lower case, buf[a:q] its value (with the
    # whitespace around it). The usual values of Connection are read in place: no copy.
    if k == b"host":
        c.hosts += 1
        return
    if k == b"connection":
        if buf[a] == 32:
            a += 1
        if q - a == 5 and buf.startswith(b"close", a):
            c.keep = False
        elif q - a == 10 and (buf.startswith(b"keep-alive", a) or buf.startswith(b"Keep-Alive", a)):
            c.keep = True
        else:  # any other value, or spelling: a lower-case copy
            v = field_value(buf, a, q).lower()
            if b"close" in v:
                c.keep = False
            elif b"keep-alive" in v:
                c.keep = True
        return
    v = field_value(buf, a, q)
    if k == b"content-length":
        if not v.isdigit() or (c.left is not None and int(v) != c.left) or c.chunks:
            raise status.HTTPError(400)  # also with a chunked body: a request smuggling attempt
        c.left = int(v)
    elif k == b"transfer-encoding":
        if c.left is not None:
            raise status.HTTPError(400)  # also a Content-Length: a request smuggling attempt
        if v.lower() != b"chunked" or c.chunks:
            raise status.HTTPError(501)  # no other transfer coding is supported
        c.chunks = 1
    elif k == b"expect":
        if v.lower() != b"100-continue":
            raise status.HTTPError(417)
        c.expect = True  # answered once the head is read (_framing)


def _framing(app, c, found, extra, keep):
    # The rare request heads: a chunked body, a client expecting 100-continue.
    if c.chunks:
        c.left = -1  # the first chunk's size line is due
        c.budget = extra.get("max_body", app.max_body)  # the chunks may add up to this (counted down)
    if c.expect:
        c.expect = False
        if type(found) is tuple:
            c.w.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # the client waits for it to send the body
        else:
            keep = False  # no route: the body may or may not follow, so don't read on
    return keep

