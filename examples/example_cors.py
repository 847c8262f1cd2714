# A device's JSON API that pages from another origin may call (picoweb.cors), e.g. a dashboard
# served from a computer on the same network. Run: python3 example_cors.py
import sys

import picoweb
from picoweb import cors

app = picoweb.WebApp(None, serve_static=False)
state = {"led": False}


@app.route("/api/led", methods=("GET", "PUT"))
async def led(req, resp):
    if req.method == "PUT":
        state["led"] = bool((await req.read_json()).get("on"))
    await picoweb.jsonify(resp, state)


# The dashboard's origin (scheme, host and port, as the browser shows it); "*" allows any page.
cors.enable(app, origins=("http://127.0.0.1:8000", "http://localhost:8000"), methods=("GET", "PUT"),
            headers=("Content-Type",))

if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
