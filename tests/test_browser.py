# The notes app in a real browser: headless Chromium (Debian's chromium and chromedriver)
# drives it, served by the MicroPython unix port. The screenshot is kept in tests/artifacts/.
import os
import shutil
import tempfile

import pytest

from conftest import ROOT, Server

from selenium import webdriver  # requirements-dev.txt
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")


@pytest.fixture
def browser():
    if not shutil.which("chromedriver"):
        pytest.fail("chromedriver not found: run `make setup` (Debian's chromium and chromium-driver)")
    profile = tempfile.mkdtemp()
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--user-data-dir=" + profile, "--window-size=800,600"):
        opts.add_argument(a)
    b = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    b.implicitly_wait(5)
    yield b
    b.quit()
    shutil.rmtree(profile, ignore_errors=True)


def submit(browser, element_id):
    # Clicks a form's button and waits until the next page has replaced this one.
    button = browser.find_element(By.ID, element_id)
    button.click()
    WebDriverWait(browser, 10).until(lambda _: gone(button))


def gone(element):
    # The element's page was replaced. (Chromium reports a node of a page it is leaving either
    # as stale or, while it switches, as a node that "does not belong to the document".)
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


def test_notes_in_a_browser(browser, tmp_path):
    d = tmp_path / "notes"
    shutil.copytree(os.path.join(ROOT, "examples", "notes"), d, ignore=shutil.ignore_patterns("notes", "*_tpl.py"))
    srv = Server("micropython", str(d / "main.py"), heap="160K", cwd=str(d), path=(ROOT, str(d)))
    base = "http://127.0.0.1:%d" % srv.port
    try:
        browser.get(base + "/")
        assert browser.find_element(By.ID, "empty").text == "No notes yet."
        for title, text in (("Water the plants", "the fern too"), ("Call <Anna>", "about Sunday")):
            browser.find_element(By.ID, "new").click()
            browser.find_element(By.ID, "title").send_keys(title)
            browser.find_element(By.ID, "text").send_keys(text)
            submit(browser, "save")
        links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#notes a")]
        assert links == ["Water the plants", "Call <Anna>"]  # escaped by the template, shown as typed
        browser.find_element(By.LINK_TEXT, "Water the plants").click()
        t = browser.find_element(By.ID, "title")
        t.clear()
        t.send_keys("Water all the plants")
        submit(browser, "save")
        submit(browser, "delete-2")
        browser.refresh()
        links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#notes a")]
        assert links == ["Water all the plants"]
        # the stylesheet came through (gzipped: browsers accept it)
        assert browser.execute_script("return getComputedStyle(document.body).fontFamily").startswith("sans-serif")
        os.makedirs(ARTIFACTS, exist_ok=True)
        browser.save_screenshot(os.path.join(ARTIFACTS, "notes.png"))
    finally:
        srv.stop()


def page_log(browser, app, heap, host="127.0.0.1"):
    # Serves tests/apps/<app> on the MicroPython unix port, loads its page, waits until the page's
    # script sets the title to "done", and returns the lines it wrote to #log.
    srv = Server("micropython", os.path.join(ROOT, "tests", "apps", app), heap=heap)
    try:
        browser.get("http://%s:%d/" % (host, srv.port))
        WebDriverWait(browser, 10).until(lambda b: b.title == "done")
        return browser.find_element(By.ID, "log").text.split("\n")
    finally:
        srv.stop()


def test_websocket_in_a_browser(browser):
    # Chromium's WebSocket against picoweb.websocket: text, binary, a 20,000-byte message, and a
    # close started by the server with its code and reason.
    assert page_log(browser, "ws_app.py", "256K") == [
        "text hello from the browser", "binary 0,1,2,255", "text long 20000", "closed 4001 asked to true"]


def test_cors_in_a_browser(browser):
    # A page from http://localhost:PORT calls the API at http://127.0.0.1:PORT (another origin):
    # the allowed call goes through its preflight, the others are blocked by the browser.
    assert page_log(browser, "cors_app.py", "160K", host="localhost") == [
        'post 200 {"got": "hi"} 3', "other header blocked", "no cors blocked", 'public 200 {"open": true} null']
