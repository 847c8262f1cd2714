#!/usr/bin/env python3
"""Compile an app's templates: every NAME.tpl of TEMPLATES_DIR to NAME_tpl.py (picoweb's
template compiler) and then to NAME_tpl.mpy (mpy-cross), ready to copy to a board or to freeze.

usage: python -m tools.templates TEMPLATES_DIR [OUTDIR] [--no-escape] [--no-mpy] [-- MPY_CROSS_ARGS...]
OUTDIR defaults to TEMPLATES_DIR. A template with an error stops the build with its file and line.
"""
import os
import subprocess
import sys

from picoweb.template_compiler import TemplateSyntaxError, compile_template
from tools.mpy import mpy_cross


def build(tdir, outdir=None, escape=True, mpy=True, mpy_args=(), quiet=False, names=None):
    # names: only those templates (the ones a one-file app names), else all of tdir's
    outdir = outdir or tdir
    os.makedirs(outdir, exist_ok=True)
    built = []
    for f in sorted(os.listdir(tdir)):
        if not f.endswith(".tpl") or names is not None and f not in names:
            continue
        py = os.path.join(outdir, f.replace(".", "_") + ".py")
        if not quiet:
            print("  compile %s -> %s" % (os.path.join(tdir, f), py))
        code = compile_template(os.path.join(tdir, f), escape)
        with open(py, "w", encoding="utf-8") as out:
            out.write(code)
        if mpy:
            cmd = [mpy_cross(), *mpy_args, "-s", f.replace(".", "_") + ".py", "-o", py[:-3] + ".mpy", py]
            if not quiet:
                print("  " + " ".join(cmd))
            subprocess.run(cmd, check=True)
        built.append(py)
    return built


def main(argv):
    mpy_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, mpy_args = argv[:i], argv[i + 1 :]
    opts = [a for a in argv if a.startswith("--")]
    args = [a for a in argv if not a.startswith("--")]
    if not args or set(opts) - {"--no-escape", "--no-mpy"}:
        sys.exit(__doc__)
    try:
        build(args[0], args[1] if len(args) > 1 else None, "--no-escape" not in opts, "--no-mpy" not in opts, mpy_args)
    except TemplateSyntaxError as e:
        sys.exit("template error: %s" % e.args[0])


if __name__ == "__main__":
    main(sys.argv[1:])
