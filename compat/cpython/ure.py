# ure: MicroPython's name for re
from re import *  # noqa: F401,F403
