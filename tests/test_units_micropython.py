# The unit tests of tests/unit/, run again under MicroPython: the prebuilt unix port (picoweb
# from source) and the virtual board's 32-bit firmware (picoweb frozen).
import os
import subprocess

import pytest

from conftest import ROOT, micropython_script_env

UNITS = ["test_units", "test_templates", "test_template_loaders", "test_cookies_auth"]


@pytest.mark.parametrize("runtime", ["micropython", "firmware"])
def test_unit_tests_pass_under_micropython(runtime):
    exe, path = micropython_script_env(runtime)
    env = dict(os.environ, MICROPYPATH=":".join(path + [os.path.join(ROOT, "tests", "unit")]))
    p = subprocess.run([exe, os.path.join(ROOT, "tests", "unit", "run_micropython.py")] + UNITS,
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip().endswith(" passed, 0 failed"), p.stdout
