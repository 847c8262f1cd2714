# Multipart uploads (picoweb.multipart) as an app takes them, on both runtimes: saved to a file
# in the folder given as argv[2], or hashed on the fly. (tests/test_uploads.py)
try:
    import hashlib
except ImportError:  # Pycopy has only the u-named modules
    import uhashlib as hashlib
import sys

import picoweb
from picoweb import multipart

app = picoweb.WebApp(None, serve_static=False)
DIR = sys.argv[2]
saved = []


def hexdigest(h):
    try:
        import binascii
    except ImportError:
        import ubinascii as binascii
    return binascii.hexlify(h.digest()).decode()


@app.route("/upload", methods=("POST",), max_body=64 * 1024 * 1024)
async def upload(req, resp):
    files = []

    async def save(part):
        # to a file, hashing on the way: never more than one piece in memory
        h = hashlib.sha256()
        n = 0
        with open("%s/%d.bin" % (DIR, len(files)), "wb") as f:
            while True:
                d = await part.read()
                if not d:
                    break
                h.update(d)
                f.write(d)
                n += len(d)
        files.append({"name": part.name, "filename": part.filename, "type": part.content_type,
                      "size": n, "sha256": hexdigest(h)})

    fields = await multipart.parse(req, save)
    await picoweb.jsonify(resp, {"fields": fields, "files": files})


@app.route("/save", methods=("POST",), max_body=64 * 1024 * 1024)
def save_to_file(req, resp):
    # the generator style, with the reader and Part.save()
    form = multipart.MultipartReader(req)
    out = {}
    while True:
        part = yield from form.next()
        if part is None:
            break
        if part.filename:
            out[part.name] = yield from part.save(DIR + "/saved.bin")
        # a plain field left unread is skipped
    yield from picoweb.jsonify(resp, out)


@app.route("/small", methods=("POST",))  # the default max_body (4096 bytes)
def small(req, resp):
    yield from picoweb.jsonify(resp, (yield from multipart.parse(req)))


app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=-1)
