# uio: MicroPython's name for io
from io import *  # noqa: F401,F403
