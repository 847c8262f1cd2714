# The WebApp methods only some apps call: mounting sub-apps, the hooks (before_request,
# after_request, errorhandler) and sendfile(); the templates' are render.py's. __init__.py
# attaches each to the class on its first use (WebApp.__getattr__): an app that calls none of
# them keeps their heap, and the class's table holds only those used.
from .compat import coroutine

METHODS = ("mount", "before_request", "after_request", "errorhandler", "_hook", "_rehook", "sendfile")


def mount(self, url, app):
    """The sub-app sees paths without the prefix; the longest prefix is tried first. The hooks
    of this app run for its requests too, before its own."""
    app.url = url.rstrip("/")
    app.parent = self
    self.mounts.append(app)
    self.mounts.sort(key=lambda a: -len(a.url))
    app._rehook()


# ---- hooks: how extensions (picoweb.cors, picoweb.auth) and apps take part in every request ----

def before_request(self, f):
    """Decorator: f(req, resp) runs before the handler of each request routed to this app (or
    to an app mounted in it), whenever its routes were added; a generator or `async def` is
    run to its end. If it answers (starts a response), the handler is skipped."""
    self._hook(0, f)
    return f


def after_request(self, f):
    """Decorator: f(req, resp) runs after the handler returned, before the end of its response
    goes out (headers can still be added while nothing was sent: resp.sent is False)."""
    self._hook(1, f)
    return f


def errorhandler(self, key):
    """Decorator: f(req, resp, error) answers instead of picoweb's plain page: for key 404 or
    405 (no route takes the request; error is the status), or an exception class (a handler
    raised it; error is the exception). An app's own handle_exc() comes before it."""
    def _add(f):
        if self.error_handlers is None:
            self.error_handlers = {}
        self.error_handlers[str(key) if isinstance(key, int) else key] = f
        return f

    return _add


def _hook(self, i, f):
    if self._own is None:
        self._own = ([], [])
    self._own[i].append(f)
    self._rehook()


def _rehook(self):
    # This app's effective hooks: its parent's (the app mount() put it in), then its own; the
    # same for those mounted in it.
    p = self.__dict__.get("parent")
    own = self._own or ([], [])
    before = (p and p.hooks and p.hooks[0] or []) + own[0]
    after = (p and p.hooks and p.hooks[1] or []) + own[1]
    self.hooks = (before, after) if before or after else None
    if before or after:
        a = self
        while a:  # the serving app checks this flag once per connection
            a.hooked = True
            a = a.__dict__.get("parent")
    for sub in self.mounts:
        sub._rehook()


@coroutine
def sendfile(self, writer, fname, content_type=None, headers=None):
    """Sends the file fname (relative to the app's folder) with its MIME type and length; 404 if missing."""
    from .static import sendfile

    yield from sendfile(self, writer, fname, content_type, headers)
