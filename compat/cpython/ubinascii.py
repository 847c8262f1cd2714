# ubinascii: MicroPython's name for binascii
from binascii import *  # noqa: F401,F403
