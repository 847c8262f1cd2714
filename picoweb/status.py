# HTTP statuses: HTTPError, which answers a request with a status, and the status line of a
# response. The reason phrases beyond 200 and 500 are in reasons.py, loaded on first use.

# Whole answers, sent as they are when there is no heap to make one: to a connection there is
# no room or no heap for, and to a request whose handler (and its error page) ran out of heap.
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 25\r\n"
        b"Retry-After: 1\r\nConnection: close\r\n\r\n503 Service Unavailable\r\n")
FAILED = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 27\r\n"
          b"Connection: close\r\n\r\n500 Internal Server Error\r\n")
# MicroPython: the free heap below which a newcomer is admitted only in a slow client's place
# (admit.py); twice that where other connections are open, as each may be at its peak (a page
# being rendered takes more than RESERVE). A connection needs about that much to be served; and
# MicroPython's poller crashes when registering a socket runs out of heap (extmod/modselect.c:
# "This case is not handled"), so connections must never leave the heap quite empty. (With no
# other connection open, a newcomer is let in below it all the same: waiting would free nothing.)
RESERVE = 2048


def refuse(sock, rb, close=True):
    """MicroPython: BUSY (503) straight on the socket sock, and what the client sent so far read
    into the shared buffer rb (closing with unread data resets the connection, the 503 with
    it); then closed, unless the caller closes it. Nothing is allocated."""
    if sock is None:
        return
    try:
        sock.send(BUSY)
        for _ in range(16):  # what has come of the request (the socket doesn't block)
            if rb is None or not sock.readinto(rb):
                break
    except Exception:
        pass
    if close:
        sock.close()


def shut(w):
    """A connection's socket closed, where closing its stream failed (no heap for it, say)."""
    s = getattr(w, "s", None)
    if s is not None:
        s.close()


class HTTPError(Exception):
    """Raised (by picoweb, or by a handler) to answer with the status args[0], with header lines
    args[1] if given, and close the connection."""


def status_line(status):
    """"404" or 404 -> "404 Not Found"; "404 Gone Fishing" is kept as given."""
    s = str(status)
    if s == "200":
        return "200 OK"
    if s == "500":  # sent when a handler ran out of heap: no module is imported for it then
        return "500 Internal Server Error"
    if " " in s:
        return s
    from .reasons import status_line

    return status_line(s)
