# picoweb: the commands users type. The work is done by tools/ (Python); this file only calls it.
VENV    ?= .venv
PY      := $(VENV)/bin/python
MPY     := $(VENV)/bin/micropython
APP     ?=
HTTP_PORT ?= 8081

BOARD   ?= unix
PORT    ?=
ARCH    ?=
RUNTIME ?=
export DRY_RUN MICROPY_DIR ARCH RUNTIME PYCOPY_DIR

.PHONY: help setup test fuzz run run-cpython bench templates mpy romfs firmware flash deploy clean

help:
	@echo "make setup   create $(VENV) with everything the tests and tools need"
	@echo "make run     the virtual board (MicroPython unix port) serving APP (default examples/hello.py)"
	@echo "make run-cpython APP=...  the same app on CPython"
	@echo "make test    run all tests, on CPython and on the MicroPython unix port"
	@echo "make fuzz [FUZZ_SECONDS=60]   atheris on each parser, then the socket fuzzer on each runtime; findings in build/fuzz/"
	@echo "make bench   throughput and heap: bare asyncio vs picoweb vs microdot"
	@echo "make bench BOARD=unix [LIKE=esp8266]   the board harness on the virtual board"
	@echo "make bench BOARD=esp32 HOST=192.168.4.1 PORT=/dev/ttyUSB0   the board harness on a board"
	@echo "make templates TEMPLATES=dir   compile an app's templates to .py and .mpy"
	@echo "make mpy BOARD=esp32 [APP=...]        picoweb + app + templates as .mpy in firmware/BOARD/lib"
	@echo "make romfs BOARD=esp8266 [APP=...]    the same as a ROMFS image, firmware/BOARD/romfs.img"
	@echo "make firmware BOARD=unix [APP=...] [ARCH=32|64]   the virtual board's firmware, picoweb and the app frozen in"
	@echo "make firmware BOARD=esp32 MICROPY_DIR=...   MicroPython for the board with picoweb and the app frozen in"
	@echo "make firmware BOARD=unix RUNTIME=pycopy [APP=...] [ARCH=32|64]   the same on Pycopy 3.6.1: firmware/unix/pycopy"
	@echo "make firmware BOARD=esp8266 RUNTIME=pycopy PYCOPY_DIR=... [DRY_RUN=1]   Pycopy for the board (esp8266, esp32)"
	@echo "make flash BOARD=esp32 PORT=/dev/ttyUSB0 [DRY_RUN=1]    erase and write the firmware"
	@echo "make deploy BOARD=esp32 PORT=/dev/ttyUSB0 [APP=...] [DRY_RUN=1]   build the app and install it on a running board"
	@echo "make deploy BOARD=unix [APP=...]   the same to the virtual board that make run started"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	@command -v wrk >/dev/null && command -v ab >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing Debian's wrk, apache2-utils (load generators), chromium and chromium-driver (browser test)"; \
	  apt-get update -qq && apt-get install -y -qq wrk apache2-utils chromium chromium-driver >/dev/null; }
	@echo 'int main(void){return 0;}' | cc -m32 -x c - -o /dev/null 2>/dev/null || { \
	  echo "installing Debian's gcc-multilib (the virtual board's firmware is built 32-bit, as an ESP board's)"; \
	  apt-get update -qq && apt-get install -y -qq gcc-multilib >/dev/null; }
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

test: setup
	$(VENV)/bin/pytest -q

# make fuzz: atheris on each in-process target (tests/fuzz/targets.py) for FUZZ_SECONDS each, then
# the socket fuzzer against a live server on each runtime (FUZZ_CASES cases, at most FUZZ_SECONDS
# each). Every kind of finding is saved with its input under build/fuzz/findings/ (emptied first;
# the corpus libFuzzer grew, build/fuzz/corpus/, is kept) and listed at the end; the exit status
# is 1 if there is any.
FUZZ_SECONDS  ?= 60
FUZZ_CASES    ?= 2000
FUZZ_TARGETS  ?= request chunked qs multipart websocket route template
FUZZ_RUNTIMES ?= cpython micropython firmware
fuzz: setup
	rm -rf build/fuzz/findings
	@mkdir -p build/fuzz
	@for t in $(FUZZ_TARGETS); do \
	  echo "atheris: $$t for $(FUZZ_SECONDS) s (log: build/fuzz/atheris-$$t.log)"; \
	  $(PY) tests/fuzz/atheris_main.py $$t -max_total_time=$(FUZZ_SECONDS) $(ATHERIS_ARGS) >build/fuzz/atheris-$$t.log 2>&1 \
	    || echo "  atheris stopped early: see build/fuzz/atheris-$$t.log"; \
	  grep -E "^#[0-9]+ +DONE|^Done" build/fuzz/atheris-$$t.log | tail -2 | sed 's/^/  /'; \
	  grep "^#### FINDING" build/fuzz/atheris-$$t.log | sed 's/^#### /  /'; \
	done
	@for r in $(FUZZ_RUNTIMES); do \
	  $(PY) tests/fuzz/socket_fuzz.py --runtime $$r --cases $(FUZZ_CASES) --seconds $(FUZZ_SECONDS) >build/fuzz/socket-$$r.out 2>&1; \
	  grep -v "^ANOMALY\|^    " build/fuzz/socket-$$r.out | sed 's/^/  /' ; grep -A1 "^  ANOMALY" build/fuzz/socket-$$r.out || true; \
	done
	$(PY) tests/fuzz/atheris_main.py --report

# The virtual board: its firmware built with APP frozen in (32-bit: an ESP board's object sizes),
# run with the heap of the board LIKE, APP's main.py and static files deployed through mpremote on
# its pty, as a real board gets them.
LIKE    ?= esp32
run: setup
	@[ "$(BOARD)" = unix ] || { echo "make run is for BOARD=unix (the virtual board); a real board: make deploy"; exit 2; }
	$(PY) -m tools.vboard run --like $(LIKE) --arch $(or $(ARCH),32) --http-port $(HTTP_PORT) $(if $(APP),--app $(APP)) $(if $(NETEM),--netem "$(NETEM)")

# make bench: the framework benchmark (bench/run.py); with BOARD=...: the board harness
# (tests_hw/), e.g. make bench BOARD=unix LIKE=esp8266, make bench BOARD=esp32 HOST=192.168.4.1 PORT=/dev/ttyUSB0
HOST    ?=
bench: setup
ifeq ($(origin BOARD),command line)
	$(PY) tests_hw/harness.py --board $(BOARD) --like $(LIKE) $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT)) $(if $(NETEM),--netem "$(NETEM)") $(if $(PUBLISH),--publish) $(HARNESS_ARGS)
else
	$(PY) bench/run.py $(if $(PUBLISH),--publish) $(BENCH_ARGS)
endif

TEMPLATES ?= examples/templates
templates: setup
	$(PY) -m tools.templates $(TEMPLATES)

# The same app on CPython, from its own folder (its templates/ and static/ beside it).
run-cpython: setup
	$(PY) -m tools.cpython $(APP) --http-port $(HTTP_PORT)

mpy romfs firmware: setup
	$(PY) -m tools.build $@ $(BOARD) $(APP)

flash: setup
	$(PY) -m tools.device flash $(BOARD) "$(PORT)"

# Builds APP (default: the app of the board's last build) and installs it so that it is what the
# board imports (tools/device.py's deploy()); BOARD=unix: the virtual board `make run` started.
deploy: setup
	$(PY) -m tools.device deploy $(BOARD) "$(PORT)" $(APP)

clean:
	rm -rf build firmware/*/
