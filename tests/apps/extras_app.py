# Cookies, signed sessions and Basic auth, as an app uses them (tests/test_extras.py).
import sys

import picoweb
from picoweb.auth import basic_auth, credentials, protect
from picoweb.cookies import cookie_header, get_cookies, sign, unsign

SECRET = "test-secret"
app = picoweb.WebApp(None, serve_static=False)


@app.route("/login")
def login(req, resp):
    yield from picoweb.start_response(resp, "text/plain", headers=cookie_header("session", sign("alice", SECRET)) +
                                      cookie_header("theme", "dark", http_only=False))
    yield from resp.awrite("logged in")


@app.route("/me")
async def me(req, resp):
    user = unsign(get_cookies(req).get("session"), SECRET)
    if user is None:
        await picoweb.http_error(resp, "401")
    else:
        await picoweb.send(resp, "you are " + user, content_type="text/plain")


@app.route("/secret")
@basic_auth(credentials("admin", "pa:ss word"), realm="device")
async def secret(req, resp):
    await picoweb.send(resp, "the secret", content_type="text/plain")


settings = picoweb.WebApp(None, serve_static=False)


@settings.route("/")
def settings_index(req, resp):
    yield from picoweb.jsonify(resp, {"wifi": "home"})


protect(settings, credentials("admin", "admin"))
app.mount("/settings", settings)

app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=-1)
