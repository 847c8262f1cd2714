# The template compiler: utemplate's language to a Python module whose render() is a
# generator of strings. Used by the source and recompiling loaders and by
# tools/templates.py; a board running precompiled templates never imports it.
#
#   {{ expr }}   output, HTML-escaped          {{! expr }}  output as it is
#   {% args a, b=1 %}   the template's parameters      {% set x = expr %}
#   {% if %} {% elif %} {% else %} {% endif %}, {% for %}...{% endfor %}, {% while %}...,
#   any compound statement closed by end<keyword>     {# comment #}
#   {% include "other.tpl" args %}   compiled into the same module
#   {% include {{ name_expr }} args %}   a template chosen at run time
# A newline right after a statement or comment tag is dropped, as utemplate does.

# Statements that continue an open block, and the blocks each may continue.
_CONTINUE = {"elif": ("if",), "else": ("if", "for", "while", "try"), "except": ("try",), "finally": ("try",)}


# {{ expr }}'s escaping, written into each module that needs it: compiled templates load
# without picoweb (in utemplate's loaders, or in another framework's app).
# (A number needs none; the checks are written out: a loop over pairs costs twice as much.)
_ESCAPE = """
def _e(s):
    if type(s) is int:
        return str(s)
    s = str(s)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if '"' in s:
        s = s.replace('"', "&quot;")
    if "'" in s:
        s = s.replace("'", "&#39;")
    return s
"""


class TemplateSyntaxError(SyntaxError):
    pass


class _Func:
    # One render function being generated: its lines, with the template line of each.
    def __init__(self, name, depth):
        self.name = name
        self.depth = depth  # indentation of the def
        self.args = "*a, **d"  # utemplate's default signature
        self.started = False  # output or statements seen: too late for {% args %}
        self.head = []  # hoisted include functions: (code, where) lines
        self.body = []
        self.blocks = []  # open blocks: [keyword, has_body, where]


