# What happens to a connection the server has no room for: imported only when it is that busy
# (on CPython, at the start: asyncio's server hands every connection to serve_stream()).
#
# The policy against slow clients. A newcomer the server has no slot (or, on MicroPython, no heap)
# for is first given a moment (LOOK ms) to send the start of its request: a normal client sends
# its whole head at once, a slow client (a slowloris, sending a byte at a time) does not.
# - A newcomer that sent a whole request line takes the slot of the connection that has been
#   reading a request head longest (a slow client, or a kept-alive connection idle between
#   requests), if one has for more than SLOW ms. Else it waits for a slot to free (at most
#   max_conns wait, and at least QUEUE, each for at most header_timeout), or gets 503.
# - A newcomer that did not gets 503 at once.
# So slow clients hold slots only until a normal client needs one, and can neither push anyone
# out nor queue up. Where every slot is serving a request (or streaming: SSE, WebSocket),
# newcomers wait or get 503. On MicroPython the looking is done by the listener itself, on the
# socket, into the server's shared buffer: a newcomer costs no task and no heap until it is
# admitted. The state is an Admission object, which the server keeps (server.admission).
from .compat import asyncio, cancel, current_task, sleep_ms, ticks_add, ticks_diff, ticks_ms
from .conn import Connection
from .status import BUSY, RESERVE, refuse, shut

LOOK = 30  # ms a newcomer has to send its request line before it counts as slow
SLOW = 250  # ms a connection may read a request head before a normal newcomer may take its slot
POLL = 10  # ms between two looks at the newcomer, or at the slots while waiting
# newcomers that may wait for a slot, however few max_conns is: a browser opens up to 6
# connections to a host at once (a page, its CSS, scripts and images), and where the heap holds
# one at a time (max_conns 1: an ESP8266 with a large app) the others wait their turn
QUEUE = 5


class Admission:
    """The newcomers waiting for a slot (waiting: the server closes kept-alive connections after
    their response while some wait, to make room)."""

    def __init__(self):
        self.waiting = 0


def may_wait(server, a):
    """Whether one more newcomer may wait for a slot (a: the server's Admission, or None)."""
    return a is None or a.waiting < max(server.max_conns, QUEUE)


def slowest(server):
    """The connection that has been reading a request head longest, if for more than SLOW ms."""
    now = ticks_ms()
    found = None
    age = SLOW
    for c in server._conns:
        if c.since is not None and ticks_diff(now, c.since) > age:
            found = c
            age = ticks_diff(now, c.since)
    return found


def make_room(server):
    """Cancels the slowest connection (slowest()): its slot is the newcomer's. True if one was."""
    c = slowest(server)
    if c is None:
        return False
    c.since = c.deadline = None
    cancel(c.task)
    return True


def _started(server, buf, n):
    # A client sending its request, not a slow one: a line's end among the first n bytes of buf
    # (looked for without a copy: buf may be the shared read buffer), or as many bytes as a
    # read takes (a long line, still coming).
    if n >= (len(server._rb) if server._rb is not None else server.bufsize):
        return True
    i = 0
    while i < n:
        if buf[i] == 10:
            return True
        i += 1
    return False


async def door(server, sock):
    # MicroPython, from the listener: a newcomer while the server is full or its heap low. What
    # it sent, once it may be served; None if it got 503 (or went away).
    import gc

    rb = server._rb
    n = None
    a = server.admission
    # a slow one to take the place of, or a place in the queue to wait in: else (a flood), 503
    # at once
    room = slowest(server) is not None or may_wait(server, a)
    for _ in range(LOOK // POLL if room else 0):
        n = sock.readinto(rb)  # None while nothing has come: the socket doesn't block
        if n is not None:
            break
        await sleep_ms(POLL)
    if n == 0:  # gone
        sock.close()
        return None
    if n and _started(server, rb, n):  # a normal client
        if make_room(server):
            first = bytes(rb[:n])  # before any other connection reads into the shared buffer
            await sleep_ms(POLL)  # the slow one ends, and its heap is freed
            gc.collect()
            return first
        first = bytes(rb[:n])
        # Heap low: the listener waits with the newcomer (others wait in the kernel's queue, at no
        # cost) until the connections that hold it end; then it waits for a slot (wait_for_slot()).
        # With none left, open or waiting for a slot (which holds heap too, and takes the slot
        # the last one left), waiting frees nothing more: it is let in, to be served in what
        # there is (a request may need less than RESERVE; where it needs more, it gets 500 or
        # 503, as it would here). After header_timeout: 503 (every newcomer queued behind it
        # waited as long).
        end = ticks_add(ticks_ms(), server.header_timeout)
        while True:
            a = server.admission
            if not server._conns and not (a and a.waiting):
                return first  # none left to wait for
            gc.collect()  # (what a connection that just ended left is garbage until then)
            if gc.mem_free() >= (2 * RESERVE if server._conns else RESERVE):  # (status.py)
                return first
            if ticks_diff(end, ticks_ms()) <= 0:
                break
            await sleep_ms(POLL)
    refuse(sock, rb)
    return None


async def wait_for_slot(server, reader, writer, first=None):
    # Over max_conns (CPython; or a newcomer the door let through): what the newcomer sent
    # (b"" or more) once it has a slot; None if it got 503 (or went away).
    if first is None:
        try:  # the start of its request, if it sends it at once
            first = await asyncio.wait_for(reader.read(server.bufsize), LOOK / 1000)
            if not first:
                return None  # it went away
        except asyncio.TimeoutError:
            first = b""
        if _started(server, first, len(first)) and make_room(server):
            return first
    a = server.admission
    if a is None:
        a = server.admission = Admission()
    if _started(server, first, len(first)) and may_wait(server, a):
        a.waiting += 1
        try:
            end = ticks_add(ticks_ms(), server.header_timeout)
            while ticks_diff(end, ticks_ms()) > 0:
                if len(server._conns) < server.max_conns or make_room(server):
                    return first
                await sleep_ms(POLL)
        finally:
            a.waiting -= 1
    writer.write(BUSY)
    await writer.drain()
    try:  # read what the client sent: closing on unread data would reset the connection, 503 and all
        await asyncio.wait_for(reader.read(512), 0.2)
    except Exception:
        pass
    return None


async def serve_stream(server, reader, writer, first=None):
    # A connection over max_conns (on MicroPython, a newcomer the door let in to wait for a
    # slot), and every connection on CPython (asyncio.start_server's callback: a native
    # coroutine, the only kind CPython schedules). first: what the client has sent, if known.
    try:
        if len(server._conns) >= server.max_conns:
            first = await wait_for_slot(server, reader, writer, first)  # None: it got 503
        elif first is None:
            first = b""
        if first is not None:
            c = Connection(reader, writer, server.bufsize, server._rb, first)
            c.task = current_task()
            return await server._serve_conn(c)  # (it closes the connection)
    except asyncio.CancelledError:
        pass  # the server stops
    except Exception as e:
        if isinstance(e, MemoryError):  # no heap for the connection: 503, straight on the socket
            import gc

            gc.collect()
            refuse(getattr(writer, "s", None), server._rb, False)
        else:
            from .errors import log_exc

            log_exc(server, e, "connection")
    try:  # it got 503, or there was no heap for it
        try:  # (an except of a tuple allocates the tuple, here where the heap may have run out)
            writer.close()
            await writer.wait_closed()
        except Exception:
            shut(writer)
    except asyncio.CancelledError:
        shut(writer)
