#!/usr/bin/env python3
"""The virtual board (BOARD=unix): the MicroPython unix port built as firmware (32-bit, with
the objects' sizes of an ESP board, and picoweb and the app frozen in, as `make firmware`
builds it), run with the heap a real board gives Python, its own folder as the board's flash,
boot.py and main.py run at start, and MicroPython's REPL on a serial-like pty. A soft reset
restarts the interpreter, as on a board, so `mpremote connect <pty>` works unmodified.

usage: python -m tools.vboard run [--like BOARD] [--http-port N] [--app APP] [--netem "delay 5ms loss 0.1%"]
       (make run BOARD=unix): builds the firmware with APP frozen in, starts the board,
       deploys the app's main.py and static files with mpremote over its pty, and serves until
       Ctrl-C. Another terminal can run `make deploy BOARD=unix PORT=firmware/unix/tty`.
"""
import fcntl
import os
import select
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time
import tty

from tools import boards

HARD_RESET = 99  # exit code of machine.reset() on the virtual board


def heap_model(like):
    """What the real board `like` gives Python (its board.json "heap"): {"gc_heap": the GC
    heap's size, "free": what is free after boot and Wi-Fi, "gc_threshold": n if its _boot.py
    sets gc.threshold(heap // n)}."""
    h = boards.load(like).get("heap")
    if not h:
        raise boards.BoardError("board %r has no heap figures to stand for (LIKE=esp8266, esp32, ...)" % like)
    return h


def _raw_with_isig(fd):
    # Raw, no echo, but Ctrl-C still raises SIGINT (KeyboardInterrupt) while code runs;
    # MicroPython's REPL switches ISIG off itself while it reads a line.
    tty.setraw(fd)
    a = termios.tcgetattr(fd)
    a[3] |= termios.ISIG
    termios.tcsetattr(fd, termios.TCSANOW, a)


