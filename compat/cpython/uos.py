# uos: MicroPython's name for os
from os import *  # noqa: F401,F403
