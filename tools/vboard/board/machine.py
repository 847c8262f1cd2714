# The virtual board's machine module: the unix port's, plus reset(), which a board has
# (mpremote's `reset` calls it). The process exits with code 99 and tools/vboard
# starts the board again, running boot.py and main.py, as after a hard reset.
from umachine import *  # noqa: F401,F403


def reset():
    import sys

    sys.exit(99)
