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


try:
    import asyncio
except ImportError:
    import uasyncio as asyncio
from picoweb import sse

STATE = {"endless": "idle"}


@app.route("/events")
async def events(req, resp):
    async def three(es):
        for i in range(3):
            await es.send("tick %d\nsecond line" % i, event="tick", id=i)
            await asyncio.sleep(0.05)

    await sse.stream(req, resp, three, heartbeat=0.2)


@app.route("/endless")
async def endless(req, resp):
    async def forever(es):
        STATE["endless"] = "running"
        try:
            i = 0
            while True:
                await es.send(i)
                i += 1
                await asyncio.sleep(0.05)
        finally:
            STATE["endless"] = "stopped"

    await sse.stream(req, resp, forever, heartbeat=0.1)


@app.route("/endless-state")
def endless_state(req, resp):
    yield from picoweb.jsonify(resp, STATE)


settings = picoweb.WebApp(None, serve_static=False)


@settings.route("/")
def settings_index(req, resp):
    yield from picoweb.jsonify(resp, {"wifi": "home"})


protect(settings, credentials("admin", "admin"))
app.mount("/settings", settings)

app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=-1)
