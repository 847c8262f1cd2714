# tests_hw: the limit, bench/bare_server.py (its framework: frozen, or in lib/),
# with the heap figures at /_stats.
import json
import sys

import bare_server
from heapstat import stats


def _stats(head):
    d = stats(b"reset" in head[:40])
    d["requests"] = bare_server.SERVED[0]
    b = json.dumps(d).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(b) + b


bare_server.EXTRA[b"/_stats"] = _stats
on_board = sys.platform.startswith("esp")
bare_server.serve(int(sys.argv[1]) if len(sys.argv) > 1 else 80, "0.0.0.0" if on_board else "127.0.0.1")
