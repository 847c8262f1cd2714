#!/usr/bin/env python3
"""The on-device harness: what an app costs on a board. For each framework (picoweb,
microdot, a bare asyncio server) it deploys that framework's app to the board with mpremote,
then drives the board's HTTP server over the network through the scenarios, and reads the
heap from the board itself (the app's /_stats route).

  make bench BOARD=unix [LIKE=esp8266] [NETEM="delay 5ms loss 0.1%"]   the virtual board
  make bench BOARD=esp32 HOST=192.168.4.1 PORT=/dev/ttyUSB0            a real board

usage: harness.py --board B [--like L] [--host H] [--port SERIAL] [--http-port N]
                  [--frameworks picoweb,microdot,bare] [--scenarios a,b] [--quick]
                  [--min-heap] [--netem SPEC] [--out DIR]

Results: build/tests_hw/results/<date>-<board>.json, .md and .png (--publish: also tests_hw/results/).
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)  # this script runs from tests_hw/: the tools are beside it

from tools import boards, build, device, frameworks, mpy  # noqa: E402
from tools.heapsearch import smallest  # noqa: E402
from tools.serverproc import free_port  # noqa: E402

FRAMEWORKS = ("picoweb", "picoweb-1.8.2", "microdot", "bare")
FORM = "name=board&location=kitchen&interval=60&unit=celsius"


class Scenario:
    # `seconds` of load (wrk waits out its duration, so the count is only a safety cap);
    # `at_least` requests for a soak, in runs of `seconds` until reached.
    def __init__(self, name, path="/", seconds=3, conns=4, close=False, method="GET", body=None, headers=None,
                 check=None, at_least=0):
        self.name, self.path, self.seconds, self.conns, self.close = name, path, seconds, conns, close
        self.method, self.body, self.headers = method, body, dict(headers or {})
        self.check = check  # a byte string every response must contain
        self.at_least = at_least


CAP = 1000000  # responses per wrk run, far above what a run of a few seconds can reach
SCENARIOS = [
    Scenario("hello-c1", conns=1, check=b"Hello world"),
    Scenario("hello-c4", check=b"Hello world"),
    Scenario("hello-c16", conns=16, check=b"Hello world"),
    Scenario("hello-close", close=True, check=b"Hello world"),
    Scenario("json", "/json", check=b"temperature"),
    Scenario("template", "/page", check=b"sensor 19"),
    Scenario("static", "/static/style.css", check=b".c59"),
    Scenario("static-gzip", "/static/style.css", headers={"Accept-Encoding": "gzip"}),
    Scenario("form-post", "/form", method="POST", body=FORM,
             headers={"Content-Type": "application/x-www-form-urlencoded"}, check=b"board"),
    Scenario("soak", seconds=2, check=b"Hello world", at_least=10000),
]
# what the bare server, which answers every path with "Hello world", can stand in for
BARE = {"hello-c1", "hello-c4", "hello-c16", "hello-close", "soak"}


class HarnessError(Exception):
    pass


# ---- apps: each framework's harness app (tools/frameworks.py knows them and stages them) ----

def framework(name):
    for fw in frameworks.frameworks():
        if fw.name == name:
            return fw
    raise HarnessError("unknown framework %s; known: %s" % (name, ", ".join(FRAMEWORKS)))


# ---- targets: where the apps run ----

def wait_http(host, port, limit, what):
    end = time.time() + limit
    while time.time() < end:
        try:
            socket.create_connection((host, port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise HarnessError("%s does not answer on http://%s:%d/ after %d s" % (what, host, port, limit))


class VirtualTarget:
    # The virtual board (BOARD=unix): for each framework its 32-bit firmware with the framework
    # and the app's modules frozen in, as a board flashed with it; main.py and static/ deployed
    # with mpremote; then a fresh board with the heap of the board it stands for.
    def __init__(self, like, heap_bytes=None, netns=None):
        from tools.vboard import heap_model

        self.board = boards.load("unix")
        self.like = like
        self.heap = heap_bytes
        self.model = heap_model(like)
        self.netns = netns
        self.host = "127.0.0.1"
        self.vb = None

    def describe(self):
        return "virtual board (MicroPython unix port, 32-bit firmware, frameworks frozen) like %s: %s" % (
            self.like, "GC heap %d bytes" % self.heap if self.heap else
            "GC heap %d bytes, %d free after boot" % (self.model["gc_heap"], self.model["free"]))

    def install(self, fw, tmp):
        # build (the firmware), start a board with a large heap, deploy with mpremote (as to a real board)
        from tools.vboard import VirtualBoard

        self.firmware, files = frameworks.prepare(framework(fw), "harness", "frozen")
        self.flash = os.path.join(tmp, "flash-" + fw)
        vb = VirtualBoard(self.flash, self.firmware, heap=4 << 20).start()
        try:
            p = subprocess.run(device.deploy_command(self.board, vb.port, files), capture_output=True, text=True,
                               timeout=300)
            if p.returncode:
                raise HarnessError("deploying %s to the virtual board failed:\n%s%s" % (fw, p.stdout, p.stderr))
        finally:
            vb.stop()

    def start(self, fw, heap_bytes=None):
        # power on the board with the heap it stands for; main.py serves
        from tools.vboard import VirtualBoard

        self.http_port = free_port()
        heap_bytes = heap_bytes or self.heap
        self.vb = VirtualBoard(self.flash, self.firmware, None if heap_bytes else self.like, heap_bytes,
                               http_port=self.http_port, netns=self.netns).start()
        wait_http(self.host, self.http_port, 20, "the virtual board running %s" % fw)

    def alive(self):
        return self.vb.proc.poll() is None

    def stop(self):
        if self.vb:
            self.vb.stop()
            self.vb = None


class RealTarget:
    # A board on the network: each framework's app deployed over the serial port, then reset.
    def __init__(self, name, host, serial, http_port=80):
        self.board = boards.load(name)
        if not host:
            raise HarnessError("give the board's address: HOST=192.168.4.1 (what boot.py printed)")
        self.host, self.serial, self.http_port = host, serial, http_port

    def describe(self):
        return "%s (%s) at %s" % (self.board["name"], self.board["board"], self.host)

    def install(self, fw, tmp):
        # the framework and its app as .mpy files in the board's lib/, over the serial port
        f = framework(fw)
        app = frameworks.stage_app(f, "harness", os.path.join(tmp, "app-" + fw))
        os.environ["PICOWEB_FIRMWARE_DIR"] = os.path.join(tmp, "firmware-" + fw)
        lib = build.build_mpy(self.board, app, with_picoweb=fw == "picoweb")
        mpy.compile_all(lib, [l for l in f.libs if fw != "picoweb"], build.mpy_args(self.board), quiet=True)
        device.check_port(self.serial, False)
        p = subprocess.run(device.deploy_command(self.board, self.serial), capture_output=True, text=True, timeout=600)
        if p.returncode:
            raise HarnessError("deploying %s over %s failed:\n%s%s" % (fw, self.serial, p.stdout, p.stderr))

    def start(self, fw, heap_bytes=None):
        wait_http(self.host, self.http_port, 30, "the board running %s" % fw)

    def alive(self):
        try:
            socket.create_connection((self.host, self.http_port), 3).close()
            return True
        except OSError:
            return False

    def stop(self):
        pass


# ---- load and measurement ----

WRK_SCRIPT = """
-- generated by tests_hw/harness.py: the request, a check of each response, a bound on the count
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
answered = 0
bad = 0
function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 or (%(check)s ~= nil and not string.find(body, %(check)s, 1, true)) then bad = bad + 1 end
  if answered >= %(n)d then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  io.write(string.format("checked-bad %%d\\n", b))
