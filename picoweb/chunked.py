# Chunked request bodies (RFC 9112 section 7.1, a Transfer-Encoding of "chunked"): the wire format
# of the chunks. The connection's read() calls next_chunk() whenever a chunk is used up, and
# keeps the body's state itself. Imported only when a client sends such a body.
from .compat import coroutine
from .status import HTTPError


@coroutine
def _line(c):
    # The next line of the chunk framing; 400 if the client ends the body early.
    while True:
        l = c.line(256, 400)
        if l is not None:
            return l.strip()
        if not (yield from c._fill()):
            raise HTTPError(400)


@coroutine
def next_chunk(c, after_data):
    """Reads the next chunk's size line from connection c (after the CRLF that ends the previous
    chunk's data, if after_data) and returns the size; at the last chunk (0), the trailer
    fields are read too, up to the empty line that ends the body."""
    if after_data and (yield from _line(c)):
        raise HTTPError(400)  # a chunk's data must end with CRLF
    size = (yield from _line(c)).split(b";")[0]  # chunk extensions are ignored
    try:
        n = int(size, 16)
    except ValueError:
        raise HTTPError(400)
    if n < 0:
        raise HTTPError(400)
    if not n:
        for _ in range(32):  # trailer fields, up to an empty line
            if not (yield from _line(c)):
                break
        else:
            raise HTTPError(431)
    return n
