# HTTP Basic authentication (RFC 7617) for a route or a whole (mounted) app, as a device's
# settings page needs. Imported only by apps that use it. Use it over a trusted network or
# TLS: Basic sends the password in every request.
# Heap: 1,888 bytes once imported, plus picoweb.cookies' for credentials() (from .mpy,
# 64-bit unix port, `make bench`; about 1.2 KB on a 32-bit board).
from . import http_error
from .conn import _co


def _allowed(req, check):
    import binascii

    h = req.headers or {}
    v = h.get(b"Authorization") or h.get(b"authorization") or b""
    if v[:6].lower() != b"basic ":
        return False
    try:
        user, _, password = binascii.a2b_base64(v[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeError):
        return False
    return check(user, password)


def basic_auth(check, realm="picoweb"):
    """Decorator: the handler runs only for requests whose credentials check(user, password)
    accepts; others get 401 with a WWW-Authenticate challenge."""

    def wrap(handler):
        @_co
        def guarded(req, resp):
            if not _allowed(req, check):
                yield from http_error(resp, "401", 'WWW-Authenticate: Basic realm="%s", charset="UTF-8"\r\n' % realm)
                return
            r = handler(req, resp)
            if r is not None and hasattr(r, "send"):
                r = yield from r
            return r

        return guarded

    return wrap


def protect(app, check, realm="picoweb"):
    """Puts every route app has so far (e.g. a sub-app to mount at /settings) behind basic_auth."""
    guard = basic_auth(check, realm)
    app.url_map[:] = [(e[0], guard(e[1])) + tuple(e[2:]) for e in app.url_map]


def credentials(user, password):
    """A check() for one user, compared in constant time."""
    from .cookies import equal

    return lambda u, p: equal(u, user) & equal(p, password)
