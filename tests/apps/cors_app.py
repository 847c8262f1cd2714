# picoweb.cors in an app, on both runtimes (tests/test_cors.py, tests/test_browser.py). Pages
# from http://localhost:PORT may call the API served at http://127.0.0.1:PORT, another origin.
import sys

import picoweb
from picoweb import cors

port = int(sys.argv[1])
app = picoweb.WebApp(None, serve_static=False)
api = picoweb.WebApp(None, serve_static=False)


@api.route("/data", methods=("GET", "POST"))
async def data(req, resp):
    got = await req.read_json() if req.method == "POST" else None
    await picoweb.start_response(resp, "application/json", headers={"X-Count": "3"})
    await resp.awrite('{"got": %s}' % ("null" if got is None else '"%s"' % got["v"]))


@api.route("/quiet", headers="skip")
def quiet(req, resp):
    yield from picoweb.jsonify(resp, {"quiet": True})


cors.enable(api, origins=("http://localhost:%d" % port,), methods=("GET", "POST"),
            headers=("Content-Type", "X-Token"), credentials=True, expose=("X-Count",))
app.mount("/api", api)

public = picoweb.WebApp(None, serve_static=False)


@public.route("/open")
def open_data(req, resp):
    yield from picoweb.jsonify(resp, {"open": True})


cors.enable(public)  # any origin, the default methods and headers
app.mount("/public", public)

PAGE = """<!doctype html><html><head><title>cors</title></head><body><pre id="log"></pre><script>
const log = (s) => document.getElementById("log").textContent += s + "\\n";
const api = "http://127.0.0.1:" + location.port;
(async () => {
  for (const [name, url, opts] of [
      ["post", api + "/api/data", {method: "POST", headers: {"Content-Type": "application/json", "X-Token": "t"},
                                   body: JSON.stringify({v: "hi"}), credentials: "include"}],
      ["other header", api + "/api/data", {headers: {"X-Other": "1"}}],
      ["no cors", api + "/api/quiet", {}],
      ["public", api + "/public/open", {}]]) {
    try {
      const r = await fetch(url, opts);
      log(name + " " + r.status + " " + (await r.text()) + " " + r.headers.get("X-Count"));
    } catch (e) { log(name + " blocked"); }
  }
  document.title = "done";
})();
</script></body></html>"""


@app.route("/")
def page(req, resp):
    yield from picoweb.send(resp, PAGE)


app.run(host="127.0.0.1", port=port, debug=-1)
