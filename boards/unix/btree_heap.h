// BerkeleyDB (the btree module) on the virtual board as on an ESP8266, whose
// ports/esp8266/posix_helpers.c gives it the GC heap: its pages and cache counted in the heap
// the board measures (the unix port's own build takes them from the C heap, where a notes app's
// store looked some 3 KiB cheaper than on a board). Page size and cache as the ESP8266's
// Makefile sets them (BTREE_DEFS_EXTRA, given to make by tools/firmware.py).
#include "extmod/berkeley-db/berkeley_db_config_port.h"

#include <stdbool.h>
#include <stdlib.h>
#include "py/gc.h"

// (gc_alloc() clears what it gives: calloc()'s zeroes too)
#define malloc(n) gc_alloc((n), 0)
#define calloc(n, size) gc_alloc((n) * (size), 0)
#define realloc(p, n) gc_realloc((p), (n), true)
#define free(p) gc_free(p)
