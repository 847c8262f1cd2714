# Templates at run time: the loaders a board uses (CompiledLoader, SourceLoader; the
# development one, RecompileLoader, is template_dev.py's), and include() for templates chosen
# at run time. The compiler (template_compiler.py) is imported only to compile, so precompiled
# templates cost none of its heap.
#
# A template templates/name.tpl compiles to the module templates/name_tpl.py whose
# render(*args) is a generator of strings, the shape utemplate produces.
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
