# Logging for app.run(debug=...): the `logging` module where there is one (CPython,
# micropython-lib), else the small Logger below. Imported only when debug >= 0.
import sys


def get_logger(debug):
    try:
        import logging
    except ImportError:
        return Logger(debug)
    log = logging.getLogger("picoweb")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.DEBUG if debug > 0 else logging.INFO)
    return log


class Logger:
    def __init__(self, debug=0):
        self.debug_on = debug > 0

    def _out(self, level, msg, args):
        print(level, "picoweb:", msg % args if args else msg)

    def debug(self, msg, *args):
        if self.debug_on:
            self._out("DEBUG", msg, args)

    def info(self, msg, *args):
        self._out("INFO", msg, args)

    def warning(self, msg, *args):
        self._out("WARNING", msg, args)

    def error(self, msg, *args):
        self._out("ERROR", msg, args)

    def exc(self, e, msg, *args):
        """As ulogging's: the message, then the traceback."""
        self._out("ERROR", msg, args)
        if hasattr(sys, "print_exception"):
            sys.print_exception(e)
        else:
            import traceback

            traceback.print_exception(type(e), e, e.__traceback__)
