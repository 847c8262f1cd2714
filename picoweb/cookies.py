# Cookies: read them from a request, set them on a response, and sign small values
# (HMAC-SHA256) so that a session kept in a cookie cannot be forged. Imported only by apps
# that use cookies (what it costs in heap: README, "Optional modules", from `make bench`).
from .compat import need

hashlib = need("hashlib")


def get_cookies(req):
    """The request's cookies as a dict of str (empty if it sent none or headers were not parsed)."""
    raw = req.header(b"Cookie", b"")
    out = {}
    for part in raw.decode().split(";"):
        k, eq, v = part.strip().partition("=")
        if eq and k:
            out[k] = v.strip('"')
    return out


def cookie_header(name, value, path="/", max_age=None, http_only=True, same_site="Lax", secure=False):
    """A "Set-Cookie: ...\\r\\n" header line, for start_response's headers (one per cookie)."""
    h = "Set-Cookie: %s=%s; Path=%s" % (name, value, path)
    if max_age is not None:
        h += "; Max-Age=%d" % max_age
    if http_only:
        h += "; HttpOnly"
    if same_site:
        h += "; SameSite=" + same_site
    if secure:
        h += "; Secure"
    return h + "\r\n"


def _hmac(key, msg):
    # HMAC-SHA256 (RFC 2104), as MicroPython has hashlib.sha256 but not always hmac.
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key + bytes(64 - len(key))
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(msg)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    outer.update(inner.digest())
    return outer.digest()


def _hex(b):
    return "".join("%02x" % x for x in b)


def equal(a, b):
    """Compares two strings in time that does not depend on where they differ."""
    if len(a) != len(b):
        return False
    d = 0
    for x, y in zip(a, b):
        d |= ord(x) ^ ord(y)
    return d == 0


def sign(value, secret):
    """value + "." + its HMAC-SHA256 under secret (hex): a cookie value the client cannot forge."""
    return "%s.%s" % (value, _hex(_hmac(secret.encode(), value.encode())))


def unsign(signed, secret):
    """The value of a sign()ed string, or None if its signature does not match."""
    value, dot, mac = (signed or "").rpartition(".")
    if not dot or not equal(mac, _hex(_hmac(secret.encode(), value.encode()))):
        return None
    return value
