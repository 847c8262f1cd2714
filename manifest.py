# picoweb's firmware manifest (MicroPython's manifest language): freezes picoweb and,
# when scripts/build.py has staged one, the app with its precompiled templates.
# Paths are relative to this file. Each board's manifest (boards/<name>/manifest.py)
# includes its port's default manifest and then this one.
import os

package("picoweb")

# The app staged by `make mpy` / `make firmware`: its modules, and templates/*_tpl.py.
_app = os.environ.get("PICOWEB_APP_STAGE")
if _app:
    for _f in sorted(os.listdir(_app)):
        if _f.endswith(".py") and _f not in ("main.py", "boot.py"):
            module(_f, base_path=_app)
    if os.path.isdir(os.path.join(_app, "templates")):
        package("templates", base_path=_app)
