# Template heap figures under MicroPython (run by bench/run.py in a fresh process per case):
#   table N   peak live heap while streaming a table of N rows, above the heap before it
#   loader K  heap the first render costs with loader K: "compiled" imports a precompiled
#             module, "source" compiles the template first (importing the compiler)
# argv: case arg; the module path holds picoweb and the package benchtpl with its templates.
import gc
import sys

case, arg = sys.argv[1], sys.argv[2]


def live():
    gc.collect()
    return gc.mem_alloc()


if case == "table":
    from picoweb.template import CompiledLoader

    render = CompiledLoader("benchtpl").load("table.tpl")
    base = live()
    peak = 0
    n = 0
    for s in render(int(arg)):
        n += 1
        if n % 7 == 0:  # sampling every piece would dominate the run
            peak = max(peak, live() - base)
    print(peak)
else:
    import picoweb.template as t

    base = live()
    ld = (t.CompiledLoader if arg == "compiled" else t.SourceLoader)("benchtpl")
    out = "".join(ld.load("table.tpl")(10))
    print(live() - base)
