# WebSocket server connections (RFC 6455), upgraded from a route:
#
#     @app.route("/ws")
#     @websocket.with_websocket(max_size=4096)
#     async def echo(req, ws):
#         while True:
#             msg = await ws.receive()  # str (text) or bytearray (binary); None once closed
#             if msg is None:
#                 break
#             await ws.send(msg)
#
# (or ws = await websocket.accept(req, resp) in a plain handler). Each open WebSocket holds one
# of the app's max_conns connections.
#
# Pings are answered, fragmented messages joined, and the close handshake completed; protocol
# errors close with 1002 (1007 for text that is not UTF-8, 1009 beyond max_size). Imported only
# by apps that use it. Each message costs its size in heap (binary) or twice it (text: received
# as bytes, then decoded).
from .compat import asyncio, coroutine, need, result
from .status import HTTPError

struct = need("struct")


_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


@coroutine
def accept(req, resp, max_size=4096, protocols=(), idle=None):
    """Answers the upgrade request with 101 and returns the WebSocket. Not an upgrade, or no
    key: HTTPError(400); another protocol version: HTTPError(426), which picoweb answers.
    max_size: the longest message taken (bytes; 1009 beyond). protocols: subprotocols the app
    speaks; the first the client offers is chosen (ws.protocol). idle: ms receive() waits for a
    message before the connection is cut off (None: as long as the client stays)."""
    binascii = need("binascii")
    hashlib = need("hashlib")

    key = req.header(b"Sec-WebSocket-Key")
    up = req.header(b"Upgrade", b"")
    if req.method != "GET" or up.lower() != b"websocket" or not key:
        raise HTTPError(400)
    if req.header(b"Sec-WebSocket-Version") != b"13":
        raise HTTPError(426, "Sec-WebSocket-Version: 13\r\n")
    if hasattr(hashlib, "sha1"):
        digest = hashlib.sha1(key.strip() + _GUID).digest()
    else:  # firmware built without TLS has no sha1
        from .sha1 import sha1

        digest = sha1(key.strip() + _GUID)
    digest = binascii.b2a_base64(digest).strip()
    head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
    head += digest + b"\r\n"
    proto = None
    offered = req.header(b"Sec-WebSocket-Protocol")
    if offered:
        for p in offered.decode().split(","):
            if p.strip() in protocols:
                proto = p.strip()
                head += b"Sec-WebSocket-Protocol: " + proto.encode() + b"\r\n"
                break
    yield from resp.upgrade(head + b"\r\n")  # closed when the handler returns
    return WebSocket(resp, max_size, proto, idle)


def with_websocket(max_size=4096, protocols=(), idle=None):
    """Decorator: the route's handler is called as handler(req, ws) once the upgrade is accepted
    (see accept() for the arguments), and the connection is closed when it returns: with 1000,
    or 1011 if it raised."""

    def wrap(handler):
        @coroutine
        def upgraded(req, resp):
            ws = yield from accept(req, resp, max_size, protocols, idle)
            try:
                yield from result(handler(req, ws))
            except Exception:
                yield from ws.close(1011)
                raise  # picoweb logs it
            yield from ws.close()

        return upgraded

    return wrap


def _unmask(b, mask):
    # XOR the bytearray b in place with the 4-byte mask: 32 bytes at a time as integers
    # (one small integer each, no large copy), the rest byte by byte.
    n = len(b)
    m = int.from_bytes(mask * 8, "big")
    mv = memoryview(b)
    end = n - n % 32
    for i in range(0, end, 32):
        mv[i : i + 32] = (int.from_bytes(mv[i : i + 32], "big") ^ m).to_bytes(32, "big")
    for i in range(end, n):
        b[i] ^= mask[i & 3]


