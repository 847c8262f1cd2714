# Query strings and form bodies (application/x-www-form-urlencoded), as in picoweb 1.8.2.


def unquote_plus(s):
    """"a+b%C3%A9" -> "a bé" (form fields and query strings)."""
    return unquote(s.replace("+", " "))


_HEX = "0123456789abcdefABCDEF"


def unquote(s):
    """"a%20b" -> "a b" (paths); a malformed %-escape (not % and two hex digits) is kept as it
    is, and so is the whole text when its escapes do not make UTF-8."""
    if "%" not in s:
        return s
    parts = s.split("%")
    try:
        b = bytearray(parts[0].encode())
        for p in parts[1:]:
            if len(p) > 1 and p[0] in _HEX and p[1] in _HEX:
                b.append(int(p[:2], 16))
                p = p[2:]
            else:
                b.append(37)  # "%"
            b.extend(p.encode())
        return b.decode()
    except UnicodeError:  # also CPython's lone surrogates
        return s


def parse_qs(s):
    """{"name": "value"}; a repeated name gives a list, a name without "=" gives True."""
    res = {}
    if s:
        for p in s.split("&"):
            if not p:
                continue
            k, eq, v = p.partition("=")
            k = unquote_plus(k)
            v = unquote_plus(v) if eq else True
            old = res.get(k)
            if old is None:
                res[k] = v
            elif isinstance(old, list):
                old.append(v)
            else:
                res[k] = [old, v]
    return res
