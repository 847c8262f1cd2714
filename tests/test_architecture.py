# The package's imports run downward: each module has a layer, and imports (lazy ones inside
# functions included) only reach lower layers; so there are no cycles, and no module imports
# the module that imports it. docs/architecture.md draws the same layers.
import ast
import os

from conftest import ROOT

PKG = os.path.join(ROOT, "picoweb")

# Bottom to top. A module may import only from layers below its own.
LAYERS = [
    ["compat_cpython", "compat_pycopy"],  # the parts of compat only CPython or Pycopy loads
    ["compat", "reasons", "utils", "sha1", "heapstat", "log", "template_compiler"],  # no picoweb imports
    ["status", "route", "cookies", "block"],  # statuses; routes with <name> parts; cookies; a gathered body's writes
    ["chunked", "conn_more", "request_more"],  # the chunk decoder; the seldom-used Connection methods;
    # the HTTPRequest methods that read the body
    ["conn"],  # the connection: body reading, response writing
    ["request", "static", "errors"],  # the request object; static files; a failed request's answer
    ["admit"],  # a connection over max_conns: waiting for a slot (and every connection on CPython)
    ["http", "template"],  # the server and the head parser; template loaders
    ["template_dev"],  # the loader that compiles again when a template changed
    ["app_more", "render"],  # the WebApp methods only some apps call: mounts, hooks, sendfile(); templates
    ["__init__"],  # WebApp: routes, mounts, hooks, the 1.8.2 helpers
    ["stats", "cors", "auth", "sse", "websocket", "multipart"],  # extensions: public API and hooks
]
RANK = {m: i for i, layer in enumerate(LAYERS) for m in layer}


def imports(name):
    # the picoweb modules `name` imports, anywhere in it
    with open(os.path.join(PKG, name + ".py")) as f:
        tree = ast.parse(f.read())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                if node.module:
                    out.add(node.module.split(".")[0])
                else:  # from . import X: X is a submodule or a name of the package's __init__
                    for a in node.names:
                        out.add(a.name if a.name in RANK and a.name != "__init__" else "__init__")
            elif node.module and node.module.startswith("picoweb"):
                out.add(node.module.split(".")[1] if "." in node.module else "__init__")
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("picoweb"):
                    out.add(a.name.split(".")[1] if "." in a.name else "__init__")
    out.discard(name)
    return out


def test_every_module_has_a_layer():
    modules = {f[:-3] for f in os.listdir(PKG) if f.endswith(".py")}
    assert modules == set(RANK), "place new modules in LAYERS: %s" % (modules ^ set(RANK))


def test_imports_run_downward():
    wrong = []
    for m in RANK:
        for dep in imports(m):
            if RANK[dep] >= RANK[m]:
                wrong.append("%s imports %s" % (m, dep))
    assert not wrong, wrong


def test_extensions_touch_no_internals():
    # Extensions use the public API and hooks: no underscore names of other picoweb modules,
    # no private connection or app state.
    for m in LAYERS[-1] + ["cookies"]:
        with open(os.path.join(PKG, m + ".py")) as f:
            src = f.read()
        for bad in ("._route", "url_map", ".xh", "._conns", ".admission", ".left", ".chunks", ".w.write", "._fill"):
            assert bad not in src, "%s uses %s" % (m, bad)