class WebSocket:
    """An open connection: receive(), send(), ping(), close(). close_code is set once it is
    closed (1006: the client went away without a close frame)."""

    close_code = None

    def __init__(self, conn, max_size, protocol=None, idle=None):
        self.c = conn
        self.max_size = max_size
        self.protocol = protocol
        self.idle = idle
        self.rto = conn.rto  # the limit of any other single read or write

    @coroutine
    def _send(self, op, data):
        n = len(data)
        if n < 126:
            h = bytes((0x80 | op, n))
        elif n < 65536:
            h = struct.pack("!BBH", 0x80 | op, 126, n)
        else:
            h = struct.pack("!BBQ", 0x80 | op, 127, n)
        c = self.c  # upgraded: what it writes goes out as it is
        if n > 1024:
            c.write(h)
            c.write(data)
        else:
            c.write(h + data)
        yield from c.drain()

    @coroutine
    def send(self, data):
        """Sends one message: a text frame for str, a binary frame for bytes."""
        if self.close_code is not None:
            raise OSError(32)  # closed: as writing to a closed socket
        if type(data) is str:
            yield from self._send(1, data.encode())
        else:
            yield from self._send(2, data)

    @coroutine
    def ping(self, data=b""):
        """Sends a ping; the client's pong is read (and dropped) by receive()."""
        yield from self._send(9, data)

    @coroutine
    def close(self, code=1000, reason=""):
        """Starts the close handshake and waits (briefly) for the client's close frame."""
        if self.close_code is None:
            yield from self._close(code, reason)
            # Read up to the client's close frame: closing with data unread would reset the
            # connection, and the client could lose the close frame.
            self.idle = self.rto = 2000
            try:
                for _ in range(16):  # frames still under way before its close frame
                    fin, op, data = yield from self._frame()
                    if op == 8:
                        break
            except (Exception, asyncio.CancelledError):  # gone, garbled, or too slow
                pass

    @coroutine
    def _close(self, code, reason=""):
        self.close_code = code
        try:
            yield from self._send(8, struct.pack("!H", code) + reason.encode())
        except OSError:
            pass

    @coroutine
    def _frame(self):
        # One frame: (fin, opcode, unmasked payload). _Closed(code) on a protocol error.
        c = self.c
        c.rto = self.idle  # waiting for a frame
        h = yield from c.readexactly(2)
        c.rto = self.rto
        b0 = h[0]
        b1 = h[1]
        op = b0 & 15
        n = b1 & 127
        if b0 & 0x70 or not b1 & 0x80:  # reserved bits (no extension was agreed), unmasked
            raise _Closed(1002)
        if n == 126:
            n = struct.unpack("!H", (yield from c.readexactly(2)))[0]
        elif n == 127:
            n = struct.unpack("!Q", (yield from c.readexactly(8)))[0]
        if op >= 8 and (n > 125 or not b0 & 0x80):
            raise _Closed(1002)  # control frames are short and never fragmented
        if n + len(self._parts or b"") > self.max_size and op < 8:
            raise _Closed(1009)
        mask = yield from c.readexactly(4)
        try:
            data = bytearray(n)
        except MemoryError:
            raise _Closed(1009)  # too big for this heap: RFC 6455's "message too big"
        mv = memoryview(data)
        i = 0
        while i < n:
            k = yield from c.readinto(mv[i:])
            if not k:
                raise EOFError
            i += k
        _unmask(data, mask)
        return b0 & 0x80, op, data

    _parts = None  # a fragmented message being received
    _op = 0  # its opcode

    @coroutine
    def receive(self):
        """The next message: str (text) or bytearray (binary); None once the connection is closed."""
        if self.close_code is not None:
            return None
        try:
            while True:
                fin, op, data = yield from self._frame()
                if op == 9:
                    yield from self._send(10, data)  # ping: pong with the same data
                    continue
                if op == 10:
                    continue
                if op == 8:
                    code = 1000  # the answer to a close frame without a code
                    if data:
                        code = struct.unpack("!H", data[:2])[0] if len(data) > 1 else 0
                        if code < 1000 or 1004 <= code <= 1006 or 1015 <= code < 3000 or code >= 5000:
                            raise _Closed(1002)  # not a code that may be sent
                        str(data[2:], "utf-8")  # UnicodeError: the reason is not UTF-8 (1007)
                    yield from self._close(code)
                    return None
                if op == 0:
                    if self._parts is None:
                        raise _Closed(1002)  # a continuation with nothing to continue
                    self._parts += data
                    if not fin:
                        continue
                    data = self._parts
                    op = self._op
                    self._parts = None
                elif op == 1 or op == 2:
                    if self._parts is not None:
                        raise _Closed(1002)  # a new message inside a fragmented one
                    if not fin:
                        self._parts = data
                        self._op = op
                        continue
                else:
                    raise _Closed(1002)  # a reserved opcode
                return str(data, "utf-8") if op == 1 else data  # no copy: a bytearray
        except _Closed as e:
            yield from self._close(e.args[0])
        except UnicodeError:
            yield from self._close(1007)
        except MemoryError:  # joining fragments, or decoding text, beyond this heap
            self._parts = None
            yield from self._close(1009)
        except (EOFError, OSError):
            self.close_code = 1006
        return None


class _Closed(Exception):
    pass
