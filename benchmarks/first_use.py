"""First use, as a lecturer meets it: a fresh ``landscape-app``, a real Chromium, the first click.

* ``first_play_cold_cache_s``: numba's cache empty (a fresh install). The server compiles the
  kernels before it announces its address (``server_ready_cold_cache_s`` says how long that
  took); the figure is from the click on Play in /explorer, opened as soon as the server
  answers, to the step counter's first advance.
* ``first_play_warm_cache_s``: the same with the cache filled by that first start.
* ``pages``: for every page, with a warm cache, the seconds from navigation to its first tab
  drawn (every plot's canvas in the page, Bokeh idle) and from the first Play (for /dense-memory in
  the "Beyond capacity" tab) to the step counter's first advance. The server has had time to
  build its spare pages (``app/spares``), as it has when a lecturer opens the gallery first.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

from .app import CHROMIUM, FLAGS, _free_port, _wait_http

#: page → the tab holding the page's first Play (None: the first tab)
PAGES = {"explorer": None, "compare": None, "hopfield": None, "dense-memory": "Beyond capacity",
         "control": None, "synaptic-sampling": None, "saddles": None, "plasticity": None,
         "stiff": None}

#: seconds a started server is left alone before the pages are timed: it builds a spare of
#: every page meanwhile (``app/spares``), as it does while a lecturer opens the gallery
SPARES_SETTLE_S = 60

#: the page drawn: Bokeh idle and a plot's canvas (or the step counter) in the page; Panel's
#: components live in shadow roots, which querySelectorAll does not enter
DRAWN = """() => {
  if (!(window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle)) return false;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.matches('span.step-status, canvas')) return true;
      if (el.shadowRoot && walk(el.shadowRoot)) return true;
    }
    return false;
  };
  return walk(document);
}"""


def _start_server(env):
    port = _free_port()
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "landscape_app", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_http(f"http://localhost:{port}/health", timeout=600, server=server)
    return server, f"http://localhost:{port}", time.perf_counter() - start


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def _step(page) -> int:
    text = page.locator("span.step-status").first.inner_text()
    return int(text.split()[-1])


def _first_render(page, url):
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=120_000, polling=50)
    return time.perf_counter() - start


def _first_play(page, tab=None):
    if tab is not None:
        page.locator(".bk-tab", has_text=tab).click()
        page.wait_for_function(DRAWN, timeout=60_000, polling=50)
    step = page.locator("span.step-status:visible").first
    before = int(step.inner_text().split()[-1])
    button = page.get_by_role("button", name="Play", exact=True).locator("visible=true").first
    start = time.perf_counter()
    button.click()
    deadline = start + 120
    while time.perf_counter() < deadline:
        if int(step.inner_text().split()[-1]) > before:
            elapsed = time.perf_counter() - start
            pause = page.get_by_role("button", name="Pause", exact=True).locator(
                "visible=true").first
            if pause.is_enabled():  # a short run (a recall) may have ended by itself
                pause.click()
            return elapsed
        page.wait_for_timeout(20)
    raise TimeoutError("Play did not advance the step counter within 120 s")


def _wait_for_spares(url, count, timeout):
    import json
    import urllib.request

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with urllib.request.urlopen(url + "/health") as response:
            if len(json.load(response).get("spares", {}).get("ready", [])) >= count:
                return
        time.sleep(1)


def _explorer_first_play(browser, env):
    server, url, ready = _start_server(env)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        render = _first_render(page, url + "/explorer")
        play = _first_play(page)
        page.close()
        return ready, render, play
    finally:
        _stop(server)


def measure_first_use() -> dict:
    """Cold and warm numba caches, then every page warm; {} without Chromium."""
    if not os.path.exists(CHROMIUM):
        return {}
    from playwright.sync_api import sync_playwright

    cache = tempfile.mkdtemp(prefix="numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    result = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                for label in ("cold", "warm"):
                    ready, render, play = _explorer_first_play(browser, env)
                    result[f"server_ready_{label}_cache_s"] = round(ready, 2)
                    result[f"first_render_{label}_cache_s"] = round(render, 2)
                    result[f"first_play_{label}_cache_s"] = round(play, 2)
                server, url, _ = _start_server(env)
                try:
                    _wait_for_spares(url, len(PAGES), SPARES_SETTLE_S)
                    pages = {}
                    for slug, tab in PAGES.items():
                        page = browser.new_page(viewport={"width": 1400, "height": 1000})
                        render = _first_render(page, f"{url}/{slug}")
                        play = _first_play(page, tab)
                        pages[slug] = {"first_render_s": round(render, 2),
                                       "first_play_s": round(play, 2)}
                        page.close()
                    result["pages_warm_cache"] = pages
                finally:
                    _stop(server)
            finally:
                browser.close()
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(measure_first_use(), indent=2))
