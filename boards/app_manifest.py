# The app staged by tools/build.py (PICOWEB_APP_STAGE): its modules, its packages
# (templates/ with its compiled *_tpl.py among them) and the micropython-lib modules its
# require.txt names. Its main.py stays on the board's filesystem. Included by ../manifest.py,
# and by the benchmark's manifests for other frameworks' apps.
import os

_app = os.environ.get("PICOWEB_APP_STAGE")
if _app:
    for _f in sorted(os.listdir(_app)):
        if _f.endswith(".py") and _f not in ("main.py", "boot.py"):
            module(_f, base_path=_app)
    for _d in sorted(os.listdir(_app)):
        if os.path.isfile(os.path.join(_app, _d, "__init__.py")):
            package(_d, base_path=_app)
    if os.path.isfile(os.path.join(_app, "require.txt")):
        with open(os.path.join(_app, "require.txt")) as _f:
            for _name in _f.read().split():
                require(_name)
