# The template language, compiled and rendered. Plain asserts: this module runs under
# pytest (CPython) and under MicroPython (tests/unit/run_micropython.py).
from picoweb.template_compiler import Compiler, TemplateSyntaxError


def reader(templates):
    def read(name):
        if name not in templates:
            raise OSError(2, name)  # as open() does
        return templates[name]

    return read


def render(templates, name="t.tpl", args=(), escape=True):
    src = Compiler(reader(templates), escape).compile(name)
    ns = {"__name__": "tpltest"}
    exec(src, ns)
    return "".join(ns["render"](*args))


def fails(templates, where, name="t.tpl"):
    # The compile error names the file and line.
    try:
        Compiler(reader(templates)).compile(name)
    except TemplateSyntaxError as e:
        assert str(e.args[0]).startswith(where), e.args[0]
        return e.args[0]
    assert False, "no error for %r" % templates


def test_text_and_expressions():
    assert render({"t.tpl": "a {{ 1 + 2 }} b\n"}) == "a 3 b\n"
    assert render({"t.tpl": 'q"uo\\te\'s {{ "x" }}'}) == 'q"uo\\te\'s x'
    assert render({"t.tpl": "{ not a tag } {x}"}) == "{ not a tag } {x}"
    assert render({"t.tpl": "\u00e9t\u00e9 {{ '\u00fc' }}"}) == "\u00e9t\u00e9 \u00fc"


def test_args_and_defaults():
    t = {"t.tpl": "{% args a, b=2 %}\n{{ a }}-{{ b }}"}
    assert render(t, args=(1,)) == "1-2"
    assert render(t, args=(1, 3)) == "1-3"
    assert render({"t.tpl": "{{ a[0] }}"}, args=(5,)) != ""  # no args: *a, **d as in utemplate


def test_escaping_raw_and_switch():
    t = {"t.tpl": "{% args s %}{{ s }}|{{! s }}"}
    assert render(t, args=("<a href='x'>&\"",)) == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;|<a href='x'>&\""
    assert render(t, args=("<b>",), escape=False) == "<b>|<b>"
    assert render({"t.tpl": "{{ 5 }}"}) == "5"
    # numbers need no escaping (a shorter path), anything else is escaped as text
    for v, out in ((-42, "-42"), (True, "True"), (2.5, "2.5"), (None, "None"), (b"<", "b&#39;&lt;&#39;")):
        assert render(t, args=(v,)).split("|")[0] == out, v


def test_if_elif_else_and_newline_after_tags():
    t = {"t.tpl": "{% args n %}\n{% if n > 1 %}\nmany\n{% elif n == 1 %}\none\n{% else %}\nnone\n{% endif %}\nend"}
    assert render(t, args=(5,)) == "many\nend"
    assert render(t, args=(1,)) == "one\nend"
    assert render(t, args=(0,)) == "none\nend"


def test_for_while_set_and_nested_loops():
    t = {"t.tpl": "{% for i in range(3) %}{% for j in range(i) %}{{ i }}{{ j }} {% endfor %}{% endfor %}"}
    assert render(t) == "10 20 21 "
    t = {"t.tpl": "{% set n = 3 %}{% while n %}{{ n }}{% set n -= 1 %}{% endwhile %}"}
    assert render(t) == "321"


def test_empty_blocks_and_comments():
    assert render({"t.tpl": "a{% if 1 %}{% endif %}b{# gone #}c{% for x in () %}{% endfor %}"}) == "abc"
    assert render({"t.tpl": "{# only a comment #}\n"}) == ""
    assert render({"t.tpl": ""}) == ""


def test_try_except_blocks():
    t = {"t.tpl": "{% try %}{{ 1 // 0 }}{% except ZeroDivisionError %}div{% finally %}!{% endtry %}"}
    assert render(t) == "div!"


def test_include_with_args_and_closure():
    t = {
        "t.tpl": "{% args items %}{% for i in items %}{% include \"row.tpl\" i %}{% endfor %}",
        "row.tpl": "{% args x %}<{{ x }}:{{ items[0] }}>",
    }
    assert render(t, args=([1, 2],)) == "<1:1><2:1>"
    t = {"t.tpl": "a{% include \"b.tpl\" %}d", "b.tpl": "b{% include \"c.tpl\" %}", "c.tpl": "c"}
    assert render(t) == "abcd"


def test_errors_name_file_and_line():
    fails({"t.tpl": "a\n{% if x %}\nb\n"}, "t.tpl:2: {% if %} is never closed")
    fails({"t.tpl": "a\n\n{% endfor %}"}, "t.tpl:3: {% endfor %} without an open block")
    fails({"t.tpl": "{% for x in y %}\n{% endif %}"}, "t.tpl:2: {% endif %} closes {% for %}")
    fails({"t.tpl": "x\n{% else %}"}, "t.tpl:2: {% else %} outside")
    fails({"t.tpl": "x\n{{ oops"}, "t.tpl:2: {{ without }}")
    fails({"t.tpl": "x\n{% args a %}"}, "t.tpl:2: {% args %} must come before")
    fails({"t.tpl": "{% frobnicate %}"}, "t.tpl:1: unknown statement")
    fails({"t.tpl": "\n\n{% include \"nope.tpl\" %}"}, "t.tpl:3: template nope.tpl not found")
    fails({"t.tpl": "{% include \"t.tpl\" %}"}, "t.tpl:1: include loop")
    # a Python error inside an expression, in an included template
    fails({"t.tpl": "ok\n{% include \"i.tpl\" %}", "i.tpl": "1\n2\n{{ x + }}\n"}, "i.tpl:3: invalid Python")
    fails({"t.tpl": "a\nb\n{% if x ==== 1 %}{% endif %}"}, "t.tpl:3: invalid Python")
    # nested too deep for the parser (CPython's MemoryError, fuzzed): an error with the line too
    fails({"t.tpl": "x\n{{ " + "(" * 199 + "1 }}"}, "t.tpl:")


def test_output_is_a_generator_of_strings():
    src = Compiler(lambda n: "{% for i in range(3) %}<{{ i }}>{% endfor %}").compile("t.tpl")
    ns = {}
    exec(src, ns)
    g = ns["render"]()
    assert iter(g) is g
    parts = list(g)
    assert len(parts) == 9 and all(isinstance(p, str) for p in parts)
