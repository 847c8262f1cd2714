# What the server does when a request goes wrong: a head that breaks the rules answered with its
# status, a handler's exception logged and answered, and the linger before such a connection
# closes. http.py imports it at the first error: an app whose requests all go well never loads
# it (from .mpy, its bytecode would be heap). What runs at the heap's end (the out-of-heap retry,
# the constant 500) stays in http.py: an import there may find no heap.
from .compat import coroutine, result, ticks_add, ticks_ms
from .conn import http_error
from .status import FAILED, HTTPError, status_line


@coroutine
def bad_head(server, c, e, first):
    # The request's head broke a rule (e: the HTTPError with its status): answered, then closed.
    # first: its request line, for the log line (None where the server does not log).
    c.deadline = None
    c.begin(False, False)
    if server.debug >= 0:  # one line per bad request: its status line and request line
        server.log.info("%s %r", status_line(e.args[0]), first[:60] if first else "-")
    yield from http_error(c, *e.args)
    yield from linger(c)


@coroutine
def failed(server, app, c, req, e):
    # The handler (or a hook) raised e: an HTTPError answers with its status (a chunked body
    # beyond max_body: 413); any other exception is logged and answered by app.handle_exc() (500
    # by default), unless the client went away. The connection closes after it.
    if isinstance(e, HTTPError):
        if not c.sent:
            c.keep = False  # the rest of the body is not read
            yield from http_error(c, *e.args)
    else:
        if gone(e):
            return
        log_exc(server, e, "%s %s" % (req.method, req.path))
        try:
            sent = c.sent
            yield from result(app.handle_exc(req, c, e))
            if not sent:  # the error page it wrote may wait for its end; a response that had
                c.end()  # begun is cut off, never ended as if whole
        except Exception:  # e.g. no heap left for the error page: the constant one
            if not c.sent:
                c._raw(FAILED)
    yield from linger(c)


@coroutine
def linger(c):
    # Before closing after an error: drop what the client still sends (a few reads, for half a
    # second at most), as closing with unread data resets the connection, and the answer with it
    # (RFC 9112 9.6).
    try:
        yield from c.drain()
        c.deadline = ticks_add(ticks_ms(), 500)
        c.buf = b""
        c.pos = 0
        rb = c.rb
        for _ in range(8):  # into the shared read buffer, where there is one: nothing allocated
            if not ((yield from c.r.readinto(rb)) if rb is not None else (yield from c.r.read(512))):
                break
    except Exception:
        pass
    c.deadline = None


def gone(e):
    """Whether e says the client went away (reset, broken pipe): nothing to answer, nor to log."""
    return isinstance(e, OSError) and e.args and e.args[0] in (32, 103, 104, 107, 128)


def log_exc(server, e, msg):
    """Logs e with msg and its traceback (unless the server does not log, or the client went away)."""
    if server.debug < 0 or gone(e):
        return
    try:
        log = server.log
        if hasattr(log, "exc"):
            log.exc(e, msg)
        else:
            log.exception(msg)
    except Exception:
        pass
