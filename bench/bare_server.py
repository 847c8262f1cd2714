# The limit picoweb is measured against: a bare asyncio server that reads a request head
# (and its body, if any), keeps the connection alive as HTTP/1.0 and 1.1 ask, and answers
# every path with the same fixed response. The board harness adds /_stats through EXTRA.
import sys

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

RESP = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 11\r\n\r\nHello world"
RESP10 = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\nHello world"
EXTRA = {}  # path -> function(head) returning a whole response, for other paths than the fixed one
SERVED = [0]


async def handle(reader, writer):
    buf = b""
    try:
        while True:
            i = buf.find(b"\r\n\r\n")
            if i < 0:
                if len(buf) > 2048:
                    break
                d = await reader.read(512)
                if not d:
                    break
                buf += d
                continue
            head = buf[:i].lower()
            j = head.find(b"content-length:")
            body = int(head[j + 15 :].split(b"\r\n", 1)[0]) if j >= 0 else 0
            while len(buf) < i + 4 + body:
                d = await reader.read(512)
                if not d:
                    break
                buf += d
            buf = buf[i + 4 + body :]
            line = head[: head.find(b"\r\n")] if b"\r\n" in head else head
            http10 = b"http/1.1" not in line
            if http10:  # HTTP/1.0 keeps the connection only if asked, and must be told
                close = b"connection: keep-alive" not in head
            else:
                close = b"connection: close" in head
            SERVED[0] += 1
            f = EXTRA.get(line.split(b" ")[1].split(b"?")[0]) if EXTRA and b" " in line else None
            writer.write(f(head) if f else RESP10 if http10 and not close else RESP)
            await writer.drain()
            if close:
                break
    except OSError:
        pass
    writer.close()
    await writer.wait_closed()


async def main(host, port):
    await asyncio.start_server(handle, host, port)
    while True:
        await asyncio.sleep(3600)


def serve(port, host="127.0.0.1"):
    asyncio.run(main(host, port))


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
