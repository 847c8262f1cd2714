"""Coverage-guided fuzzing of one in-process target (tests/fuzz/targets.py) with atheris.

    python tests/fuzz/atheris_main.py TARGET [libFuzzer args, e.g. -max_total_time=60]
    python tests/fuzz/atheris_main.py --replay TARGET FILE...   each file through TARGET once
    python tests/fuzz/atheris_main.py --report [DIR]             the findings saved so far

Seeds come from tests/fuzz/corpus/TARGET/ (never written); what libFuzzer adds goes to
build/fuzz/corpus/TARGET/. Every kind of finding (a Finding's sig: the invariant, or the
exception's class and place in picoweb) is saved once, with its shortest input so far, as
build/fuzz/findings/TARGET/<hash>.bin and .txt, and the run goes on (-stop_on_finding=1, a
flag of this script, makes the first one a crash, as libFuzzer does by default).
"""
import hashlib
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import targets  # noqa: E402  (picoweb is not imported yet: it is, instrumented, below)

OUT = os.path.join(ROOT, "build", "fuzz")


def save_finding(target, data, f, out=OUT):
    """Saves finding f of input data under out/findings/target/ unless a shorter input of the
    same kind is there; True if it is a new kind."""
    d = os.path.join(out, "findings", target)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(f.sig.encode()).hexdigest()[:12]
    bin_path = os.path.join(d, h + ".bin")
    new = not os.path.exists(bin_path)
    if not new and os.path.getsize(bin_path) <= len(data):
        return False
    with open(bin_path, "wb") as fh:
        fh.write(data)
    with open(os.path.join(d, h + ".txt"), "w") as fh:
        fh.write("target: %s\nkind: %s\ninput: %r\n\n%s\n" % (target, f.sig, data, f.msg))
    return new


def report(out=OUT):
    """Prints every finding saved under out/findings; their number."""
    d = os.path.join(out, "findings")
    n = 0
    for t in sorted(os.listdir(d)) if os.path.isdir(d) else ():
        for name in sorted(os.listdir(os.path.join(d, t))):
            if name.endswith(".txt"):
                n += 1
                with open(os.path.join(d, t, name)) as fh:
                    text = fh.read().rstrip()
                print("=" * 100)
                print(text if len(text) < 6000 else text[:6000] + "\n[... cut]")
    print("=" * 100)
    print("%d kind(s) of finding under %s" % (n, os.path.relpath(d, ROOT)))
    return n


def write_dict(target):
    # libFuzzer's -dict: the driver's tokens (CR, LF, NUL, huge numbers, template tags...)
    path = os.path.join(OUT, "dict", target + ".dict")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        for t in targets.TOKENS:
            fh.write('"%s"\n' % "".join("\\x%02x" % c if c < 32 or c > 126 or c in b'"\\' else chr(c) for c in t))
    return path


def main(argv):
    if argv[1:2] == ["--report"]:
        return 1 if report(argv[2] if len(argv) > 2 else OUT) else 0
    if argv[1:2] == ["--replay"]:
        target, files = argv[2], argv[3:]
        bad = 0
        for p in files:
            with open(p, "rb") as fh:
                data = fh.read()
            f = targets.run_one(target, data)
            print("%s: %s" % (p, "ok" if f is None else "FINDING " + f.sig))
            if f is not None:
                print("    " + f.msg.replace("\n", "\n    "))
                bad += 1
        return 1 if bad else 0
    if len(argv) < 2 or argv[1] not in targets.TARGETS:
        print(__doc__)
        print("targets: " + " ".join(sorted(targets.TARGETS)))
        return 2
    target = argv[1]
    args = argv[2:]
    stop = "-stop_on_finding=1" in args
    args = [a for a in args if not a.startswith("-stop_on_finding=")]

    import atheris

    # picoweb's modules imported (so instrumented) here, all of them: some are imported lazily
    # by picoweb, after this block, and would not be. (Not Pycopy's part: it needs uasyncio.)
    with atheris.instrument_imports(include=["picoweb"]):
        import importlib

        for f in sorted(os.listdir(os.path.join(ROOT, "picoweb"))):
            if f.endswith(".py") and f not in ("__init__.py", "compat_pycopy.py"):
                importlib.import_module("picoweb." + f[:-3])
        targets.load()
        targets.make_app()

    fn = targets.TARGETS[target]
    seen = {}
    start = time.time()

    def one_input(data):
        try:
            fn(data)
            return
        except targets.Finding as e:
            f = e
        except Exception as e:
            f = targets.unexpected(e, target)
        if stop:
            raise f
        if seen.get(f.sig, 1 << 30) <= len(data):
            return
        if save_finding(target, data, f) or f.sig not in seen:
            print("\n#### FINDING [%s] after %.0f s: %s\n#### input %r\n%s\n" % (target, time.time() - start, f.sig,
                                                                             data[:2000], f.msg[-3000:]), flush=True)
        seen[f.sig] = len(data)

    work = os.path.join(OUT, "corpus", target)
    os.makedirs(work, exist_ok=True)
    findings = os.path.join(OUT, "findings", target)
    os.makedirs(findings, exist_ok=True)
    defaults = {"-max_len=": "-max_len=4096", "-timeout=": "-timeout=10", "-dict=": "-dict=" + write_dict(target),
                "-artifact_prefix=": "-artifact_prefix=" + findings + os.sep, "-rss_limit_mb=": "-rss_limit_mb=4096"}
    for k, v in defaults.items():
        if not any(a.startswith(k) for a in args):
            args.append(v)
    # the first corpus folder is where libFuzzer writes: build/, never the seeds in the repo
    dirs = [] if any(not a.startswith("-") for a in args) else [work, os.path.join(HERE, "corpus", target)]
    atheris.Setup([argv[0]] + args + dirs, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
