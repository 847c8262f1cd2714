# Chunked request bodies (RFC 9112 section 7.1, a Transfer-Encoding of "chunked"): the wire format
# of the chunks, read strictly: a parser that a proxy in front may read differently lets a second
# request be smuggled in a body. The connection's read() calls next_chunk() whenever a chunk is
# used up, and keeps the body's state itself. Imported only when a client sends such a body.
from .compat import coroutine, need
from .status import HTTPError

_NOT_HEX = need("re").compile(b"[^0-9a-fA-F]")


@coroutine
def _line(c):
    # The next line of the chunk framing, without its CRLF (or LF); 400 if the client ends the
    # body early, or for a CR anywhere else in it.
    while True:
        l = c.line(256, 400)
        if l is not None:
            l = l[:-2] if l[-2:] == b"\r\n" else l[:-1]
            if b"\r" in l:
                raise HTTPError(400)
            return l
        if not (yield from c._fill()):
            raise HTTPError(400)


@coroutine
def next_chunk(c, after_data):
    """Reads the next chunk's size line from connection c (after the CRLF that ends the previous
    chunk's data, if after_data) and returns the size; at the last chunk (0), the trailer
    fields are read too, up to the empty line that ends the body. HTTPError(400) for anything
    but chunk-size = 1*HEXDIG (at most 8), then optional extensions after ";"."""
    if after_data and (yield from _line(c)):
        raise HTTPError(400)  # a chunk's data must end with CRLF
    size, semi, _ = (yield from _line(c)).partition(b";")  # extensions are ignored
    if semi:
        size = size.rstrip(b" \t")  # BWS before the ";"
    if not size or len(size) > 8 or _NOT_HEX.search(size):
        raise HTTPError(400)  # not "0x5", "+1_0", " 5": int(s, 16) would take them
    n = int(size, 16)
    if not n:
        for _ in range(32):  # trailer fields, up to an empty line
            t = yield from _line(c)
            if not t:
                break
            if b":" not in t:
                raise HTTPError(400)
        else:
            raise HTTPError(431)
    return n
