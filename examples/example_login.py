# A signed session cookie (picoweb.cookies) for a small login, and a settings page behind HTTP
# Basic auth (picoweb.auth), mounted at /settings. Run: python3 example_login.py
# Change SECRET and the passwords on a real device, and keep the device on a trusted network.
import sys

import picoweb
from picoweb.auth import credentials, protect
from picoweb.cookies import cookie_header, get_cookies, sign, unsign

SECRET = "change-me"
USERS = {"anna": "garden"}
app = picoweb.WebApp(None, serve_static=False)


@app.route("/")
def index(req, resp):
    user = unsign(get_cookies(req).get("session"), SECRET)
    if user:
        body = "<p>Hello, %s. <a href='/logout'>Log out</a> &middot; <a href='/settings/'>Settings</a></p>" % user
    else:
        body = """<form method="post" action="/login"><input name="user" placeholder="user">
<input name="password" type="password" placeholder="password"> <button>Log in</button></form>"""
    yield from picoweb.send(resp, "<!doctype html><html><body><h1>Device</h1>%s</body></html>" % body)


@app.route("/login", methods=("POST",))
def login(req, resp):
    form = yield from req.read_form_data()
    user = form.get("user", "")
    if USERS.get(user) != form.get("password"):
        yield from picoweb.http_error(resp, "403")
        return
    # back to the page, with the session: the user's name, signed; the browser keeps it for a day
    yield from picoweb.send(resp, "", "303", "text/plain",
                            "Location: /\r\n" + cookie_header("session", sign(user, SECRET), max_age=86400))


@app.route("/logout")
def logout(req, resp):
    yield from picoweb.send(resp, "<p>Logged out. <a href='/'>Back</a></p>", headers=cookie_header("session", "", max_age=0))


settings = picoweb.WebApp(None, serve_static=False)


@settings.route("/")
def settings_page(req, resp):
    yield from picoweb.send(resp, "<h1>Settings</h1><p>Wi-Fi: home</p>")


protect(settings, credentials("admin", "admin"), realm="device settings")
app.mount("/settings", settings)

if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
