# Templates rendered for a response: WebApp.render_template() and render_str(), attached to
# the class on their first use (WebApp.__getattr__), as app_more.py's methods are. A module of
# its own: an app whose only extra is its templates loads this, not app_more's mounts and hooks.
from .compat import LISTENER, coroutine

SEND = 576  # bytes: render_template()'s buffer, its sends with their framing

METHODS = ("render_template", "render_str")


_renders = {}  # module name -> render(), for apps that left template_loader None


def _compiled(pkg, name):
    # the render() of a template compiled ahead (frozen, .mpy, .py), imported as template.py's
    # CompiledLoader would but without template.py (its loaders' classes: 700 bytes resident);
    # None if there is none. (The module's name as CompiledLoader's prefix and _modname() make it:
    # calling those would load template.py, the heap this saves.)
    mod = (pkg + ".templates." if pkg else "templates.") + name.replace(".", "_").replace("/", ".")
    r = _renders.get(mod)
    if r is None:
        try:
            r = _renders[mod] = __import__(mod, None, None, ("render",)).render
        except ImportError:
            return None
    return r


def _load(self, name):
    # the render() of template name: from the app's loader, if it has one; else, on a board, its
    # compiled module, and a loader only for a template not compiled yet (SourceLoader compiles
    # it first); on CPython, RecompileLoader (development)
    loader = self.template_loader
    if loader is None:
        if LISTENER:
            r = _compiled(self.pkg, name)
            if r is not None:
                return r
            from .template import SourceLoader as Loader
        else:
            from .template_dev import RecompileLoader as Loader
        loader = self.template_loader = Loader(self.pkg, "templates", self.template_escape)
    return loader.load(name)


@coroutine
def render_template(self, writer, tmpl_name, args=()):
    """Streams the template's pieces as they are generated, gathered into sends of up to 576
    bytes (SEND) in one buffer: the whole page is never held, and a piece is copied once, into the
    buffer (write_block() frames it there). A heap with no block of that size left
    gets smaller sends.
    """
    from .block import ROOM, write_block  # (not writer.write_block(): conn_more's, some 450 bytes more)

    size = SEND
    while True:
        try:
            buf = bytearray(size)  # its size once: pieces are added in place, not reallocated
            break
        except MemoryError:
            if size < 64:
                raise
            size //= 2
    size -= 2  # a chunk's CRLF goes after its data
    buf[ROOM:] = b""
    for s in _load(self, tmpl_name)(*args):
        if not LISTENER and type(s) is str:
            s = s.encode()  # CPython: a bytearray takes bytes only
        if len(buf) + len(s) > size and len(buf) > ROOM:
            write_block(writer, buf)
            yield from writer.drain()
            buf[ROOM:] = b""
        buf += s
    write_block(writer, buf, True)
    yield from writer.drain()


def render_str(self, tmpl_name, args=()):
    """Renders template tmpl_name with args into one string."""
    return "".join(_load(self, tmpl_name)(*args))
