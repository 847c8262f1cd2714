# Benchmark app: the limit, bench/bare_server.py (frozen or in lib/, as a framework is).
import sys

import bare_server

bare_server.serve(int(sys.argv[1]))
