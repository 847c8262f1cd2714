# docs/api.md is generated from the docstrings, and every public call has one.
import os
import subprocess
import sys

from conftest import ROOT


def test_api_reference_is_current_and_complete():
    p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "apidoc.py"), "--check"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
