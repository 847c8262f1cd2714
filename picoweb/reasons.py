# Reason phrases of HTTP status codes (RFC 9110), imported by status_line() for a status other
# than 200 and 500. One string costs less heap than a dict.
_REASONS = (
    "\n100 Continue\n101 Switching Protocols\n200 OK\n201 Created\n202 Accepted"
    "\n204 No Content\n206 Partial Content\n301 Moved Permanently\n302 Found"
    "\n303 See Other\n304 Not Modified\n307 Temporary Redirect\n308 Permanent Redirect"
    "\n400 Bad Request\n401 Unauthorized\n403 Forbidden\n404 Not Found"
    "\n405 Method Not Allowed\n406 Not Acceptable\n408 Request Timeout\n409 Conflict"
    "\n411 Length Required\n413 Content Too Large\n414 URI Too Long"
    "\n415 Unsupported Media Type\n417 Expectation Failed\n422 Unprocessable Content\n429 Too Many Requests"
    "\n431 Request Header Fields Too Large\n500 Internal Server Error"
    "\n501 Not Implemented\n503 Service Unavailable\n505 HTTP Version Not Supported\n"
)


def status_line(code):
    """"404" -> "404 Not Found"; "404 Unknown" for a code not in the table. (Sliced from the
    table whole: the error pages' line costs one string, not one per piece.)"""
    i = _REASONS.find(code)
    if i < 1 or _REASONS[i - 1] != "\n" or _REASONS[i + len(code)] != " ":
        return code + " Unknown"
    return _REASONS[i : _REASONS.find("\n", i)]
