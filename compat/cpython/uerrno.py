# uerrno: MicroPython's name for errno
from errno import *  # noqa: F401,F403
