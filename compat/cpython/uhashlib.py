# uhashlib: MicroPython's name for hashlib
from hashlib import *  # noqa: F401,F403