end
"""


def lua_str(s):
    return "nil" if s is None else '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def run_wrk(host, port, sc, netns=None):
    # One run of a scenario with wrk: sc.seconds long, every response checked.
    headers = dict(sc.headers)
    if sc.close:
        headers["Connection"] = "close"
    hl = "\n".join('wrk.headers[%s] = %s' % (lua_str(k), lua_str(v)) for k, v in headers.items())
    script = WRK_SCRIPT % {"method": lua_str(sc.method), "body": lua_str(sc.body), "headers": hl,
                           "check": lua_str(sc.check.decode() if sc.check else None), "n": CAP}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    cmd = ["wrk", "-t1", "-c%d" % sc.conns, "-d%ds" % sc.seconds, "--timeout", "5s", "--latency", "-s", f.name,
           "http://%s:%d%s" % (host, port, sc.path)]
    if netns:
        cmd = ["ip", "netns", "exec", netns] + cmd
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=sc.seconds + 30).stdout
    finally:
        os.unlink(f.name)
    return parse_wrk(out)


def run_load(host, port, sc, netns=None, limit_s=300):
    # A scenario: one run, or for a soak runs until sc.at_least requests (at most limit_s).
    r = run_wrk(host, port, sc, netns)
    end = time.time() + limit_s
    while r["requests"] < sc.at_least and time.time() < end and r["requests"]:
        more = run_wrk(host, port, sc, netns)
        n = r["requests"] + more["requests"]
        r = {"rps": (r["rps"] * r["requests"] + more["rps"] * more["requests"]) / n if n else 0.0,
             "requests": n, "failures": r["failures"] + more["failures"],
             "p50_ms": r["p50_ms"], "p99_ms": max(r["p99_ms"] or 0, more["p99_ms"] or 0)}
    return r


def _ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(out):
    r = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", out)
    r["requests"] = int(m.group(1)) if m else 0
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, out, re.M)
        r["p%s_ms" % pct] = round(_ms(*m.groups()), 3) if m else None
    fails = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        fails += int(m.group(1)) + int(m.group(3)) + int(m.group(4))  # read errors: closes, counted below if bad
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    m2 = re.search(r"checked-bad (\d+)", out)
    fails += int(m2.group(1)) if m2 else (int(m.group(1)) if m else 0)
    r["failures"] = fails
    return r


def stats(host, port, reset=False, tries=5):
    # The board's heap figures; a busy board gets a few more tries before it counts as stopped.
    url = "http://%s:%d/_stats%s" % (host, port, "?reset" if reset else "")
    for i in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=10) as f:
                return json.load(f)
        except (OSError, ValueError):
            if i == tries - 1:
                raise
            time.sleep(1)


def run_scenarios(target, fw, scenarios):
    # Each scenario with the board's heap before and after; a board that stops answering
    # ends this framework's run, recorded as such.
    res = {}
    try:
        stats(target.host, target.http_port)  # starts the board's heap sampler
    except (OSError, ValueError) as e:
        raise HarnessError("%s: /_stats does not answer (%s)" % (fw, e))
    for sc in scenarios:
        if fw == "bare" and sc.name not in BARE:
            continue
        r = {}
        try:
            before = stats(target.host, target.http_port, reset=True)
            r = run_load(target.host, target.http_port, sc, getattr(target, "netns", None))
            time.sleep(0.2)  # a sample of the heap after the load
            after = stats(target.host, target.http_port)
        except (OSError, ValueError) as e:  # URLError and timeouts are OSErrors
            r.update(rps=r.get("rps", 0.0), requests=r.get("requests", 0), p50_ms=r.get("p50_ms"),
                     p99_ms=r.get("p99_ms"), failures=max(r.get("failures", 0), 1),
                     stopped="the board stopped answering: %s" % e)
            res[sc.name] = r
            print("  %-9s %-12s the board stopped answering (%s)" % (fw, sc.name, e), flush=True)
            break
        r.update(heap_before=before["alloc"], heap_peak=after["peak"], heap_after=after["alloc"],
                 heap_free=after["free"], served=after["requests"] - before["requests"])
        res[sc.name] = r
        print("  %-9s %-12s %8.0f req/s  p50 %s ms  p99 %s ms  failures %d  heap %d / peak %d / %d" % (
            fw, sc.name, r["rps"], r["p50_ms"], r["p99_ms"], r["failures"], r["heap_before"], r["heap_peak"],
            r["heap_after"]), flush=True)
    return res


def smallest_heap(target, fw, lo_kib=8, hi_kib=512):
    # The smallest heap (KiB) at which the hello and template scenarios pass (virtual board).
    quick = [Scenario("hello", seconds=1, check=b"Hello world"), Scenario("template", "/page", seconds=1, check=b"sensor 19")]
    if fw == "bare":
        quick = quick[:1]

    def passes(kib):
        try:
            target.start(fw, kib * 1024)
        except HarnessError:
            target.stop()
            return False
        try:
            for sc in quick:
                r = run_wrk(target.host, target.http_port, sc, target.netns)
                if r["failures"] or r["requests"] < 100 or not target.alive():
                    return False
            return True
        finally:
            target.stop()

    return smallest(passes, lo_kib, hi_kib)


# ---- output ----

def ratios(results):
    out = {}
    for sc, r in results.get("picoweb", {}).items():
        row = {}
        for other in ("bare", "microdot"):
            o = results.get(other, {}).get(sc)
            if o and o["rps"]:
                row["vs_" + other] = round(r["rps"] / o["rps"], 2)
        out[sc] = row
    return out


def markdown(run):
    lines = ["# tests_hw: %s, %s" % (run["target"], run["date"]), ""]
    if run.get("netem"):
        lines += ["netem on the link: %s" % run["netem"], ""]
    lines += ["| scenario | framework | req/s | p50 ms | p99 ms | failures | heap before | peak | after |",
              "|---|---|---|---|---|---|---|---|---|"]
    for fw, res in run["results"].items():
        for sc, r in res.items():
            lines.append("| %s | %s | %.0f | %s | %s | %d%s | %s | %s | %s |" % (
                sc, fw, r["rps"], r["p50_ms"], r["p99_ms"], r["failures"], " (board stopped)" if r.get("stopped") else "",
                r.get("heap_before", "-"), r.get("heap_peak", "-"), r.get("heap_after", "-")))
    lines += ["", "| scenario | picoweb / bare | picoweb / microdot |", "|---|---|---|"]
    for sc, row in run["ratios"].items():
        lines.append("| %s | %s | %s |" % (sc, row.get("vs_bare", "-"), row.get("vs_microdot", "-")))
    for fw, e in run.get("errors", {}).items():
        lines += ["", "%s: %s" % (fw, e)]
    if run.get("min_heap_kib"):
        lines += ["", "Smallest heap passing the hello and template scenarios (KiB): " +
                  ", ".join("%s %s" % kv for kv in run["min_heap_kib"].items())]
    return "\n".join(lines) + "\n"


def chart(run, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fws = list(run["results"])
    scs = [s for s in run["results"].get("picoweb", {})] or sorted({s for r in run["results"].values() for s in r})
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(12, 8))
    w = 0.8 / max(len(fws), 1)
    for i, fw in enumerate(fws):
        xs = [j + i * w for j in range(len(scs))]
        res = run["results"][fw]
        a1.bar(xs, [res.get(s, {}).get("rps", 0) for s in scs], w, label=fw)
        a2.bar(xs, [(res.get(s, {}).get("heap_peak") or 0) / 1024 for s in scs], w, label=fw)
    for a, t in ((a1, "requests/s"), (a2, "peak live heap (KiB)")):
        a.set_xticks([j + 0.4 - w / 2 for j in range(len(scs))])
        a.set_xticklabels(scs, rotation=20)
        a.set_ylabel(t)
        a.legend()
    a1.set_title("%s, %s" % (run["target"], run["date"]))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv):
    ap = argparse.ArgumentParser(prog="harness.py", description=__doc__.split("\n")[0])
    ap.add_argument("--board", default="unix")
    ap.add_argument("--like", default="esp32")
    ap.add_argument("--heap", type=int, default=None, help="virtual board GC heap in bytes (default: LIKE's)")
    ap.add_argument("--host", default=None)
    ap.add_argument("--port", default=None, help="the board's serial port, for deploying")
    ap.add_argument("--http-port", type=int, default=80)
    ap.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    ap.add_argument("--scenarios", default=None)
    ap.add_argument("--quick", action="store_true", help="one-second runs and a 1,000-request soak (the harness's own tests)")
    ap.add_argument("--min-heap", action="store_true", help="also find each framework's smallest heap (unix)")
    ap.add_argument("--netem", default=None)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "tests_hw", "results"))
    ap.add_argument("--publish", action="store_true", help="also copy the results to tests_hw/results/")
    a = ap.parse_args(argv)
    if not shutil.which("wrk"):
        raise HarnessError("wrk not found: install Debian's wrk (apt-get install wrk)")
    fws = [f for f in a.frameworks.split(",") if f]
    bad = set(fws) - set(FRAMEWORKS)
    if bad:
        raise HarnessError("unknown framework %s; known: %s" % (", ".join(sorted(bad)), ", ".join(FRAMEWORKS)))
    scs = [s for s in SCENARIOS if not a.scenarios or s.name in a.scenarios.split(",")]
    if a.quick:
        for s in scs:
            s.seconds = 1
            s.at_least = min(s.at_least, 1000)
    ns = None
    if a.netem:
        from tools.vboard import NetNS

        ns = NetNS(a.netem).__enter__()
    target = (VirtualTarget(a.like, a.heap, ns and ns.name) if a.board == "unix"
              else RealTarget(a.board, a.host, a.port, a.http_port))
    run = {"date": time.strftime("%Y-%m-%d %H:%M"), "board": a.board, "target": target.describe(),
           "netem": a.netem, "results": {}, "min_heap_kib": {}}
    print(run["target"], flush=True)
    tmp = tempfile.mkdtemp(prefix="picoweb-hw-")
    try:
        for fw in fws:
            try:
                target.install(fw, tmp)
                target.start(fw)
                run["results"][fw] = run_scenarios(target, fw, scs)
            except HarnessError as e:  # e.g. the app does not start in this heap: a result too
                print("  %-9s %s" % (fw, e), flush=True)
                run.setdefault("errors", {})[fw] = str(e)
                if not isinstance(target, VirtualTarget):
                    raise
            finally:
                target.stop()
            if a.min_heap and a.board == "unix":
                print("  %-9s smallest heap ..." % fw, flush=True)
                run["min_heap_kib"][fw] = smallest_heap(target, fw)
                print("  %-9s smallest heap: %s KiB" % (fw, run["min_heap_kib"][fw]), flush=True)
    finally:
        target.stop()
        if ns:
            ns.__exit__()
        shutil.rmtree(tmp, ignore_errors=True)
    run["ratios"] = ratios(run["results"])
    os.makedirs(a.out, exist_ok=True)
    base = os.path.join(a.out, "%s-%s" % (time.strftime("%Y%m%d-%H%M%S"), a.board))
    with open(base + ".json", "w") as f:
        json.dump(run, f, indent=1)
    with open(base + ".md", "w") as f:
        f.write(markdown(run))
    chart(run, base + ".png")
    print(markdown(run))
    print("results: %s.{json,md,png}" % os.path.relpath(base, ROOT))
    if a.publish:
        for ext in (".json", ".md", ".png"):
            shutil.copy(base + ext, os.path.join(HERE, "results"))
        print("published to tests_hw/results/")
    return run


if __name__ == "__main__":
    from tools.boards import BoardError
    from tools.runner import ToolError

    try:
        main(sys.argv[1:])
    except (HarnessError, BoardError, ToolError) as e:
        sys.exit("error: %s" % e)
