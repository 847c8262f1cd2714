# A form: GET shows it, POST reads the fields (URL-encoded) and shows them back, escaped
# by the template. Run: python3 example_forms.py
import sys

import picoweb

app = picoweb.WebApp(None)


@app.route("/", methods=("GET", "POST"))
def form(req, resp):
    fields = {}
    if req.method == "POST":
        fields = yield from req.read_form_data()
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "form.tpl", (fields,))


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
