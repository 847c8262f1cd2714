# The three loaders against real files, and templates compiled by utemplate.
# Plain asserts: runs under pytest and under MicroPython.
import os
import sys

from picoweb import template, template_dev

HERE = __file__.rpartition("/")[0] or "."
TPL = HERE + "/tpl"


MADE = []  # the folders workdir() made, removed by teardown_module()


def workdir():
    # A fresh package folder: tplpkg<N>/templates/ with copies of tests/unit/tpl/*.tpl.
    n = 0
    while True:
        n += 1
        d = "/tmp/picoweb-tpl-%d-%d" % (os.getpid() if hasattr(os, "getpid") else 0, n)
        try:
            os.mkdir(d)
            break
        except OSError:
            pass
    pkg = "tplpkg%d" % n
    os.mkdir(d + "/" + pkg)
    os.mkdir(d + "/" + pkg + "/templates")
    open(d + "/" + pkg + "/__init__.py", "w").close()
    for f in os.listdir(TPL):
        with open(TPL + "/" + f) as src, open(d + "/" + pkg + "/templates/" + f, "w") as dst:
            dst.write(src.read())
    sys.path.insert(0, d)
    MADE.append(d)
    return d + "/" + pkg, pkg


def _remove(path):
    for name in os.listdir(path):
        p = path + "/" + name
        try:
            os.remove(p)
        except OSError:  # a folder
            _remove(p)
    os.rmdir(path)


def teardown_module():
    for d in MADE:
        _remove(d)
    del MADE[:]


ROWS = [(1, "a<b"), (2, "c")]
PAGE = "<h1>T</h1>\n<table>\n<tr><td>1</td><td>a&lt;b</td></tr>\n<tr><td>2</td><td>c</td></tr>\n</table>\n"


def test_source_loader_compiles_beside_the_source_once():
    d, pkg = workdir()
    ld = template.SourceLoader(pkg)
    assert "".join(ld.load("page.tpl")("T", ROWS)) == PAGE
    assert "page_tpl.py" in os.listdir(d + "/templates")
    # a second loader imports the compiled module without compiling
    assert "".join(template.SourceLoader(pkg).load("page.tpl")("T", ROWS)) == PAGE


def test_compiled_loader_imports_only():
    d, pkg = workdir()
    ld = template.CompiledLoader(pkg)
    try:
        ld.load("page.tpl")
        assert False, "compiled the template"
    except ImportError:
        pass
    template.SourceLoader(pkg).load("page.tpl")  # compile it, as tools/templates.py would
    assert "".join(template.CompiledLoader(pkg).load("page.tpl")("T", ROWS)) == PAGE


def test_recompile_loader_sees_changes():
    d, pkg = workdir()
    ld = template_dev.RecompileLoader(pkg)
    assert "".join(ld.load("row.tpl")((1, 2))) == "<tr><td>1</td><td>2</td></tr>\n"
    import time

    time.sleep(1.1)  # file times have one-second resolution on some filesystems
    with open(d + "/templates/row.tpl", "w") as f:
        f.write("{% args r %}{{ len(r) }}")
    assert "".join(ld.load("row.tpl")((1, 2))) == "2"


def test_dynamic_include():
    d, pkg = workdir()
    ld = template.SourceLoader(pkg)
    assert "".join(ld.load("dyn.tpl")("row.tpl", (7,))) == "[<tr><td>7</td></tr>\n]\n"


def test_template_compiled_by_utemplate_loads():
    d, pkg = workdir()
    os.rename(d + "/templates/squares_tpl_utemplate.py", d + "/templates/squares_tpl.py")
    out = "".join(template.CompiledLoader(pkg).load("squares.tpl")())
    assert out.startswith("| 0 |  0 |\n| 1 |  1 |") and out.endswith("| 4 | 16 |\n")


def test_our_compiled_module_has_utemplates_shape():
    # utemplate's compiled loader: __import__(pkg + ".templates." + "name_tpl").render
    d, pkg = workdir()
    template.SourceLoader(pkg).load("page.tpl")
    render = __import__(pkg + ".templates.page_tpl", None, None, ("page_tpl",)).render
    assert "".join(render("T", ROWS)) == PAGE
