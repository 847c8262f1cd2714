# The limit picoweb is measured against: a bare asyncio server that reads a
# request head (up to the blank line, with keep-alive) and answers a fixed response.
import sys

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

RESP = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 11\r\n\r\nHello world"
RESP10 = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\nHello world"


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
            # HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only if asked to.
            http10 = b"http/1.1" not in head[: head.find(b"\r\n")]
            if http10:  # HTTP/1.0 keeps the connection only if asked, and must be told
                close = b"connection: keep-alive" not in head
            else:
                close = b"connection: close" in head
            buf = buf[i + 4 :]
            writer.write(RESP10 if http10 and not close else RESP)
            await writer.drain()
            if close:
                break
    except OSError:
        pass
    writer.close()
    await writer.wait_closed()


async def main(port):
    await asyncio.start_server(handle, "127.0.0.1", port)
    while True:
        await asyncio.sleep(3600)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8081))
