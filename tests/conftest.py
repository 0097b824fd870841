"""Shared fixtures and helpers for the test-suite."""

import numpy as np
import pytest

from landscape_app import landscapes


def finite_difference_gradient(landscape, xy, rel_step=1e-6):
    """Central differences of E: error O(h²·E''') plus rounding O(eps·|E|/h)."""
    xy = np.asarray(xy, dtype=float)
    h = rel_step * np.maximum(1.0, np.abs(xy))
    grad = np.empty_like(xy)
    for j in range(2):
        step = np.zeros_like(xy)
        step[:, j] = h[:, j]
        grad[:, j] = (landscape.energy(xy + step) - landscape.energy(xy - step)) / (2 * h[:, j])
    return grad


def points_in_window(landscape, n, seed=0):
    x0, x1, y0, y1 = landscape.window
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


@pytest.fixture(params=landscapes.names())
def builtin_landscape(request):
    return landscapes.get(request.param)


# -- real-browser tests ---------------------------------------------------------------------------
import collections  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped browser test is a failure: it would hide a missing Chromium."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true: {report.longrepr}"


@pytest.fixture(scope="session")
def chromium_browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium "
                    "(apt-get install chromium) to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, timeout=600.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def app_url():
    """A ``landscape-app`` server in a subprocess (as a user starts it); its base URL."""
    port = free_port()
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"landscape-app-{port}.log"), "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "landscape_app", "--port", str(port), "--no-show",
         "--num-threads", "4"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        wait_for_http(url + "/")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_errors = []
    page.console_error_pages = []  # the page's path at each error, to tell which page it was

    def on_console(msg):
        if msg.type == "error":
            page.ws_frames.append(f"CONSOLE ERROR at {page.url}: {msg.text}")
            page.console_errors.append(msg.text)
            page.console_error_pages.append(page.url.split("?")[0])

    page.on("console", on_console)

    def on_page_error(exc):
        page.ws_frames.append(f"PAGE ERROR at {page.url}: {exc}\n{getattr(exc, 'stack', '')}")
        page.console_errors.append(str(exc))
        page.console_error_pages.append(page.url.split("?")[0])

    page.on("pageerror", on_page_error)
    # the server's messages, kept so that a BokehJS error about a model ("reference … isn't
    # known") can be traced to the message that should have carried that model
    page.ws_frames = collections.deque(maxlen=4000)

    def on_websocket(ws):
        page.ws_frames.append(f"OPEN {ws.url}")
        ws.on("framereceived", lambda frame: page.ws_frames.append(
            frame if isinstance(frame, str) else frame.decode("utf-8", "replace")))
        ws.on("framesent", lambda frame: page.ws_frames.append(
            "SENT " + (frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))))

    page.on("websocket", on_websocket)
    yield page
    if page.console_errors:  # what led to it: the messages and the error's stack
        path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "landscape-ws-frames.json")
        with open(path, "w") as out:
            json.dump(list(page.ws_frames), out)
        print(f"websocket frames of the page written to {path}")
    context.close()


def rendered_tabs(view):
    """Render a tabbed page into a fresh Bokeh document, opening every tab as a user would;
    yields the view and stops it afterwards (use with ``yield from`` in a fixture)."""
    import panel as pn
    from bokeh.document import Document

    doc = Document()
    pn.state.curdoc = doc
    pn.panel(view).get_root(doc)
    for tab in range(len(view.parts)):
        view.tabs.active = tab
    view.tabs.active = 0
    yield view
    view.stop()
