# Server-sent events (the EventSource protocol): a route that streams events for as long as
# the client stays, with heartbeats; the client's going away ends it. Imported only by apps
# that use it.
from .compat import cancel, create_task, sleep_ms


def format_event(data, event=None, id=None, retry=None):
    """One event as text: its fields, data split over data: lines, a blank line to end it."""
    out = ""
    if event:
        out += "event: %s\n" % event
    if id is not None:
        out += "id: %s\n" % id
    if retry is not None:
        out += "retry: %d\n" % retry
    for line in str(data).split("\n"):
        out += "data: %s\n" % line
    return out + "\n"


class EventStream:
    """What an events handler gets: await stream.send(data, event=None, id=None, retry=None)."""

    def __init__(self, resp):
        self.resp = resp

    async def send(self, data, event=None, id=None, retry=None):
        """Sends one event; OSError if the client has gone away."""
        await self.resp.awrite(format_event(data, event, id, retry))


async def stream(req, resp, source, heartbeat=15):
    """Streams events: source(stream) is an async function that sends them; a ": ping" comment
    goes out every `heartbeat` seconds meanwhile. Ends when source returns or the client goes
    away (a write fails); source is cancelled then."""
    resp.start("200", "text/event-stream", {"Cache-Control": "no-cache"})
    # a comment first: picoweb holds a response's first piece back to frame it, so each event
    # that follows goes out the moment it is written
    await resp.awrite(": stream\n\n")
    gone = []
    ended = []  # run() appends when it has ended (a uasyncio task can't be asked)

    async def run():
        try:
            await source(EventStream(resp))
        except (OSError, MemoryError):  # the client went away while an event was sent, or the
            gone.append(1)  # heap ran out: either way the stream ends here
        finally:
            ended.append(1)

    task = create_task(run())
    try:
        while not ended:
            for _ in range(int(heartbeat * 10)):
                await sleep_ms(100)
                if ended:
                    break
            else:
                await resp.awrite(": ping\n\n")
    except OSError:
        pass  # the client went away
    finally:
        if not ended:
            cancel(task)
    if gone:
        raise OSError(104)  # nothing more can be sent: picoweb closes the connection quietly