class VirtualBoard:
    """firmware: a unix port binary built with boards/unix/manifest_base.py (the board's
    start-up, vboard_main, frozen in). like: the real board whose heap it gets (heap_model());
    heap: a GC heap of that many bytes instead, with nothing held back (the smallest-heap
    searches)."""

    def __init__(self, flash, firmware, like=None, heap=None, romfs=None, http_port=None, netns=None, log=None,
                 console=None):
        self.flash = os.path.abspath(flash)
        self.firmware = os.path.abspath(firmware)
        self.model = heap_model(like) if like and not heap else {}
        self.heap = heap or self.model.get("gc_heap") or 4 << 20
        self.romfs = romfs
        self.http_port = http_port
        self.netns = netns
        self.log = log  # a file getting a copy of everything the board prints
        self.console = console  # called with what it prints outside the raw REPL: a serial monitor's view
        self.at_repl = False  # its REPL prompt is showing: main.py ended, or there was none
        self.proc = None
        self.raw = False  # the client put the REPL in raw mode (Ctrl-A)
        self.boots = 0
        self._stop = threading.Event()

    # ---- the serial port the host sees ----

    def start(self):
        if not os.path.isfile(self.firmware):
            raise boards.BoardError("no virtual board firmware at %s: `make firmware BOARD=unix` builds it" % self.firmware)
        os.makedirs(self.flash, exist_ok=True)
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # bytes pass unchanged, as over a USB serial port
        os.set_blocking(self.master, False)  # nobody listening: output is dropped, as by a UART
        self.port = os.ttyname(self.slave)
        self._spawn("normal")
        self.thread = threading.Thread(target=self._relay, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._kill()
        self.thread.join(5)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass

    # ---- the MicroPython process ----

    def _spawn(self, mode):
        self.mp_master, mp_slave = os.openpty()
        _raw_with_isig(mp_slave)
        env = dict(os.environ)
        env.pop("MICROPYPATH", None)
        if self.romfs:
            env["VBOARD_ROMFS"] = os.path.abspath(self.romfs)
        if self.http_port:
            env["VBOARD_HTTP_PORT"] = env["PICOWEB_PORT"] = str(self.http_port)
        if self.model.get("free"):
            env["VBOARD_HEAP_FREE"] = str(self.model["free"])
        if self.model.get("gc_threshold"):
            env["VBOARD_GC_THRESHOLD"] = str(self.model["gc_threshold"])
        cmd = [self.firmware, "-X", "heapsize=%d" % self.heap, "-i", "-m", "vboard_main", mode]
        if self.netns:
            cmd = ["ip", "netns", "exec", self.netns] + cmd

        def controlling_tty():
            os.setsid()
            fcntl.ioctl(mp_slave, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(cmd, cwd=self.flash, env=env, stdin=mp_slave, stdout=mp_slave, stderr=mp_slave,
                                     preexec_fn=controlling_tty, close_fds=True)
        os.close(mp_slave)
        os.set_blocking(self.mp_master, False)
        self.boots += 1
        self.at_repl = False
        self.filter = mode == "raw"  # after a raw-REPL soft reset: back to the raw REPL, quietly

    def _kill(self):
        p = self.proc
        if p and p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # MicroPython ignores SIGTERM
            except ProcessLookupError:
                pass
            p.wait()
        try:
            os.close(self.mp_master)
        except OSError:
            pass

    def _to_host(self, data):
        if self.log:
            self.log.write(data)
            self.log.flush()
        if not self.raw and not self.filter:
            self.at_repl = data.endswith(b">>> ")
            if self.console:
                self.console(data)
        try:
            os.write(self.master, data)
        except BlockingIOError:
            pass  # the host is not reading

    def _relay(self):
        # Host <-> MicroPython, byte for byte; a process that ends is a reset of the board.
        pending = b""
        while not self._stop.is_set():
            try:
                r, _, _ = select.select([self.master, self.mp_master], [], [], 0.2)
            except (OSError, ValueError):
                return
            if self.master in r:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    data = b""
                if data:
                    if b"\x01" in data:
                        self.raw = True
                    if b"\x02" in data:
                        self.raw = False
                    try:
                        os.write(self.mp_master, data)
                    except OSError:
                        pass  # the board is not reading its input: dropped, as by a UART
            if self.mp_master in r:
                try:
                    data = os.read(self.mp_master, 4096)
                except BlockingIOError:
                    continue
                except OSError:  # EIO: the interpreter's side of its pty is closed
                    data = b""
                if data:
                    if self.filter:
                        # Show boot.py's output, drop the friendly banner, and go back to the raw REPL.
                        pending += data
                        i = pending.find(b">>> ")
                        if i >= 0:
                            j = pending.find(b"MicroPython ")
                            self._to_host(pending[: j if 0 <= j < i else i])
                            pending = b""
                            self.filter = False
                            os.write(self.mp_master, b"\x01")
                    else:
                        self._to_host(data)
                    continue
                # EOF: the interpreter ended: Ctrl-D (soft reset) or machine.reset()
                code = self.proc.wait()
                if self._stop.is_set():
                    return
                self._kill()
                if code == HARD_RESET:
                    self.raw = False
                    self._to_host(b"\r\nvirtual board: hard reset\r\n")
                else:
                    self._to_host(b"MPY: soft reboot\r\n")
                self._spawn("raw" if self.raw else "normal")


class NetNS:
    # A network namespace of our own with netem on its loopback, to resemble a Wi-Fi link:
    # the board and the load generator both run inside it and talk over 127.0.0.1.
    def __init__(self, netem):
        self.name = "picoweb-vb-%d" % os.getpid()
        self.netem = netem

    def __enter__(self):
        for cmd in (["ip", "netns", "add", self.name], ["ip", "-n", self.name, "link", "set", "lo", "up"],
                    ["ip", "netns", "exec", self.name, "tc", "qdisc", "add", "dev", "lo", "root", "netem"] + self.netem.split()):
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode:
                self.__exit__()
                raise RuntimeError("%s failed: %s (netem needs root, iproute2 and the sch_netem module)"
                                   % (" ".join(cmd), p.stderr.strip()))
        return self

    def __exit__(self, *a):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)


def flash_dir():
    return os.path.join(os.environ.get("PICOWEB_FIRMWARE_DIR") or os.path.join(boards.ROOT, "firmware"), "unix", "flash")


class Monitor:
    """The board's console as a serial monitor shows it: each line on this terminal after
    "board| ", and all of it in a log file."""

    def __init__(self, path):
        self.path = path
        self.file = open(path, "wb")
        self.partial = b""

    def __call__(self, data):
        self.file.write(data)
        self.file.flush()
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            print("board| " + line.rstrip(b"\r").decode("utf-8", "replace"), flush=True)


def wait_serving(vb, port, limit=30.0, netns=None, boots=0):
    """The status line of the board's first answer to GET / on port, or an error saying why
    none came: its main.py ended (back at the REPL), or nothing answered in time. boots: the
    board's boots before a reset that is on its way (its REPL before that says nothing)."""
    from tools.serverproc import answers_http

    end = time.time() + limit
    while True:
        if netns:
            p = subprocess.run(["ip", "netns", "exec", netns, sys.executable, "-m", "tools.serverproc", "probe", str(port)],
                               capture_output=True, text=True, cwd=boards.ROOT)
            status = p.stdout.strip() if p.returncode == 0 else None
        else:
            status = answers_http(port)
        if status:
            return status
        if vb.at_repl and vb.boots > boots:
            raise boards.BoardError("the board's main.py ended without serving on port %d: its console says why" % port)
        if time.time() > end:
            raise boards.BoardError(
                "nothing answers on port %d after %d s: does the app listen on it? picoweb's app.run() takes it from "
                "PICOWEB_PORT, set on the board; other apps get it as sys.argv[1]" % (port, limit))
        time.sleep(0.2)


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(prog="python -m tools.vboard")
    ap.add_argument("command", choices=["run"])
    ap.add_argument("--like", default="esp32", help="the real board whose heap it gets")
    ap.add_argument("--arch", type=int, default=32, choices=(32, 64), help="the firmware's word size")
    ap.add_argument("--http-port", type=int, default=8081)
    ap.add_argument("--app", default=None)
    ap.add_argument("--netem", default=None)
    ap.add_argument("--no-deploy", action="store_true")
    a = ap.parse_args(argv)
    from tools import build, device, firmware
    from tools.runner import run
    from tools.serverproc import port_owner

    board = boards.load("unix")
    heap_model(a.like)  # a bad LIKE fails before the build
    owner = None if a.netem else port_owner(a.http_port)
    if owner:
        raise boards.BoardError("port %d is in use by %s: choose another, e.g. make run HTTP_PORT=%d"
                                % (a.http_port, owner, a.http_port + 1))
    out = build.out_dir(board)
    fw = os.path.join(out, "micropython")
    if not a.no_deploy:
        fw = build.build_firmware(board, a.app, a.arch)
    if not a.no_deploy:  # flashed anew, as `make flash` erases a board: no main.py of another app runs first
        shutil.rmtree(flash_dir(), ignore_errors=True)
    ns = NetNS(a.netem).__enter__() if a.netem else None
    monitor = Monitor(os.path.join(out, "console.log"))
    vb = VirtualBoard(flash_dir(), fw, a.like, http_port=a.http_port, netns=ns and ns.name, console=monitor)
    link = os.path.join(out, "tty")

    def stop(*_, code=0):
        vb.stop()
        if os.path.islink(link):
            os.unlink(link)
        if ns:
            ns.__exit__()
        sys.exit(code)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    vb.start()
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(vb.port, link)
    print("virtual board like %s: %d-bit firmware %s, GC heap %d bytes (%d free after boot), flash %s, serial port %s "
          "(also %s); its console below after \"board| \", and in %s"
          % (a.like, firmware.elf_bits(fw), os.path.relpath(fw, boards.ROOT), vb.heap, vb.model["free"],
             os.path.relpath(vb.flash, boards.ROOT), vb.port, os.path.relpath(link, boards.ROOT),
             os.path.relpath(monitor.path, boards.ROOT)), flush=True)
    try:
        boots = vb.boots
        if not a.no_deploy:
            # the path a real board takes: mpremote over the serial port, then a reset
            run(device.deploy_command(board, vb.port))
        status = wait_serving(vb, a.http_port, netns=ns and ns.name, boots=boots if not a.no_deploy else 0)
    except (boards.BoardError, device.ToolError) as e:
        time.sleep(0.3)  # the console's last lines
        print("error: %s (%s)" % (e, os.path.relpath(monitor.path, boards.ROOT)), file=sys.stderr, flush=True)
        stop(code=1)
    where = " (in network namespace %s, netem %s)" % (ns.name, a.netem) if ns else ""
    print("serving on http://127.0.0.1:%d/%s: it answered %r; Ctrl-C stops the board" % (a.http_port, where, status),
          flush=True)
    while True:
        time.sleep(3600)
