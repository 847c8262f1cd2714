# docs/api.md is generated from the docstrings, and every public call has one.
import os
import subprocess
import sys

from conftest import ROOT


def test_api_reference_is_current_and_complete():
    p = subprocess.run([sys.executable, "-m", "tools.apidoc", "--check"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


def test_readme_figures_are_the_published_bench_run():
    # The README's <!-- bench:NAME --> blocks are written by `make bench PUBLISH=1` from the run
    # it publishes in bench/results/latest.json: never copied by hand, never stale.
    import json

    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import run

    with open(os.path.join(ROOT, "bench", "results", "latest.json")) as f:
        results = json.load(f)
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    blocks = run.sections(results)
    assert {"heap", "throughput", "modules", "templates"} <= set(blocks)
    for name, md in blocks.items():
        begin = "<!-- bench:%s -->\n" % name
        assert begin + md + "<!-- /bench:%s -->" % name in readme, name
