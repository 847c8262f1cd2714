# Templates at run time: three loaders, as utemplate has, and include() for templates
# chosen at run time. The compiler (template_compiler.py) is imported only to compile, so
# precompiled templates cost none of its heap.
#
# A template templates/name.tpl compiles to the module templates/name_tpl.py whose
# render(*args) is a generator of strings, the shape utemplate produces.
import sys

from .compat import need

_loaders = {}  # module prefix -> loader, for {% include {{ name }} %}


def include(modname, name):
    """The render() of template `name`, a sibling of the compiled module `modname`."""
    prefix = modname.rpartition(".")[0]
    prefix = prefix + "." if prefix else ""
    loader = _loaders.get(prefix)
    if loader:
        return loader.load(name)
    return _import(prefix + _modname(name))


def _modname(name):
    return name.replace(".", "_").replace("/", ".")


def _import(mod):
    return __import__(mod, None, None, ("render",)).render


def _compile(src_path, out_path, escape):
    from .template_compiler import compile_template, _open

    code = compile_template(src_path, escape)
    with _open(out_path, "w") as f:
        f.write(code)
    return code


class CompiledLoader:
    """Imports precompiled modules (.py or .mpy, or frozen); never compiles."""
    def __init__(self, pkg, dir="templates", escape=True):
        self.pkg = pkg
        self.dir = dir
        self.escape = escape
        p = dir.replace("/", ".") + "." if dir not in (".", "") else ""
        self.prefix = pkg + "." + p if pkg and pkg != "__main__" else p
        self.renders = {}  # name -> render: a render needs no import machinery (nor its heap)
        _loaders[self.prefix] = self

    def load(self, name):
        """The render() of template name, imported from its compiled module."""
        r = self.renders.get(name)
        if r is None:
            r = self.renders[name] = _import(self.prefix + _modname(name))
        return r

    def path(self, name):
        """Folder of the templates: the app package's, or the current directory's."""
        base = "."
        if self.pkg and self.pkg != "__main__":
            from .static import app_dir

            base = app_dir(self)
        return base + "/" + self.dir + "/" + name


class SourceLoader(CompiledLoader):
    """Imports the compiled module; compiles the template beside its source first if
    there is none (as utemplate.source does).
    """
    def load(self, name):
        """The render() of template name: its compiled module, compiling it first if there is none."""
        try:
            return CompiledLoader.load(self, name)
        except ImportError as e:
            src = self.path(name)
            try:
                open(src).close()
            except OSError:
                raise e
        _compile(src, self.path(name.replace(".", "_") + ".py"), self.escape)
        return CompiledLoader.load(self, name)


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


def loader_for(pkg, escape=True):
    """The default: recompiling on CPython (development), compiling on first use elsewhere."""
    if sys.implementation.name == "cpython":
        return RecompileLoader(pkg, "templates", escape)
    return SourceLoader(pkg, "templates", escape)
