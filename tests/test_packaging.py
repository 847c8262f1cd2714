# Packaging: the mip manifest (package.json) and the Python package.
import json
import os
import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT

from tools import firmware  # noqa: E402
from tools.vboard import VirtualBoard  # noqa: E402

MODULES = sorted("picoweb/" + f for f in os.listdir(os.path.join(ROOT, "picoweb")) if f.endswith(".py"))


def test_package_json_lists_every_module():
    with open(os.path.join(ROOT, "package.json")) as f:
        urls = json.load(f)["urls"]
    assert sorted(dest for dest, src in urls) == MODULES
    assert all(dest == src for dest, src in urls)


def test_mip_install_from_the_local_package_json(tmp_path):
    # the stock firmware (no picoweb frozen in): mip puts picoweb's sources in the board's lib/
    vb = VirtualBoard(str(tmp_path / "flash"), firmware.base_firmware(), heap=1 << 20).start()
    try:
        mpremote = [os.path.join(os.path.dirname(sys.executable), "mpremote"), "connect", vb.port]
        p = subprocess.run(mpremote + ["mip", "install", "--target", "lib", "./package.json"], cwd=ROOT,
                           capture_output=True, text=True, timeout=180)
        assert p.returncode == 0 and "Done" in p.stdout, p.stdout + p.stderr
        p = subprocess.run(mpremote + ["exec", "import sys; sys.path.insert(0, 'lib'); import picoweb; "
                                       "print('version', picoweb.__version__)"], capture_output=True, text=True, timeout=60)
        import picoweb

        assert "version " + picoweb.__version__ in p.stdout
    finally:
        vb.stop()


def test_wheel_has_the_package_and_its_version(tmp_path):
    # from the tracked files alone, as a clean checkout has them (setuptools' build/lib keeps
    # modules a build of an older tree left there)
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True).stdout.split("\0")
    for f in filter(None, files):
        if os.path.exists(os.path.join(ROOT, f)):
            os.makedirs(src / os.path.dirname(f), exist_ok=True)
            shutil.copy(os.path.join(ROOT, f), src / f)
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(tmp_path)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    import picoweb

    whl = [f for f in os.listdir(tmp_path) if f.endswith(".whl")]
    assert whl == ["picoweb_frozen-%s-py3-none-any.whl" % picoweb.__version__]
    names = zipfile.ZipFile(tmp_path / whl[0]).namelist()
    assert sorted(n for n in names if n.startswith("picoweb/")) == MODULES
