# SHA-1 (FIPS 180-4) in Python, for the WebSocket handshake on firmware whose hashlib has no
# sha1 (MicroPython builds without TLS, such as the virtual board's). picoweb.websocket imports
# it only there; the handshake hashes 60 bytes once per connection. The message schedule is a
# ring of 16 words, not a list of 80: on a 32-bit board each word is an object of its own.
_M = 0xFFFFFFFF


def _rol(x, n):
    return ((x << n) | (x >> (32 - n))) & _M


def sha1(data):
    """The SHA-1 digest (20 bytes) of data (bytes)."""
    h0, h1, h2, h3, h4 = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0
    n = len(data)
    data = bytes(data) + b"\x80" + bytes((55 - n) % 64) + (n * 8).to_bytes(8, "big")
    w = [0] * 16
    for off in range(0, len(data), 64):
        for i in range(16):
            w[i] = int.from_bytes(data[off + 4 * i : off + 4 * i + 4], "big")
        a, b, c, d, e = h0, h1, h2, h3, h4
        for i in range(80):
            if i >= 16:
                w[i & 15] = _rol(w[(i - 3) & 15] ^ w[(i - 8) & 15] ^ w[(i - 14) & 15] ^ w[i & 15], 1)
            if i < 20:
                f, k = (b & c) | (~b & d), 0x5A827999
            elif i < 40:
                f, k = b ^ c ^ d, 0x6ED9EBA1
            elif i < 60:
                f, k = (b & c) | (b & d) | (c & d), 0x8F1BBCDC
            else:
                f, k = b ^ c ^ d, 0xCA62C1D6
            a, b, c, d, e = (_rol(a, 5) + (f & _M) + e + k + w[i & 15]) & _M, a, _rol(b, 30), c, d
        h0, h1, h2, h3, h4 = (h0 + a) & _M, (h1 + b) & _M, (h2 + c) & _M, (h3 + d) & _M, (h4 + e) & _M
    return b"".join(x.to_bytes(4, "big") for x in (h0, h1, h2, h3, h4))
