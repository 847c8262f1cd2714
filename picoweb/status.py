# HTTP statuses: HTTPError, which answers a request with a status, and the status line of a
# response. The reason phrases beyond 200 and 500 are in reasons.py, loaded on first use.


class HTTPError(Exception):
    """Raised (by picoweb, or by a handler) to answer with the status args[0], with header lines
    args[1] if given, and close the connection."""
    pass


def status_line(status):
    """"404" or 404 -> "404 Not Found"; "404 Gone Fishing" is kept as given."""
    s = str(status)
    if s == "200":
        return "200 OK"
    if s == "500":  # sent when a handler ran out of heap: no module is imported for it then
        return "500 Internal Server Error"
    if " " in s:
        return s
    from .reasons import reason

    return s + " " + reason(s)
