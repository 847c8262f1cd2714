# picoweb's firmware manifest (MicroPython's manifest language): freezes picoweb and,
# when scripts/build.py has staged one, the app with its precompiled templates.
# Paths are relative to this file. Each board's manifest (boards/<name>/manifest.py)
# includes its port's default manifest and then this one.
import os

package("picoweb")

# The app staged by `make mpy` / `make firmware`: its modules, templates/*_tpl.py, and the
# micropython-lib modules listed in its require.txt.
_app = os.environ.get("PICOWEB_APP_STAGE")
if _app:
    for _f in sorted(os.listdir(_app)):
        if _f.endswith(".py") and _f not in ("main.py", "boot.py"):
            module(_f, base_path=_app)
    for _d in sorted(os.listdir(_app)):  # its packages, templates/ among them
        if os.path.isfile(os.path.join(_app, _d, "__init__.py")):
            package(_d, base_path=_app)
    # micropython-lib modules the app needs, one name per line of its require.txt
    if os.path.isfile(os.path.join(_app, "require.txt")):
        with open(os.path.join(_app, "require.txt")) as _f:
            for _name in _f.read().split():
                require(_name)
