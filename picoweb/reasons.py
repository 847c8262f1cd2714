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


def reason(code):
    """"404" -> "Not Found"; "Unknown" for a code not in the table."""
    i = _REASONS.find("\n" + code + " ")
    if i < 0:
        return "Unknown"
    return _REASONS[i + 2 + len(code) : _REASONS.find("\n", i + 1)]
