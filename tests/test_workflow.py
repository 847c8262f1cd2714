# The maker's workflow, as a user types it: `make run`, `make deploy`, `make run-cpython` and the
# build commands, run for real (make, the scripts it calls, the virtual board, mpremote), each
# checked for doing what the README says, or for saying why not.
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, micropython
from httpclient import request

from tools import boards  # noqa: E402
from tools import device  # noqa: E402
from tools import firmware  # noqa: E402
from tools.serverproc import free_port  # noqa: E402
from tools.vboard import VirtualBoard  # noqa: E402

# The README's first app, unmodified: it binds 0.0.0.0:80, as on a board.
FIRST_APP = '''import picoweb

app = picoweb.WebApp(__name__)

@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp)
    yield from resp.awrite("Hello world")

@app.route("/api/<int:id>", methods=("GET", "POST"))
async def api(req, resp):
    await picoweb.jsonify(resp, {"id": req.params["id"]})

app.run(host="0.0.0.0", port=80)
'''


@pytest.fixture
def fwdir(tmp_path, monkeypatch):
    # firmware/ of this test's own (the builds of make run, make deploy ...)
    monkeypatch.setenv("PICOWEB_FIRMWARE_DIR", str(tmp_path / "firmware"))
    return tmp_path / "firmware"


class Make:
    """`make TARGET VAR=...` in the project's folder, its output read as it comes; stop() is a
    Ctrl-C at the terminal (SIGINT to its process group)."""

    def __init__(self, *args):
        # Ctrl-C as a terminal has it: a runner started in the background (`cmd &` in a script)
        # hands its children SIGINT ignored, and make would then never see the Ctrl-C
        self.proc = subprocess.Popen(["make", "--no-print-directory"] + list(args), cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self):
        return "".join(self.lines)

    def wait_for(self, text, limit=240):
        # True once text is printed; False if make ended first or limit seconds passed
        end = time.time() + limit
        while time.time() < end:
            if text in self.output:
                return True
            if self.proc.poll() is not None:
                self.reader.join(5)
                return text in self.output
            time.sleep(0.1)
        return False

    def stop(self):
        # True if it ended as a Ctrl-C ends it: make interrupted, its command ending cleanly
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.reader.join(5)
        return self.proc.returncode == -signal.SIGINT and "Traceback" not in self.output


