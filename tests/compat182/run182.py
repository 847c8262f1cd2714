# The reference side of tests/test_compat_182.py: `pycopy run182.py APP PORT`, in the app's
# folder, runs the picoweb 1.8.2 app APP unmodified as __main__ on loopback port PORT. Only
# WebApp.run()'s port is replaced: 1.8.2 has no way to take one from outside (the apps hard-code
# 8081), and the tests need a free port per server.
import sys

app, port = sys.argv[1], int(sys.argv[2])

import picoweb  # noqa: E402  picoweb 1.8.2, from the module path

_run = picoweb.WebApp.run


def run(self, host="127.0.0.1", _port=8081, *args, **kw):
    _run(self, host, port, *args, **kw)


picoweb.WebApp.run = run
sys.argv[:] = [app]
sys.path[0] = ""  # as `pycopy APP` in the app's folder: its sibling modules import
with open(app) as f:
    code = compile(f.read(), app, "exec")
exec(code, {"__name__": "__main__", "__file__": app})
