# ujson: MicroPython's name for json
from json import *  # noqa: F401,F403
