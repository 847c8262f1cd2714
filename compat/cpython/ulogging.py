# ulogging: Pycopy's small logging, here CPython's logging
from logging import *  # noqa: F401,F403
