# Static files from static/: the page, its stylesheet (sent gzipped to browsers that accept
# it, as static/style.css.gz exists) and a script. Run: python3 example_static.py
import sys

import picoweb

app = picoweb.WebApp(None)  # serves /static/... from ./static


@app.route("/")
def index(req, resp):
    yield from app.sendfile(resp, "static/index.html")


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
