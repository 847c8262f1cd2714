# A small JSON API with async handlers: list, create, read, delete.
#   curl localhost:8081/api/items
#   curl -d '{"name": "lamp", "on": true}' localhost:8081/api/items
#   curl -X DELETE localhost:8081/api/items/1
import sys

import picoweb

app = picoweb.WebApp(None, serve_static=False)
items = {}
next_id = [1]


@app.route("/api/items", methods=("GET", "POST"))
async def collection(req, resp):
    if req.method == "GET":
        await picoweb.jsonify(resp, [dict(v, id=k) for k, v in sorted(items.items())])
        return
    try:
        item = await req.read_json()
    except ValueError:
        await picoweb.http_error(resp, "400")
        return
    items[next_id[0]] = item
    await picoweb.jsonify(resp, dict(item, id=next_id[0]), status="201")
    next_id[0] += 1


@app.route("/api/items/<int:id>", methods=("GET", "DELETE"))
async def one(req, resp):
    i = req.params["id"]
    if i not in items:
        await picoweb.http_error(resp, "404")
    elif req.method == "DELETE":
        del items[i]
        await picoweb.send(resp, "", "204")
    else:
        await picoweb.jsonify(resp, dict(items[i], id=i))


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
