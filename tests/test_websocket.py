# picoweb.websocket against a real client library (websockets, on CPython) and raw frames,
# with the server on both runtimes. The browser's side is in tests/test_browser.py.
import base64
import os
import socket
import struct

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from conftest import RUNTIMES, TESTS, Server
from httpclient import request


@pytest.fixture(scope="module", params=RUNTIMES)
def ws_app(request):
    srv = Server(request.param, os.path.join(TESTS, "apps", "ws_app.py"), heap="256K")  # room for 66 KB messages
    srv.url = "ws://127.0.0.1:%d" % srv.port
    yield srv
    srv.stop()


def test_text_binary_and_large_messages(ws_app):
    with connect(ws_app.url + "/echo", open_timeout=5) as ws:
        ws.send("héllo")
        assert ws.recv(5) == "héllo"
        ws.send(b"\x00\x01\xff")
        assert ws.recv(5) == b"\x00\x01\xff"
        big = os.urandom(66000)  # a 64-bit length field both ways
        ws.send(big)
        assert ws.recv(5) == big
        medium = "m" * 300  # a 16-bit length field
        ws.send(medium)
        assert ws.recv(5) == medium


def test_fragmented_message_with_a_ping_between(ws_app):
    with connect(ws_app.url + "/echo", open_timeout=5) as ws:
        ws.send(["frag", "mented ", "text"])  # websockets sends a list as fragments
        assert ws.recv(5) == "fragmented text"
        assert ws.ping(b"are you there").wait(5)  # answered with a pong
        ws.send([b"ab", b"cd"])
        assert ws.recv(5) == b"abcd"


def test_server_ping_and_subprotocol(ws_app):
    with connect(ws_app.url + "/echo", subprotocols=["other", "echo"], open_timeout=5) as ws:
        assert ws.subprotocol == "echo"
        assert ws.recv(5) == "protocol echo"
        ws.send("ping me")  # the server pings (websockets answers) and then echoes
        assert ws.recv(5) == "ping me"


def test_close_handshake_both_ways(ws_app):
    with connect(ws_app.url + "/echo", open_timeout=5) as ws:
        ws.close(4321, "bye")  # the server answers with the same code
        assert ws.protocol.close_rcvd.code == 4321
    with connect(ws_app.url + "/echo", open_timeout=5) as ws:
        ws.send("close please")  # the server closes
        with pytest.raises(ConnectionClosed):
            ws.recv(5)
        assert (ws.close_code, ws.close_reason) == (4001, "asked to")


def test_message_over_max_size_is_1009(ws_app):
    with connect(ws_app.url + "/small", open_timeout=5) as ws:
        ws.send("a" * 100)
        assert ws.recv(5) == "a" * 100
        ws.send(["a" * 60, "a" * 60])  # too large only once its fragments are added up
        with pytest.raises(ConnectionClosed):
            ws.recv(5)
        assert ws.close_code == 1009


def test_decorated_handler_closes_when_it_returns(ws_app):
    for msg, code in (("bye", 1000), ("fail", 1011)):
        with connect(ws_app.url + "/small", open_timeout=5) as ws:
            ws.send("hi")
            assert ws.recv(5) == "hi"
            ws.send(msg)
            with pytest.raises(ConnectionClosed):
                ws.recv(5)
            assert ws.close_code == code
    assert "the handler failed" in ws_app.output()  # logged, like any handler's exception


def test_not_an_upgrade(ws_app):
    assert request(ws_app.port, path="/echo").status == 400
    r = request(ws_app.port, path="/echo", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                                     "Sec-WebSocket-Version": "8"})
    assert r.status == 426 and r.headers["sec-websocket-version"] == "13"


# Raw frames: what a well-behaved client library never sends.

def raw_ws(port, path="/echo"):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101 ")
    import hashlib

    want = base64.b64encode(hashlib.sha1(key.encode() + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    assert b"Sec-WebSocket-Accept: " + want + b"\r\n" in head
    return s


def frame(op, payload, fin=True, mask=True, rsv=0):
    b0 = (0x80 if fin else 0) | rsv | op
    n = len(payload)
    h = bytes((b0, (0x80 if mask else 0) | n)) if n < 126 else struct.pack("!BBH", b0, (0x80 if mask else 0) | 126, n)
    if not mask:
        return h + payload
    m = os.urandom(4)
    return h + m + bytes(b ^ m[i % 4] for i, b in enumerate(payload))


def close_code_of(s):
    # the server's close frame (after any other frames), and then the end of the connection
    data = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        data += d
    while data:
        op, n = data[0] & 15, data[1] & 127
        if op == 8:
            return struct.unpack("!H", data[2:4])[0]
        data = data[2 + n :]
    return None


@pytest.mark.parametrize("frames, code", [
    ([frame(1, b"unmasked", mask=False)], 1002),
    ([frame(1, b"rsv", rsv=0x40)], 1002),
    ([frame(1, b"\xff\xfe not utf-8")], 1007),
    ([frame(0, b"nothing to continue")], 1002),
    ([frame(1, b"start", fin=False), frame(1, b"again")], 1002),
    ([frame(9, b"p" * 126)], 1002),  # a control frame longer than 125 bytes
    ([frame(9, b"fragmented ping", fin=False)], 1002),
    ([frame(3, b"reserved opcode")], 1002),
    ([frame(8, struct.pack("!H", 1005))], 1002),  # a code that must not be sent
    ([frame(8, struct.pack("!H", 3000) + b"fine")], 3000),
    ([frame(8, b"")], 1000),
])
def test_protocol_errors_close_with_their_code(ws_app, frames, code):
    s = raw_ws(ws_app.port)
    try:
        s.sendall(b"".join(frames))
        assert close_code_of(s) == code
    finally:
        s.close()


def test_client_vanishing_costs_nothing(ws_app):
    for _ in range(20):
        s = raw_ws(ws_app.port)
        s.sendall(frame(1, b"half a frame")[:5])
        s.close()
    with connect(ws_app.url + "/echo", open_timeout=5) as ws:
        ws.send("still here")
        assert ws.recv(5) == "still here"


def test_message_too_big_for_the_heap_is_1009(ws_app):
    # within max_size, beyond the heap (RFC 6455's "message too big"), not 1011
    if ws_app.runtime == "cpython":
        pytest.skip("CPython's heap is the machine's: nothing to run out of")
    s = raw_ws(ws_app.port, "/huge")
    try:
        s.sendall(struct.pack("!BBQ", 0x82, 0x80 | 127, 50 * 1000 * 1000) + b"mask")
        assert close_code_of(s) == 1009
    finally:
        s.close()
    ok = raw_ws(ws_app.port, "/huge")  # and it serves on
    ok.sendall(frame(1, b"still here"))
    assert ok.recv(100)[2:] == b"still here"
    ok.close()
