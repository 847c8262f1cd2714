# A strict little HTTP/1.1 client over raw sockets, for the tests: it sends exactly
# the bytes given and parses the framing itself, so framing errors show up.
import socket
import time

HOST = "127.0.0.1"


class Response:
    def __init__(self, status, reason, headers, body, version):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case names
        self.body = body
        self.version = version

    def __repr__(self):
        return "<Response %d %s %r>" % (self.status, self.headers, self.body[:80])


class Conn:
    def __init__(self, port, timeout=5.0):
        self.s = socket.create_connection((HOST, port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.s.sendall(data)

    def _more(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError("connection closed by server")
        self.buf += d

    def _line(self):
        while b"\r\n" not in self.buf:
            self._more()
        l, _, self.buf = self.buf.partition(b"\r\n")
        return l

    def _exact(self, n):
        while len(self.buf) < n:
            self._more()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def response(self, head=False):
        version, _, rest = self._line().decode().partition(" ")
        code, _, reason = rest.partition(" ")
        headers = {}
        while True:
            l = self._line()
            if not l:
                break
            k, _, v = l.decode().partition(":")
            headers[k.strip().lower()] = v.strip()
        if head or code in ("204", "304") or code.startswith("1"):
            body = b""
        elif headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                n = int(self._line(), 16)
                if n == 0:
                    assert self._line() == b""
                    break
                body += self._exact(n)
                assert self._exact(2) == b"\r\n", "chunk not followed by CRLF"
        elif "content-length" in headers:
            body = self._exact(int(headers["content-length"]))
        else:
            body = self.read_to_close()
        return Response(int(code), reason, headers, body, version)

    def read_to_close(self):
        while True:
            try:
                d = self.s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            self.buf += d
        d, self.buf = self.buf, b""
        return d

    def closed(self, wait=3.0):
        # True if the server closes the connection (EOF or reset) within wait seconds.
        self.s.settimeout(wait)
        try:
            while True:
                d = self.s.recv(65536)
                if not d:
                    return True
                self.buf += d
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.s.close()


def request(port, method="GET", path="/", headers=None, body=b"", version="HTTP/1.1", close=True):
    # One request on a new connection; returns the Response.
    c = Conn(port)
    try:
        h = {"Host": "127.0.0.1"}
        if close:
            h["Connection"] = "close"
        if body and "Transfer-Encoding" not in (headers or {}):
            h["Content-Length"] = str(len(body))
        h.update(headers or {})
        head = "%s %s %s\r\n" % (method, path, version)
        head += "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
        c.send(head.encode() + (body if isinstance(body, bytes) else body.encode()))
        return c.response(head=method == "HEAD")
    finally:
        c.close()


def raw(port, data, timeout=5.0):
    # Send raw bytes; return all the server sends until it closes.
    c = Conn(port, timeout)
    try:
        c.send(data)
        return c.read_to_close()
    finally:
        c.close()


def wait_port(port, proc, limit=20.0):
    end = time.time() + limit
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen on port %d" % port)
