# File uploads (picoweb.multipart): a form sends files, which are written to uploads/ piece by
# piece, so a file may be much larger than the heap (up to max_body, here 1 MB; flash is the
# limit on a board). Run: python3 example_upload.py
try:
    import os
except ImportError:  # Pycopy has only the u-named modules
    import uos as os
import sys

import picoweb
from picoweb import multipart

app = picoweb.WebApp(None, serve_static=False)
DIR = "uploads"


def listing():
    try:
        names = sorted(e[0] for e in os.ilistdir(DIR)) if hasattr(os, "ilistdir") else sorted(os.listdir(DIR))
    except OSError:
        names = []
    return "".join("<li>%s (%d bytes)</li>" % (n, os.stat(DIR + "/" + n)[6]) for n in names)


@app.route("/")
def index(req, resp):
    yield from picoweb.send(resp, """<!doctype html><html><head><meta charset="utf-8"><title>Uploads</title></head>
<body><h1>Uploads</h1><ul id="files">%s</ul>
<form method="post" action="/upload" enctype="multipart/form-data">
<input type="file" name="file" multiple> <input name="note" placeholder="note"> <button>Upload</button></form>
</body></html>""" % listing())


def safe_name(name):
    # only the file's own name, in letters, digits and a few marks: nothing can leave DIR
    name = (name or "").replace("\\", "/").split("/")[-1]
    return "".join(c if c.isalpha() or c.isdigit() or c in "._-" else "_" for c in name).lstrip(".") or "upload"


@app.route("/upload", methods=("POST",), max_body=1024 * 1024)
async def upload(req, resp):
    try:
        os.mkdir(DIR)
    except OSError:
        pass  # it exists

    async def save(part):
        await part.save(DIR + "/" + safe_name(part.filename))

    await multipart.parse(req, save)
    await picoweb.redirect(resp, "/", "303")  # back to the list, as a GET


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
