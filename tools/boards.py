"""Board definitions: boards/<name>/board.json, one folder per board.

Adding a board is adding a folder with a board.json (and a manifest.py).
"""
import json
import os

from tools import ROOT
BOARDS = os.path.join(ROOT, "boards")
FIELDS = ("port", "board", "chip", "flash_offset", "baud", "mpy_arch", "mpy_version", "micropython", "heap", "romfs")


class BoardError(Exception):
    pass


def names():
    return sorted(d for d in os.listdir(BOARDS) if os.path.isfile(os.path.join(BOARDS, d, "board.json")))


def load(name):
    # The board's data, with "name" and "dir"; BoardError naming the known boards if unknown.
    path = os.path.join(BOARDS, name or "", "board.json")
    if not name or not os.path.isfile(path):
        raise BoardError("unknown board %r; known boards: %s" % (name, ", ".join(names())))
    with open(path) as f:
        b = json.load(f)
    missing = [k for k in FIELDS if k not in b]
    if missing:
        raise BoardError("%s lacks %s" % (path, ", ".join(missing)))
    b["name"] = name
    b["dir"] = os.path.dirname(path)
    return b
