# picoweb: the commands users type. The work is done by scripts/ (Python); this file only calls it.
VENV    ?= .venv
PY      := $(VENV)/bin/python
MPY     := $(VENV)/bin/micropython
APP     ?= examples/hello.py
HTTP_PORT ?= 8081
HEAP    ?= 64K

BOARD   ?= unix
PORT    ?=
export DRY_RUN MICROPY_DIR

.PHONY: help setup test run bench templates mpy romfs firmware flash deploy clean

help:
	@echo "make setup   create $(VENV) with everything the tests and tools need"
	@echo "make run     serve $(APP) on the MicroPython unix port (http://127.0.0.1:$(HTTP_PORT)/)"
	@echo "make test    run all tests, on CPython and on the MicroPython unix port"
	@echo "make bench   throughput and heap: bare asyncio vs picoweb vs microdot"
	@echo "make templates TEMPLATES=dir   compile an app's templates to .py and .mpy"
	@echo "make mpy BOARD=esp32 [APP=...]        picoweb + app + templates as .mpy in firmware/BOARD/lib"
	@echo "make romfs BOARD=esp8266 [APP=...]    the same as a ROMFS image, firmware/BOARD/romfs.img"
	@echo "make firmware BOARD=esp32 MICROPY_DIR=...   MicroPython with picoweb and the app frozen in"
	@echo "make flash BOARD=esp32 PORT=/dev/ttyUSB0 [DRY_RUN=1]    erase and write the firmware"
	@echo "make deploy BOARD=esp32 PORT=/dev/ttyUSB0 [DRY_RUN=1]   copy the build to a running board"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

test: setup
	$(VENV)/bin/pytest -q

# The example runs from compiled .mpy files, as it would on a board.
run: setup
	$(PY) scripts/mpy.py build/unix/lib picoweb
	cd build/unix/lib && MICROPYPATH=.:.frozen exec ../../../$(MPY) -X heapsize=$(HEAP) ../../../$(APP) $(HTTP_PORT)

bench: setup
	$(PY) bench/run.py

TEMPLATES ?= examples/templates
templates: setup
	$(PY) scripts/templates.py $(TEMPLATES)

mpy romfs firmware: setup
	$(PY) scripts/build.py $@ $(BOARD) $(APP)

flash deploy: setup
	$(PY) scripts/device.py $@ $(BOARD) $(PORT)

clean:
	rm -rf build firmware/*/
