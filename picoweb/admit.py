# What happens to a connection beyond max_conns: imported only when the server is that busy.
# Its state is an Admission object of its own, which the server keeps (server.admission) and
# tells when a slot frees.
from .compat import asyncio, ticks_add, ticks_diff, ticks_ms

# the answer to a connection that found no slot
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 25\r\n"
        b"Retry-After: 1\r\nConnection: close\r\n\r\n503 Service Unavailable\r\n")


class Admission:
    """The connections waiting for a slot (waiting: how many; the server closes kept-alive
    connections after their response while some wait, to make room)."""

    def __init__(self):
        self.waiting = 0
        self.event = asyncio.Event()

    def freed(self):
        """A slot freed (the server calls it when a connection ends)."""
        if self.waiting:
            self.event.set()


async def wait_for_slot(server, reader, writer):
    # Over max_conns a connection waits for a free slot (holding only its socket) for at most
    # header_timeout, with at most max_conns waiting; else it gets 503. True when admitted.
    a = server.admission
    if a is None:
        a = server.admission = Admission()
    if a.waiting < server.max_conns:
        a.waiting += 1
        try:
            end = ticks_add(ticks_ms(), server.header_timeout)
            while True:
                a.event.clear()
                if len(server._conns) < server.max_conns:
                    return True
                t = ticks_diff(end, ticks_ms())
                if t <= 0:
                    break
                try:
                    await asyncio.wait_for(a.event.wait(), t / 1000)
                except asyncio.TimeoutError:
                    break
        finally:
            a.waiting -= 1
    writer.write(BUSY)
    await writer.drain()
    try:  # read what the client sent: closing on unread data would reset the connection, 503 and all
        await asyncio.wait_for(reader.read(512), 0.2)
    except Exception:
        pass
    return False
