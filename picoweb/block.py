# A body gathered piece by piece in one bytearray, written with its framing made in place:
# render_template()'s sends (render.py), and Connection.write_block (conn_more.py, whose
# docstring says how). A module of its own: a template page loads neither conn_more (some 450
# bytes) nor more than this.
from .compat import LISTENER

ROOM = 6  # bytes at the start of the buffer kept for a chunk's size line ("ffff\r\n")


def write_block(self, ba, last=False):
    n = len(ba) - ROOM
    if n <= 0:
        return
    if not LISTENER or n > 0xFFFF or self.status is None or self.nobody:
        return self.write(bytes(memoryview(ba)[ROOM:]))  # write()'s way: a copy (CPython's stream may keep it)
    held = self.held
    if held is not None:
        self.held = None
        self._send(None, held)
    if self.hdr is not None:
        if last or self.length is not None:
            return self._send(n, memoryview(ba)[ROOM:])  # with its Content-Length, or the handler's framing
        self._raw(self._head(None))  # the head, alone: the body is chunked, or ends with the connection
    if self.chunked:
        ba[:ROOM] = b"%04x\r\n" % n
        ba += b"\r\n"
        self._raw(ba)
    else:
        self._raw(memoryview(ba)[ROOM:])
