# utime: CPython's time, plus MicroPython's sleep_ms/sleep_us and ticks_* (milliseconds, microseconds)
from time import *  # noqa: F401,F403
import time as _time


def sleep_ms(ms):
    _time.sleep(ms / 1000)


def sleep_us(us):
    _time.sleep(us / 1000000)


def ticks_ms():
    return int(_time.monotonic() * 1000)


def ticks_us():
    return int(_time.monotonic() * 1000000)


def ticks_add(t, delta):
    return t + delta


def ticks_diff(a, b):
    return a - b
