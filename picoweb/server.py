# Serving HTTP/1.1 connections: the part of WebApp that reads requests, runs their
# handlers and enforces the limits. WebApp (picoweb/__init__.py) inherits it.
import gc

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio  # Pycopy

from .conn import Connection, HTTPError, status_line, http_error, _co, ticks_ms, ticks_add, ticks_diff
from .request import HTTPRequest

_NOEXTRA = {}  # shared, never written: the extra of routes given without one


class Server:
    served = 0  # requests answered, and the ones whose handler raised (for picoweb.stats)
    errors = 0
    _freed = None  # set when a slot frees (picoweb.admit)

    async def _watchdog(self):
        # Cancels connections past their deadline: one timer for all, none per request. It must
        # outlive a heap that runs out, so its loop allocates nothing on MicroPython (no float,
        # no iterator) and a cancel() that fails is tried again on the next round.
        sleep = getattr(asyncio, "sleep_ms", None) or (lambda ms: asyncio.sleep(ms / 1000))
        conns = self._conns
        while True:
            await sleep(200)
            now = ticks_ms()
            i = len(conns)
            while i:
                i -= 1
                c = conns[i]
                d = c.deadline
                if d is not None and ticks_diff(now, d) > 0:
                    try:
                        c.task.cancel()
                        c.deadline = None
                    except MemoryError:
                        gc.collect()

    async def _listen(self, host, port):
        # MicroPython: asyncio's accept loop ends on a MemoryError, and the server with it.
        # This one drops that connection, collects, and goes on accepting, whichever step ran
        # out of heap (waiting, accepting, or setting the connection up).
        import socket
        from asyncio.core import _io_queue

        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(socket.getaddrinfo(host, port)[0][-1])
        s.listen(self.max_conns)
        s.setblocking(False)
        self._rb = memoryview(bytearray(self.bufsize))  # the connections' read buffer (Connection.rb)
        while True:
            s2 = None
            try:
                yield _io_queue.queue_read(s)  # wait until a connection arrives
                s2, addr = s.accept()
                s2.setblocking(False)
                st = asyncio.StreamReader(s2, {"peername": addr})
                asyncio.create_task(self._handle(st, st))
            except Exception as e:  # out of heap, or the client reset first: drop this one
                if s2 is not None:
                    s2.close()
                if isinstance(e, MemoryError):
                    gc.collect()
                    await asyncio.sleep_ms(10)  # let the other connections finish and free theirs

    async def _handle(self, reader, writer):
        # Serves one connection (a native coroutine: CPython only schedules those).
        taken = False
        try:
            if len(self._conns) < self.max_conns or await _admitted(self, reader, writer):
                c = Connection(reader, writer, self.bufsize)
                c.rb = self._rb
                c.rto = self.header_timeout
                try:
                    writer.s.setsockopt(6, 1, 1)  # TCP_NODELAY on MicroPython (CPython sets it)
                except Exception:
                    pass
                c.task = asyncio.current_task()
                self._conns.append(c)
                try:
                    taken = await self._serve_conn(c) is False  # a handler took it over
                finally:
                    self._conns.remove(c)
                    if self._waiting:
                        self._freed.set()
        except asyncio.CancelledError:
            pass  # the watchdog cut it off
        except Exception as e:
            if isinstance(e, MemoryError):
                gc.collect()
            if not _gone(e):
                self._log_exc(e, "connection")
        if not taken:
            try:
                writer.close()
                await writer.wait_closed()
            except Exception:  # e.g. no heap for wait_closed(): close the socket itself
                s = getattr(writer, "s", None)
                if s is not None:
                    s.close()

    @_co
    def _serve_conn(self, c):
        # The requests of one connection, in order; False if a handler took it over.
        # The head is parsed from the read buffer: a socket read only when a line is incomplete.
        # A head must be complete within header_timeout (the first) or idle_timeout (the next).
        # The limits and methods used per request, looked up once per connection: on MicroPython
        # each lookup on the app or the connection costs more than the work around it
        # (bench/profile_core.py: 13.2 -> 11.1 us per request).
        t = self.header_timeout
        idle = self.idle_timeout
        maxl = self.max_line
        maxh = self.max_headers
        maxb = self.max_body
        debug = self.debug
        target = self._target
        line = c.line
        begin = c.begin
        end = c.end
        l = b""
        while True:
            c.deadline = ticks_add(ticks_ms(), t)
            t = idle
            try:
                l = line(maxl, 414)
                while l is None or l == b"\r\n" or l == b"\n":  # RFC 9112: skip empty lines first
                    if l is None and not (yield from c._fill()):
                        return True
                    l = line(maxl, 414)
                req, app, found = target(c, l)
                if type(found) is tuple:
                    extra = found[1]
                    mode = extra.get("headers", app.headers_mode)
                else:
                    extra = _NOEXTRA
                    mode = "skip"  # 404 or 405: only the framing headers matter
                keep = req.proto == "HTTP/1.1"
                c.left = None
                if mode == "leave":
                    keep = False  # the handler reads the headers: their framing is unknown
                else:
                    h = {} if mode == "parse" else None
                    n = 0
                    while True:
                        l = line(maxl, 431)
                        while l is None:
                            if not (yield from c._fill()):
                                return True
                            l = line(maxl, 431)
                        if l == b"\r\n" or l == b"\n":
                            break
                        n += 1
                        if n > maxh:
                            raise HTTPError(431)
                        keep = _header(c, l, h, keep)
                    req.headers = h
                    if c.left is None:
                        c.left = 0
                    elif c.left > extra.get("max_body", maxb):
                        raise HTTPError(413)
                    if c.te:
                        keep = _framing(self, c, found, extra, keep)
            except HTTPError as e:
                c.deadline = None
                c.begin(False, False, False)
                yield from http_error(c, *e.args)
                if debug >= 0:
                    self.log.info("%s %s", status_line(e.args[0]), l[:60])
                return True
            c.deadline = None
            # someone waits for a slot: this response closes its connection to make room
            begin(req.method == "HEAD", keep and not self._waiting, req.proto == "HTTP/1.0")
            r = None
            if type(found) is not tuple:
                if found:
                    yield from http_error(c, "405", "Allow: %s\r\n" % found)
                else:
                    yield from http_error(c, "404")
            else:
                try:
                    r = found[0](req, c)
                    if r is not None and hasattr(r, "send"):
                        r = yield from r
                    if r is not False and end():
                        yield from c.drain()
                except Exception as e:
                    if isinstance(e, HTTPError):  # e.g. a chunked body beyond max_body: 413
                        if not c.sent:
                            c.keep = False  # the rest of the body is not read
                            yield from http_error(c, *e.args)
                        return True
                    self.errors += 1
                    if isinstance(e, MemoryError):
                        gc.collect()
                    if not _gone(e):
                        self._log_exc(e, "%s %s" % (req.method, req.path))
                        r = app.handle_exc(req, c, e)
                        if r is not None and hasattr(r, "send"):
                            yield from r
                    return True
            self.served += 1
            if debug >= 0:
                self.log.info('"%s %s" %s', req.method, req.path, c.status or "-")
                if debug > 1:
                    self.log.debug("heap: %d free, %d used", gc.mem_free(), gc.mem_alloc())
            if r is False:
                return False
            # Discard what the handler left of the body (at most max_body) to reach the next request.
            try:
                while c.keep and c.left:
                    if not (yield from c.read(self.bufsize)) and c.left:
                        return True  # the client left
            except HTTPError:
                return True  # a bad or too large chunked body: only closing is left
            if not c.keep:
                return True

    def _target(self, c, line):
        # Parses the request line; finds the (mounted) app and its route for the path.
        try:
            method, path, proto = line.decode().split()
        except ValueError:  # also UnicodeError
            raise HTTPError(400)
        if proto != "HTTP/1.1" and proto != "HTTP/1.0":
            raise HTTPError(505 if proto[:5] == "HTTP/" and proto[5:6].isdigit() else 400)
        if path[0] != "/":
            raise HTTPError(400)
        req = HTTPRequest()
        req.method = method
        req.proto = proto
        req.reader = c
        if "?" in path:
            path, _, req.qs = path.partition("?")
        app = self
        while app.mounts:
            for sub in app.mounts:
                r = sub.url
                if path.startswith(r) and path[len(r) : len(r) + 1] in ("/", ""):
                    app = sub
                    path = path[len(r) :] or "/"
                    break
            else:
                break
        req.path = path
        if not app.inited:
            app.init()
        return req, app, app._route(method, path, req)

    def _log_exc(self, e, msg):
        if self.debug < 0:
            return
        try:
            log = self.log
            if hasattr(log, "exc"):
                log.exc(e, msg)
            else:
                log.exception(msg)
        except Exception:
            pass


