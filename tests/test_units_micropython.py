# The unit tests of tests/unit/, run again under the MicroPython unix port.
import os
import subprocess

from conftest import ROOT, micropython


def test_unit_tests_pass_under_micropython():
    env = dict(os.environ, MICROPYPATH=ROOT + ":" + os.path.join(ROOT, "tests", "unit") + ":.frozen")
    p = subprocess.run([micropython(), os.path.join(ROOT, "tests", "unit", "run_micropython.py"), "test_units", "test_templates", "test_template_loaders", "test_cookies_auth"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip().endswith(" passed, 0 failed"), p.stdout
