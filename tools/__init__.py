"""picoweb's tools: building what goes on a board (firmware, .mpy, ROMFS), putting it there,
the virtual board, and running servers to test and measure. Each command-line tool is a module
run from the project's folder with `python -m tools.NAME` (the Makefile's targets do)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
