# ustruct: MicroPython's name for struct
from struct import *  # noqa: F401,F403
