# What happens to a connection beyond max_conns: imported only when the server is that busy.
try:
    import asyncio
except ImportError:
    import uasyncio as asyncio  # Pycopy

from .conn import ticks_ms, ticks_add, ticks_diff

# the answer to a connection that found no slot
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 25\r\n"
        b"Retry-After: 1\r\nConnection: close\r\n\r\n503 Service Unavailable\r\n")


async def wait_for_slot(app, reader, writer):
    # Over max_conns a connection waits for a free slot (holding only its socket) for at most
    # header_timeout, with at most max_conns waiting; else it gets 503. True when admitted.
    if app._waiting < app.max_conns:
        if app._freed is None:
            app._freed = asyncio.Event()
        app._waiting += 1
        try:
            end = ticks_add(ticks_ms(), app.header_timeout)
            while True:
                app._freed.clear()
                if len(app._conns) < app.max_conns:
                    return True
                t = ticks_diff(end, ticks_ms())
                if t <= 0:
                    break
                try:
                    await asyncio.wait_for(app._freed.wait(), t / 1000)
                except asyncio.TimeoutError:
                    break
        finally:
            app._waiting -= 1
    writer.write(BUSY)
    await writer.drain()
    try:  # read what the client sent: closing on unread data would reset the connection, 503 and all
        await asyncio.wait_for(reader.read(512), 0.2)
    except Exception:
        pass
    return False