class Compiler:
    """Compiles templates read by read(name) -> text into Python source (compile(name))."""

    def __init__(self, read, escape=True):
        # read(name) -> the text of template `name` (for the main one and for includes)
        self.read = read
        self.escape = escape
        self.seq = 0
        self.uses = set()  # runtime helpers the module needs: "_e", "_inc"
        self.where = None

    def error(self, msg, where=None):
        """Raises TemplateSyntaxError naming the template file and line."""
        f, l = where or self.where
        raise TemplateSyntaxError("%s:%d: %s" % (f, l, msg))

    def compile(self, name):
        """Python source of the module for template `name`."""
        lines = self._function(name, "render", 0, ())
        out = ["# Compiled by picoweb from %s: edit the template, not this file." % name]
        if "_e" in self.uses:
            out.append(_ESCAPE)
        if "_inc" in self.uses:
            out.append("from picoweb.template import include as _inc")
        src = "\n".join(out + [c for c, w in lines]) + "\n"
        self._check(src, lines)
        return src

    def _function(self, name, fname, depth, chain):
        # The lines of `def fname(...)` rendering template `name`.
        if name in chain:
            self.error("include loop: %s" % " -> ".join(chain + (name,)))
        try:
            text = self.read(name)
        except OSError:
            self.error("template %s not found" % name)
        fn = _Func(fname, depth)
        self._parse(text, name, fn, chain + (name,))
        if fn.blocks:
            kw, _, where = fn.blocks[-1]
            self.error("{%% %s %%} is never closed ({%% end%s %%} missing)" % (kw, kw), where)
        ind = "    " * (depth + 1)
        lines = [("    " * depth + "def %s(%s):" % (fname, fn.args), (name, 1))]
        lines += fn.head
        if not fn.body:
            fn.body.append((ind + "return", (name, 1)))
        lines += fn.body
        if not any(c.lstrip().startswith("yield") for c, _ in fn.body):
            lines.append((ind + "yield from ()", (name, 1)))  # a generator even if it outputs nothing
        return lines

    def _emit(self, fn, code):
        fn.started = True
        if fn.blocks:
            fn.blocks[-1][1] = True
        fn.body.append(("    " * (fn.depth + 1 + len(fn.blocks)) + code, self.where))

    def _parse(self, text, name, fn, chain):
        i = 0
        line = 1
        n = len(text)
        while i < n:
            j = text.find("{", i)
            while j >= 0 and text[j + 1 : j + 2] not in ("{", "%", "#"):
                j = text.find("{", j + 1)
            if j < 0:
                j = n
            if j > i:
                self.where = (name, line)
                self._emit(fn, "yield %r" % text[i:j])
                line += text.count("\n", i, j)
            if j >= n:
                break
            kind = text[j + 1]
            close = {"{": "}}", "%": "%}", "#": "#}"}[kind]
            k = text.find(close, j + 2)
            self.where = (name, line)
            if k < 0:
                self.error("%s without %s" % (text[j : j + 2], close))
            inner = text[j + 2 : k].strip()
            line += text.count("\n", j, k)
            i = k + 2
            if kind == "{":
                self._expr(fn, inner)
                continue
            if kind == "%":
                self._statement(fn, inner, name, chain)
            if text[i : i + 1] == "\n":  # a tag alone at the end of a line leaves no empty line
                i += 1
                line += 1

    def _expr(self, fn, e):
        raw = e[:1] == "!"
        if raw:
            e = e[1:].strip()
        if not e:
            self.error("empty {{ }}")
        if raw or not self.escape:
            self._emit(fn, "yield str(%s)" % e)
        else:
            self.uses.add("_e")
            self._emit(fn, "yield _e(%s)" % e)

    def _statement(self, fn, stmt, name, chain):
        if not stmt:
            self.error("empty {% %}")
        kw, _, rest = stmt.partition(" ")
        rest = rest.strip()
        if kw == "args":
            if fn.started:
                self.error("{% args %} must come before any output or statement")
            fn.args = rest
        elif kw == "set":
            self._emit(fn, rest)
        elif kw == "include":
            self._include(fn, rest, name, chain)
        elif kw.startswith("end"):
            if not fn.blocks:
                self.error("{%% %s %%} without an open block" % kw)
            if fn.blocks[-1][0] != kw[3:]:
                self.error("{%% %s %%} closes {%% %s %%}" % (kw, fn.blocks[-1][0]))
            self._close(fn)
        elif kw in _CONTINUE:
            block = fn.blocks[-1][0] if fn.blocks else None
            if block not in _CONTINUE[kw]:
                self.error("{%% %s %%} outside {%% %s %%}" % (kw, " / ".join(_CONTINUE[kw])))
            self._close(fn)
            self._open(fn, block, stmt)
        elif rest or kw == "try":
            self._open(fn, kw, stmt)
        else:
            self.error("unknown statement {%% %s %%}" % stmt)

    def _open(self, fn, kw, stmt):
        self._emit(fn, stmt + ":")
        fn.blocks.append([kw, False, self.where])

    def _close(self, fn):
        kw, has_body, where = fn.blocks.pop()
        if not has_body:
            fn.body.append(("    " * (fn.depth + 2 + len(fn.blocks)) + "pass", where))

    def _include(self, fn, rest, name, chain):
        if rest[:2] == "{{":
            k = rest.find("}}")
            if k < 0:
                self.error("{{ without }} in include")
            expr, args = rest[2:k].strip(), rest[k + 2 :].strip()
            self.uses.add("_inc")
            self._emit(fn, "yield from _inc(__name__, %s)(%s)" % (expr, args))
            return
        q = rest[:1]
        k = rest.find(q, 1) if q in ("'", '"') else -1
        if k < 0:
            self.error('include needs a "name.tpl" or {{ expression }}')
        inc, args = rest[1:k], rest[k + 1 :].strip()
        self.seq += 1
        fname = "render%d" % self.seq
        where = self.where
        fn.head += self._function(inc, fname, fn.depth + 1, chain)
        self.where = where
        self._emit(fn, "yield from %s(%s)" % (fname, args))

    def _check(self, src, lines):
        # A Python error in an expression or statement, reported at its template line:
        # MicroPython's SyntaxError has no line number, so each line is tried on its own.
        try:
            compile(src, "template", "exec")
            return
        except SyntaxError:
            pass
        except (MemoryError, RuntimeError):  # a parser on an expression nested too deep (RecursionError)
            self.error("an expression nested too deeply", lines[0][1] if lines else (self.where or ("template", 1)))
        for code, where in lines:
            c = code.strip()
            if c.startswith("def "):
                continue
            if c.endswith(":"):
                kw = c.split(None, 1)[0].rstrip(":")
                if kw in _CONTINUE:
                    c = ("try" if kw in ("except", "finally") else "if 1") + ":\n  pass\n " + c
                c += "\n  pass"
            try:
                compile("def _f():\n " + c + "\n yield", "template", "exec")
            except (SyntaxError, MemoryError, RuntimeError):
                self.error("invalid Python: " + code.strip(), where)
        self.error("invalid Python in the template", lines[0][1])


def compile_template(path, escape=True):
    """Python source for the template file at path; includes are found beside it."""
    d, _, name = path.rpartition("/")

    def read(n):
        with _open((d + "/" if d else "") + n) as f:
            return f.read()

    return Compiler(read, escape).compile(name)


def _open(path, mode="r"):
    # Templates and compiled modules are UTF-8 whatever the locale.
    try:
        return open(path, mode, encoding="utf-8")
    except TypeError:  # a port whose open() takes no encoding: UTF-8 anyway
        return open(path, mode)
