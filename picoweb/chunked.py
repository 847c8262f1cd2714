# Chunked request bodies (RFC 9112 section 7.1, "Transfer-Encoding" chunked): the connection's
# read() calls next_chunk() whenever a chunk is used up. Imported only when a client sends one.
# Heap: 800 bytes once imported (from .mpy, 64-bit unix port, `make bench`).
from .conn import HTTPError, _co


@_co
def _line(c):
    # The next line of the chunk framing; 400 if the client ends the body early.
    while True:
        l = c.line(256, 400)
        if l is not None:
            return l.strip()
        if not (yield from c._fill()):
            raise HTTPError(400)


@_co
def next_chunk(c):
    """Reads the next chunk's size line and returns its size; 0 at the last chunk, after which
    the trailer fields are skipped and the body is over. HTTPError(413) once the chunks add up
    to more than the route's max_body (c.cap)."""
    if c.te & 2 and (yield from _line(c)):
        raise HTTPError(400)  # a chunk's data must end with CRLF
    size = (yield from _line(c)).split(b";")[0]  # chunk extensions are ignored
    try:
        n = int(size, 16)
    except ValueError:
        raise HTTPError(400)
    if n < 0:
        raise HTTPError(400)
    if n:
        c.cap -= n
        if c.cap < 0:
            raise HTTPError(413)
        c.te = 3
    else:
        for _ in range(32):  # trailer fields, up to an empty line
            if not (yield from _line(c)):
                break
        else:
            raise HTTPError(431)
        c.te = 0
    c.left = n
    return n