def _header(c, l, h, keep):
    # One header line: the framing ones are checked; all kept in h (bytes, as sent) unless None.
    k, sep, v = l.partition(b":")
    if not sep:
        raise HTTPError(400)
    v = v.strip()
    lk = k.lower() if k[0] in b"cCtTeE" else b""  # only framing headers need a closer look
    if lk == b"content-length":
        if not v.isdigit() or (c.left is not None and int(v) != c.left) or c.te & 1:
            raise HTTPError(400)  # also with a chunked body: a request smuggling attempt
        c.left = int(v)
    elif lk == b"connection":
        v = v.lower()
        if b"close" in v:
            keep = False
        elif b"keep-alive" in v:
            keep = True
    elif lk == b"transfer-encoding":
        if c.left is not None:
            raise HTTPError(400)  # also a Content-Length: a request smuggling attempt
        if v.lower() != b"chunked" or c.te & 1:
            raise HTTPError(501)  # no other transfer coding is supported
        c.te |= 1
    elif lk == b"expect":
        if v.lower() != b"100-continue":
            raise HTTPError(417)
        c.te |= 4
    if h is not None:
        h[k] = v
    return keep


async def _admitted(app, reader, writer):
    # Over max_conns: picoweb.admit decides (imported only when the server is that busy).
    from .admit import wait_for_slot

    return await wait_for_slot(app, reader, writer)


def _gone(e):
    # The client went away (reset, broken pipe): nothing to answer, nothing to log.
    return isinstance(e, OSError) and e.args and e.args[0] in (32, 103, 104, 107, 128)


def _framing(app, c, found, extra, keep):
    # The rare request heads: a chunked body, a client expecting 100-continue. (A function, not
    # a method: one more entry in the Server class's dict slowed every request by 3%,
    # bench/profile_core.py.)
    if c.te & 1:
        c.left = -1  # the first chunk's size line is due
        c.cap = extra.get("max_body", app.max_body)  # checked chunk by chunk
    if c.te & 4:
        c.te &= 3
        if type(found) is tuple:
            c.w.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # the client waits for it to send the body
        else:
            keep = False  # no route: the body may or may not follow, so don't read on
    return keep

