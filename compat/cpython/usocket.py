# usocket: MicroPython's name for socket
from socket import *  # noqa: F401,F403