def make(*args, timeout=300):
    return subprocess.run(["make", "--no-print-directory"] + list(args), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def board_processes(fwdir):
    # virtual boards still running from this test's firmware folder
    p = subprocess.run(["pgrep", "-f", str(fwdir)], capture_output=True, text=True)
    return p.stdout.split()


@pytest.mark.parametrize("app,expect", [("examples/hello.py", b"Hello world"), ("examples/notes", b"<title>Notes</title>")])
def test_make_run_like_esp8266_serves_hello_and_notes(fwdir, app, expect):
    port = free_port()
    m = Make("run", "LIKE=esp8266", "APP=" + app, "HTTP_PORT=%d" % port)
    try:
        assert m.wait_for("serving on http://127.0.0.1:%d/" % port), m.output
        r = request(port, path="/")
        assert r.status == 200 and expect in r.body
        assert "board| virtual board: 32" in m.output  # its console: the ESP8266's free heap after boot
        # the app's log, as a serial monitor shows it: written after the response went out, so
        # it may reach the console a moment after the client has its answer
        assert m.wait_for("board| INFO picoweb", 10), m.output
    finally:
        assert m.stop(), m.output
    assert not board_processes(fwdir)


def test_make_run_maps_the_port_of_an_unmodified_app_then_make_deploy_replaces_it(fwdir, tmp_path):
    # The README's first app asks for 0.0.0.0:80; PICOWEB_PORT (set on the board) wins. Then
    # `make deploy` from another terminal: the board serves the new app, and the app of the
    # last build when no APP is given.
    first = tmp_path / "first.py"
    first.write_text(FIRST_APP)
    port = free_port()
    m = Make("run", "APP=%s" % first, "HTTP_PORT=%d" % port)
    try:
        assert m.wait_for("serving on http://127.0.0.1:%d/" % port), m.output
        assert request(port, path="/api/7").body == b'{"id": 7}'
        p = make("deploy", "BOARD=unix", "APP=examples/notes")
        assert p.returncode == 0, p.stdout + p.stderr
        assert m.wait_for("board| virtual board: hard reset", 30)
        assert b"<title>Notes</title>" in _when_served(port, m).body
        # again, without APP: the notes app again, nothing to rebuild in the firmware, nothing copied again
        p = make("deploy", "BOARD=unix")
        assert p.returncode == 0, p.stdout + p.stderr
        assert "deploying examples/notes to unix" in p.stdout
        assert "up to date" in p.stdout and "Up to date: main.py" in p.stdout
        assert b"<title>Notes</title>" in _when_served(port, m).body
    finally:
        assert m.stop(), m.output
    p = make("deploy", "BOARD=unix")  # the board is gone: say so
    assert p.returncode != 0 and "the virtual board is not running" in p.stderr


def _when_served(port, m=None, limit=30):
    # the answer to GET / once the (re)started board serves
    end = time.time() + limit
    while True:
        try:
            return request(port, path="/")
        except OSError:
            if time.time() > end:
                raise AssertionError(m.output if m else "nothing answers on port %d" % port)
            time.sleep(0.2)


def test_make_run_shows_the_boards_traceback_and_says_it_is_not_serving(fwdir, tmp_path):
    app = tmp_path / "broken.py"
    app.write_text("import picoweb\nprint('starting')\nraise ValueError('the thermostat is missing')\n")
    m = Make("run", "APP=%s" % app, "HTTP_PORT=%d" % free_port())
    assert m.wait_for("error:", 240), m.output
    assert m.proc.wait(30) != 0
    out = m.output
    assert "board| starting" in out and "board| ValueError: the thermostat is missing" in out
    assert "main.py ended without serving" in out and "serving on http" not in out
    assert not board_processes(fwdir)


def test_make_run_refuses_a_port_another_process_holds(fwdir):
    with socket_listening() as port:
        for target in ("run", "run-cpython"):
            p = make(target, "HTTP_PORT=%d" % port, timeout=60)
            assert p.returncode != 0
            assert "port %d is in use by pid %d" % (port, os.getpid()) in p.stderr, p.stdout + p.stderr
            assert "serving on http" not in p.stdout


class socket_listening:
    def __enter__(self):
        import socket

        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        self.s.listen(1)
        return self.s.getsockname()[1]

    def __exit__(self, *a):
        self.s.close()


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
def test_an_app_on_a_busy_port_exits_with_one_line(runtime, tmp_path):
    app = tmp_path / "app.py"
    app.write_text(FIRST_APP.replace('app.run(host="0.0.0.0", port=80)', 'app.run(host="127.0.0.1", port=80)'))
    with socket_listening() as port:
        cmd = [sys.executable] if runtime == "cpython" else [micropython()]
        env = dict(os.environ, PICOWEB_PORT=str(port), PYTHONPATH=ROOT, MICROPYPATH=ROOT + ":.frozen")
        p = subprocess.run(cmd + [str(app)], capture_output=True, text=True, timeout=30, env=env)
    assert p.returncode == 1
    assert p.stdout == "" and p.stderr.count("\n") == 1, p.stderr
    assert p.stderr.startswith("picoweb: can't serve on 127.0.0.1:%d: [Errno 98] " % port)


def test_make_run_cpython_serves_an_app_folder(fwdir):
    port = free_port()
    m = Make("run-cpython", "APP=examples/notes", "HTTP_PORT=%d" % port)
    try:
        assert m.wait_for("serving on http://127.0.0.1:%d/" % port, 120), m.output
        assert b"<title>Notes</title>" in request(port, path="/").body
        assert b"font-family" in request(port, path="/static/notes.css").body  # its static/ beside it
    finally:
        assert m.stop(), m.output
    assert "Task was destroyed" not in m.output and "Traceback" not in m.output
    assert not subprocess.run(["pgrep", "-f", "main.py %d" % port], capture_output=True).stdout


def test_a_template_error_is_one_line_with_its_file_and_line(fwdir, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "index.tpl").write_text("<ul>\n{% for x in xs %}\n<li>{{ x }}\n{% endif %}\n")
    (tmp_path / "main.py").write_text("import picoweb\napp = picoweb.WebApp(__name__)\n")
    p = make("mpy", "BOARD=esp32", "APP=%s" % tmp_path)
    assert p.returncode != 0
    assert p.stderr.splitlines()[0] == "template error: index.tpl:4: {% endif %} closes {% for %}"
    assert "Traceback" not in p.stderr


def test_a_one_file_app_takes_only_the_templates_it_names(fwdir):
    p = make("mpy", "BOARD=esp32", "APP=examples/hello.py")
    assert p.returncode == 0, p.stderr
    assert not (fwdir / "esp32" / "lib" / "templates").exists()
    p = make("mpy", "BOARD=esp32", "APP=examples/example_sensor.py")
    assert p.returncode == 0, p.stderr
    assert sorted(os.listdir(fwdir / "esp32" / "lib" / "templates")) == ["__init__.mpy", "sensor_tpl.mpy"]


def test_make_romfs_for_a_board_without_a_romfs_partition_warns(fwdir):
    p = make("romfs", "BOARD=esp32")
    assert p.returncode == 0, p.stderr
    assert "warning: esp32's stock MicroPython firmware has no ROMFS partition" in p.stdout
    assert "`make deploy` puts the same .mpy files in its lib/" in p.stdout
    p = make("romfs", "BOARD=esp8266")
    assert p.returncode == 0 and "warning" not in p.stdout


def test_make_deploy_dry_run_builds_and_prints_the_commands(fwdir):
    p = make("deploy", "BOARD=esp8266", "PORT=/dev/ttyUSB0", "APP=examples/notes", "DRY_RUN=1")
    assert p.returncode == 0, p.stderr
    out = fwdir / "esp8266"
    assert "deploying examples/notes to esp8266 on /dev/ttyUSB0" in p.stdout
    assert "$ %s connect /dev/ttyUSB0 romfs --no-mpy deploy %s/romfs + fs cp %s/main.py :main.py" % (
        device.tool("mpremote"), out, out) in p.stdout
    assert sorted(os.listdir(out / "romfs" / "lib")) == ["picoweb", "store.mpy", "templates"]


@pytest.mark.parametrize("fw", ["base", "picoweb"])
def test_deploy_to_an_esp_board_asks_what_its_firmware_has_frozen(fwdir, tmp_path, fw, capsys):
    # make deploy BOARD=esp8266's own code (tools/device.py deploy()) against the virtual board
    # standing in for a board: as for the ESP8266, but with .mpy files this port loads. On the
    # stock firmware picoweb goes to lib/; on this project's firmware, picoweb is frozen in and
    # only the app goes.
    board = dict(boards.load("esp8266"), mpy_arch="x86")
    binary = firmware.base_firmware() if fw == "base" else firmware.picoweb_firmware()
    vb = VirtualBoard(str(tmp_path / "flash"), binary, "esp32", http_port=free_port()).start()
    try:
        device.deploy(board, vb.port, os.path.join(ROOT, "examples", "notes"))
        out = capsys.readouterr().out
        assert "modules go to lib/" in out  # the unix port has no ROMFS partition
        lib = sorted(os.listdir(tmp_path / "flash" / "lib"))
        if fw == "base":
            assert lib == ["picoweb", "store.mpy", "templates"]
        else:
            assert lib == ["store.mpy", "templates"]
            assert "the board's firmware has picoweb %s frozen in: it is used, and not deployed" % _version() in out
        r = _when_served(vb.http_port)
        assert r.status == 200 and b"<title>Notes</title>" in r.body
    finally:
        vb.stop()


def _version():
    from picoweb import __version__

    return __version__


def test_free_ports_can_be_pinned(monkeypatch):
    lo = free_port()
    monkeypatch.setenv("PICOWEB_PORTS", "%d-%d" % (lo, lo + 2))
    got = [free_port() for _ in range(4)]
    assert all(lo <= p <= lo + 2 for p in got) and len(set(got)) >= 2
