#!/usr/bin/env python3
"""Machine instructions per request of bench/profile_core.py's whole request path, counted by
valgrind's callgrind: unlike microseconds, the count does not move with the load of a shared
machine (the same code gives the same count to about 1%), so it shows a change of 2%.

    python bench/instructions.py [FIRMWARE] [PICOWEB_DIR]

FIRMWARE: a MicroPython unix binary (default: the virtual board's 32-bit firmware with picoweb
frozen in, build/fw/picoweb-32/micropython, built first if it is not there); PICOWEB_DIR: the folder
holding the picoweb package to run from source, ahead of the frozen one (default: none, the frozen
one). It runs profile_core at two request counts and prints the difference per request, which
leaves out start-up: with the head wrk sends, and with a browser's. Needs valgrind (Debian's valgrind package).
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE = os.path.join(ROOT, "bench", "profile_core.py")
FEW, MANY = 300, 2300


def count(fw, path, n, head):
    env = dict(os.environ, MICROPYPATH=(path + ":" if path else "") + ".frozen")
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", fw, "-X", "heapsize=128K",
                        PROFILE, str(n), "whole", head], env=env, capture_output=True, text=True, timeout=600)
    m = re.search(r"Collected : ([\d,]+)", p.stderr) or re.search(r"refs:\s+([\d,]+)", p.stderr)
    if p.returncode or not m:
        sys.exit("%s failed under valgrind:\n%s" % (fw, (p.stdout + p.stderr)[-2000:]))
    return int(m.group(1).replace(",", ""))


def main():
    if not shutil.which("valgrind"):
        sys.exit("valgrind not found: install Debian's valgrind (apt-get install valgrind)")
    if len(sys.argv) > 1:
        fw = sys.argv[1]
        if not os.path.exists(fw):
            sys.exit("no firmware at %s" % fw)
    else:
        sys.path.insert(0, ROOT)
        from tools import firmware

        fw = firmware.picoweb_firmware(32)  # built if it is not there, or is out of date
    path = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    for head, what in (("wrk", "wrk's head: Host, User-Agent"), ("browser", "a browser's head: 12 lines")):
        a, b = count(fw, path, FEW, head), count(fw, path, MANY, head)
        print("%d machine instructions per hello request, %s (%s, picoweb %s)" % (
            (b - a) // (MANY - FEW), what, os.path.relpath(fw, ROOT), "from " + path if path else "frozen"))


if __name__ == "__main__":
    main()
