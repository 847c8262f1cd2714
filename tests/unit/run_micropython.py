# Runs the test_* functions of the given modules under MicroPython (no pytest there)
# and prints pytest's kind of summary line.
import sys

passed = failed = 0
for name in sys.argv[1:]:
    mod = __import__(name)
    for k in sorted(dir(mod)):
        if k.startswith("test_"):
            try:
                getattr(mod, k)()
                passed += 1
            except Exception as e:
                failed += 1
                print("FAILED", name, k)
                sys.print_exception(e)
    if hasattr(mod, "teardown_module"):  # as pytest calls it
        mod.teardown_module()
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
