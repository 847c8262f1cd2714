# RecompileLoader, the loader for development (CPython's default): it compiles a template again
# whenever its source changed. A module of its own: a board's app never loads it.
from .compat import need
from .template import CompiledLoader, _compile, _modname


class RecompileLoader(CompiledLoader):
    """Compiles a template again whenever its source (or an include) changed: for development."""
    def __init__(self, pkg, dir="templates", escape=True):
        CompiledLoader.__init__(self, pkg, dir, escape)
        self.cache = {}  # name -> (source mtime, render)

    def load(self, name):
        """The render() of template name, compiled again if any template changed."""
        os = need("os")
        src = self.path(name)
        d = self.path("")[:-1]
        names = os.listdir(d) if hasattr(os, "listdir") else [e[0] for e in os.ilistdir(d)]  # Pycopy: ilistdir only
        t = max(os.stat(self.path(f))[8] for f in names if f.endswith(".tpl"))
        hit = self.cache.get(name)
        if hit and hit[0] == t:
            return hit[1]
        code = _compile(src, self.path(name.replace(".", "_") + ".py"), self.escape)
        ns = {"__name__": self.prefix + _modname(name)}
        exec(compile(code, src, "exec"), ns)
        self.cache[name] = (t, ns["render"])
        return ns["render"]
