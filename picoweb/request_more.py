# The HTTPRequest methods that read the body or the query string: req.read_body(),
# read_form_data(), read_json(), parse_qs(). request.py attaches each to the class on its first
# use (HTTPRequest.__getattr__, which names them): an app that reads no body keeps their heap.
# (Its names fill a 12-slot table: 13 would take 17.)
from . import utils
from .compat import coroutine, need
from .status import HTTPError


def parse_qs(self):
    """Parses the query string into req.form (and returns it)."""
    self.form = utils.parse_qs(self.qs)
    return self.form


@coroutine
def read_body(self):
    """The whole body (at most the app's max_body, enforced before the handler ran)."""
    return (yield from self.reader.read())


@coroutine
def read_form_data(self):
    """Reads a URL-encoded form body into req.form (and returns it); HTTPError(400) if it is
    not text (UTF-8)."""
    self.form = utils.parse_qs(_text((yield from self.read_body())))
    return self.form


@coroutine
def read_json(self):
    """Reads the body and returns it parsed as JSON; HTTPError(400) if it is not JSON."""
    b = _text((yield from self.read_body()))
    try:
        return need("json").loads(b)
    except ValueError:
        raise HTTPError(400)


def _text(b):
    # A body as str; 400 if it is not UTF-8.
    try:
        return b.decode()
    except UnicodeError:
        raise HTTPError(400)
