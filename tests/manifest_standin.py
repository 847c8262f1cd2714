# A small stand-in for MicroPython's manifest functions (tools/manifestfile.py), to check
# that a manifest evaluates and that every file it names exists. Paths are resolved
# relative to the manifest being run; $(MPY_DIR), $(PORT_DIR), ... stay unresolved.
import os


class Manifest:
    def __init__(self):
        self.files = []  # (path, exists) of every file frozen
        self.external = []  # includes of MicroPython's own manifests

    def run(self, path):
        path = os.path.abspath(path)
        here = os.path.dirname(path)

        def resolve(p, base="."):
            return os.path.normpath(os.path.join(here, base, p))

        def include(p, **kw):
            if p.startswith("$("):
                self.external.append(p)
                return
            p = resolve(p)
            self.run(os.path.join(p, "manifest.py") if os.path.isdir(p) else p)

        def package(name, files=None, base_path=".", opt=None):
            d = resolve(name, base_path)
            assert os.path.isdir(d), "package %s: no folder %s" % (name, d)
            for root, _, fs in os.walk(d):
                for f in fs:
                    if f.endswith(".py") and (files is None or f in files):
                        self.files.append(os.path.join(root, f))

        def module(name, base_path=".", opt=None):
            p = resolve(name, base_path)
            assert os.path.isfile(p), "module %s: no file %s" % (name, p)
            self.files.append(p)

        def require(name, **kw):
            self.external.append("require:" + name)

        def metadata(**kw):
            pass

        g = {"include": include, "package": package, "module": module, "require": require,
             "metadata": metadata, "freeze": lambda p, *a, **k: self.files.append(resolve(p))}
        with open(path) as f:
            exec(compile(f.read(), path, "exec"), g)
        return self
