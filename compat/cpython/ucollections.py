# ucollections: MicroPython's name for collections
from collections import *  # noqa: F401,F403
