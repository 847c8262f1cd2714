# tests_hw/harness.py, run for real against the virtual board (short runs: the
# benchmark figures themselves come from `make bench BOARD=...`, not from tests).
import os
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests_hw"))
import harness  # noqa: E402
from tools.serverproc import free_port  # noqa: E402

WRK_OUT = """Running 1s test @ http://127.0.0.1:8144/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    77.74us   90.23us 751.00us   96.33%
  Latency Distribution
     50%   62.00us
     75%   72.00us
     90%    1.20ms
     99%    2.50s
  3000 requests in 1.00s, 21.97KB read
  Socket errors: connect 0, read 2, write 1, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   3000.00
checked-bad 9
"""


def test_parse_wrk():
    r = harness.parse_wrk(WRK_OUT)
    assert r == {"rps": 3000.0, "requests": 3000, "p50_ms": 0.062, "p99_ms": 2500.0, "failures": 13}


def test_quick_run_on_the_virtual_board(tmp_path):
    run = harness.main(["--board", "unix", "--like", "esp32", "--quick", "--frameworks", "picoweb,bare",
                        "--scenarios", "hello-c4,json,soak", "--out", str(tmp_path)])
    p, b = run["results"]["picoweb"], run["results"]["bare"]
    assert set(p) == {"hello-c4", "json", "soak"} and set(b) == {"hello-c4", "soak"}  # bare: hello only
    for r in list(p.values()) + list(b.values()):
        assert r["failures"] == 0 and r["rps"] > 0 and r["p50_ms"] is not None
        assert 0 < r["heap_before"] <= r["heap_peak"] and r["heap_free"] > 0
        assert r["served"] >= r["requests"]
    assert p["soak"]["requests"] >= 1000
    assert run["ratios"]["hello-c4"]["vs_bare"] > 0
    files = sorted(os.listdir(tmp_path))
    assert [f.rsplit(".", 1)[1] for f in files] == ["json", "md", "png"]
    with open(tmp_path / files[2], "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "| hello-c4 | picoweb |" in (tmp_path / files[1]).read_text()


@pytest.mark.parametrize("args,message", [
    (["--board", "esp32"], "give the board's address: HOST="),
    (["--board", "esp32", "--host", "127.0.0.1", "--port", "/dev/ttyNOPE3"], "serial port /dev/ttyNOPE3 does not exist"),
    (["--board", "esp99"], "unknown board 'esp99'"),
    (["--frameworks", "flask"], "unknown framework flask"),
])
def test_clear_errors(args, message, tmp_path):
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests_hw", "harness.py"), "--out", str(tmp_path)] + args,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and message in p.stderr and "Traceback" not in p.stderr


def test_unreachable_board():
    with pytest.raises(harness.HarnessError, match=r"does not answer on http://127.0.0.1:\d+/ after 1 s"):
        harness.wait_http("127.0.0.1", free_port(), 1, "the board")
