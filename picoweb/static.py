# Static files: the /static/ route and app.sendfile(). Imported on first use.
from .compat import need

os = need("os")

from .conn import header_lines, http_error, sendstream

# File extension -> MIME type, looked up by "\n<ext> " (a string costs less heap than a dict).
_MIME = (
    "\n.html text/html; charset=utf-8\n.htm text/html; charset=utf-8\n.css text/css"
    "\n.js application/javascript\n.mjs application/javascript\n.json application/json"
    "\n.svg image/svg+xml\n.png image/png\n.jpg image/jpeg\n.jpeg image/jpeg"
    "\n.gif image/gif\n.ico image/x-icon\n.txt text/plain; charset=utf-8"
    "\n.wasm application/wasm\n.xml application/xml\n.webp image/webp\n.woff2 font/woff2\n"
)


def mime_type(fname):
    """MIME type of a file name by its extension (application/octet-stream if unknown)."""
    i = fname.rfind(".")
    if i >= 0:
        ext = fname[i:].lower()
        j = _MIME.find(ext)
        while j > 0:  # the extension a line starts with, whole: ".js", not ".json"'s start
            k = j + len(ext)
            if _MIME[j - 1] == "\n" and _MIME[k] == " ":
                return _MIME[k + 1 : _MIME.find("\n", k)]
            j = _MIME.find(ext, k)
    return "application/octet-stream"


def app_dir(app):
    """Folder of the app's package: templates/ and static/ are found there;
    the current directory for WebApp(None) or WebApp("__main__").
    """
    if app.pkg is None:
        return "."
    m = __import__(app.pkg)
    p = getattr(m, "__path__", None)
    if p is None:
        p = m.__file__.rpartition("/")[0] or "."
    elif not isinstance(p, str):
        p = list(p)[0]  # CPython: a list of folders
    return p


def safe_path(path):
    """True if path names a file below its folder: no "..", ".", empty or absolute parts."""
    for s in path.split("/"):
        if s in ("", ".", "..") or "\\" in s or "\0" in s:
            return False
    return True


def serve_static(app, req, resp):
    """Serves req.url_match.group(1) ("static/..."), refusing traversal with 403."""
    from .utils import unquote

    path = unquote(req.url_match.group(1))  # "static/..."
    if not safe_path(path):
        yield from http_error(resp, "403")
        return
    gz = b"gzip" in req.header(b"Accept-Encoding", b"")
    yield from sendfile(app, resp, path, None, None, gz)


def sendfile(app, resp, fname, content_type=None, headers=None, gzip=False):
    """fname is relative to the app's folder; streamed through one small buffer."""
    path = app_dir(app) + "/" + fname
    ct = content_type or mime_type(fname)
    extra = ""
    f = None
    if gzip:
        try:
            f = open(path + ".gz", "rb")
            path += ".gz"
            extra = "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n"
        except OSError:
            pass
    try:
        if f is None:
            f = open(path, "rb")
        st = os.stat(path)
    except OSError:
        if f:
            f.close()
        yield from http_error(resp, "404")
        return
    if st[0] & 0x4000:  # a directory
        f.close()
        yield from http_error(resp, "404")
        return
    if headers:
        extra += header_lines(headers)
    try:
        resp.start("200", ct, extra, st[6])
        if not resp.nobody:
            yield from sendstream(resp, f)
    finally:
        f.close()
