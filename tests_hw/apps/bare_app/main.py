# tests_hw: the limit. A bare asyncio server that reads a request head and answers every
# path with the same fixed response (keep-alive as HTTP/1.0 and 1.1 ask), except /_stats.
import json
import sys

try:
    import asyncio
except ImportError:
    import uasyncio as asyncio

from heapstat import S, stats

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
            body = 0
            j = head.find(b"content-length:")
            if j >= 0:
                body = int(head[j + 15 : head.find(b"\r\n", j) if head.find(b"\r\n", j) > 0 else len(head)])
            while len(buf) < i + 4 + body:
                d = await reader.read(512)
                if not d:
                    break
                buf += d
            buf = buf[i + 4 + body :]
            http10 = b"http/1.1" not in head[: head.find(b"\r\n")]
            if http10:  # HTTP/1.0 keeps the connection only if asked, and must be told
                close = b"connection: keep-alive" not in head
            else:
                close = b"connection: close" in head
            S["requests"] += 1
            if head.startswith(b"get /_stats"):
                b = json.dumps(stats(b"reset" in head[:40])).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(b) + b)
            else:
                writer.write(RESP10 if http10 and not close else RESP)
            await writer.drain()
            if close:
                break
    except OSError:
        pass
    writer.close()
    await writer.wait_closed()


async def main(port):
    on_board = sys.platform.startswith("esp")
    await asyncio.start_server(handle, "0.0.0.0" if on_board else "127.0.0.1", port)
    while True:
        await asyncio.sleep(3600)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 80))
