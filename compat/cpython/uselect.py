# uselect: MicroPython's name for select
from select import *  # noqa: F401,F403
