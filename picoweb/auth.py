# HTTP Basic authentication (RFC 7617) for a route or a whole (mounted) app, as a device's
# settings page needs. Imported only by apps that use it. Use it over a trusted network or
# TLS: Basic sends the password in every request.
from .compat import coroutine, need, result
from .conn import http_error


def _allowed(req, check):
    binascii = need("binascii")
    v = req.header(b"Authorization", b"")
    if v[:6].lower() != b"basic ":
        return False
    try:
        user, _, password = binascii.a2b_base64(v[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeError):
        return False
    return check(user, password)


def _challenge(resp, realm):
    return http_error(resp, "401", 'WWW-Authenticate: Basic realm="%s", charset="UTF-8"\r\n' % realm)


def basic_auth(check, realm="picoweb"):
    """Decorator: the handler runs only for requests whose credentials check(user, password)
    accepts; others get 401 with a WWW-Authenticate challenge."""

    def wrap(handler):
        @coroutine
        def guarded(req, resp):
            if not _allowed(req, check):
                yield from _challenge(resp, realm)
                return
            return (yield from result(handler(req, resp)))

        return guarded

    return wrap


def protect(app, check, realm="picoweb"):
    """Puts every route of app (e.g. a sub-app to mount at /settings) and of the apps mounted in
    it behind Basic authentication, whenever they were added: a before_request hook."""

    @app.before_request
    def guard(req, resp):
        if not _allowed(req, check):
            return _challenge(resp, realm)


def credentials(user, password):
    """A check() for one user, compared in constant time."""
    from .cookies import equal

    return lambda u, p: equal(u, user) & equal(p, password)
