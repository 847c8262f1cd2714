# A sub-app mounted at /admin: it sees paths without the prefix and is initialised on
# its first request. Run: python3 example_mount.py, then open /admin/ and /admin/status
import sys

import picoweb


class Admin(picoweb.WebApp):
    def init(self):
        self.started = "at its first request"
        super().init()


admin = Admin(None, serve_static=False)


@admin.route("/")
def admin_index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("admin home (initialised %s); this path is %s" % (admin.started, req.path))


@admin.route("/status")
def admin_status(req, resp):
    yield from picoweb.jsonify(resp, {"ok": True, "path": req.path})


app = picoweb.WebApp(None, serve_static=False)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite('<a href="/admin/">admin</a>')


app.mount("/admin", admin)

if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081,
            lazy_init=True)
