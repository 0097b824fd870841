"""App benchmarks: update latency (in process), streaming frame rate and first page (browser).

* ``update_ms_median``: from a change of a landscape parameter (the double well's barrier) to
  the new plot data (energy grid, contour lines, critical points, reset chains) in the Bokeh
  models of the explorer, on a 200 × 200 grid; median over repeats. Measured in process with
  a Bokeh document, which is what the server does for a session, without the network.
* ``stream_fps``: data updates of the chains' trajectories seen per second by a real Chromium
  while 100 chains play (counted in the page by a listener on the Bokeh data source).
* ``first_page_s``: from starting ``landscape-app`` (warm numba cache) to a rendered explorer.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def measure_update_latency(resolution=200, repeats=15) -> dict:
    """Milliseconds from ``barrier = value`` to the new energy image in the Bokeh model
    (``update_ms``), and to the end of everything the change triggers (``settled_ms``: chains
    reset, diagnostics redrawn); medians."""
    import bokeh.models as bm
    import holoviews as hv
    import panel as pn
    from bokeh.document import Document

    from landscape_app.views import Explorer

    hv.extension("bokeh", logo=False)
    doc = Document()
    pn.state.curdoc = doc
    explorer = Explorer(landscape="double_well", sampler="MALA")
    explorer.plot.resolution = resolution
    root = pn.panel(explorer).get_root(doc)
    image_source = next(r.data_source for r in root.select({"type": bm.GlyphRenderer})
                        if isinstance(r.glyph, bm.Image))
    seen = []
    image_source.on_change("data", lambda attr, old, new: seen.append(time.perf_counter()))
    land = explorer.experiment.scene.landscape
    updates, settled = [], []
    for i in range(repeats + 2):
        seen.clear()
        start = time.perf_counter()
        land.barrier = 1.0 + 0.1 * (i % 7 + 1)
        end = time.perf_counter()
        if not seen:
            raise RuntimeError("the energy image was not updated")
        updates.append(seen[0] - start)
        settled.append(end - start)
    return {"update_ms": 1000 * statistics.median(updates[2:]),
            "settled_ms": 1000 * statistics.median(settled[2:])}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url, timeout=120, server=None):
    """Wait for ``url`` to answer; ``server``: the process serving it, whose exit ends the
    wait at once (a server that fails to start used to cost the whole timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode} before "
                               f"{url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(url)


def _first_page_and_fps(browser, seconds):
    port = _free_port()
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "landscape_app", "--port", str(port),
                               "--num-threads", "2"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        # readiness from /health: polling a page would build a whole session for nothing
        _wait_http(f"http://localhost:{port}/health", server=server)
        page.goto(f"http://localhost:{port}/explorer")
        page.wait_for_selector("canvas", timeout=120_000)
        first_page = time.perf_counter() - start
        fps = None
        if seconds:
            page.wait_for_function(
                "() => window.Bokeh && Bokeh.documents.length && "
                "Bokeh.documents[0].get_model_by_name('chain_tails')", timeout=120_000)
            page.evaluate("""() => {
                const ds = Bokeh.documents[0].get_model_by_name('chain_tails');
                window.__frames = 0;
                ds.properties.data.change.connect(() => window.__frames++); }""")
            page.get_by_role("button", name="Play").click()
            page.wait_for_timeout(2000)
            f0, t0 = page.evaluate("window.__frames"), time.perf_counter()
            page.wait_for_timeout(int(1000 * seconds))
            f1, t1 = page.evaluate("window.__frames"), time.perf_counter()
            page.get_by_role("button", name="Pause").click()
            fps = (f1 - f0) / (t1 - t0)
        return first_page, fps
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=20)


def measure_browser(seconds=5.0, starts=3) -> dict:
    """First page (median of ``starts`` fresh servers) and streaming frame rate in Chromium;
    {} when Chromium is missing."""
    if not os.path.exists(CHROMIUM):
        return {}
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            runs = [_first_page_and_fps(browser, seconds if k == 0 else 0)
                    for k in range(starts)]
        finally:
            browser.close()
    return {"first_page_s": round(statistics.median(r[0] for r in runs), 2),
            "first_page_s_runs": [round(r[0], 2) for r in runs],
            "stream_fps": round(runs[0][1], 1)}


def run_app_benchmarks(quick=True) -> dict:
    at_200 = measure_update_latency(200)
    at_400 = measure_update_latency(400)
    result = {
        "update_ms_median": round(at_200["update_ms"], 1),
        "settled_ms_median": round(at_200["settled_ms"], 1),
        "update_ms_median_400x400": round(at_400["update_ms"], 1),
        "chains_streamed": 100,
    }
    result.update(measure_browser(5.0 if quick else 10.0))
    return result
