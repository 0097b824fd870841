"""The views in a real JupyterLab driven by Chromium, with the internet cut off.

A lecture hall often has no internet: the README's notebook snippet must render and animate
with every request to another host refused (the route below aborts them and records them).
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

README = Path(__file__).parent.parent / "README.md"
CELL = ('import landscape_app; landscape_app.extension()\n'
        'from landscape_app import Explorer\n'
        'Explorer(landscape="muller_brown", sampler="HMC")')


def notebook(path: Path, source: str):
    path.write_text(json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                   "execution_count": None}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}))


#: the other pages' views, as a notebook user builds them (issues 15, 16 and 17: "works in Jupyter")
CELLS = {"explorer": CELL,
         "saddles": "import landscape_app; landscape_app.extension()\n"
                    "from landscape_app import Saddles\nSaddles()",
         "synaptic-sampling": "import landscape_app; landscape_app.extension()\n"
                              "from landscape_app import SynapticSampling\nSynapticSampling()",
         "plasticity": "import landscape_app; landscape_app.extension()\n"
                       "from landscape_app import Plasticity\nPlasticity()",
         "plasticity-network": "import landscape_app; landscape_app.extension()\n"
                               "from landscape_app import Plasticity\n"
                               "Plasticity().network",
         "stiff": "import landscape_app; landscape_app.extension()\n"
                  "from landscape_app import Stiff\nStiff()",
         "plasticity-spiking": "import landscape_app; landscape_app.extension()\n"
                               "from landscape_app import Plasticity\n"
                               "Plasticity().spiking",
         "stiff-plane": "import landscape_app; landscape_app.extension()\n"
                        "from landscape_app import Stiff\nStiff().plane",
         "stiff-reactions": "import landscape_app; landscape_app.extension()\n"
                            "from landscape_app import Stiff\nStiff().reactions",
         "stiff-network": "import landscape_app; landscape_app.extension()\n"
                          "from landscape_app import Stiff\nStiff().network"}


@pytest.fixture(params=list(CELLS))
def jupyterlab(request, tmp_path):
    pytest.importorskip("jupyterlab")
    notebook(tmp_path / "lecture.ipynb", CELLS[request.param])
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/api", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                lab.kill()
                raise
            time.sleep(0.5)
    yield url
    lab.terminate()
    lab.wait(timeout=30)


def test_the_readme_snippet_is_the_one_tested():
    text = README.read_text()
    for line in CELL.splitlines():
        assert line in text, f"README's notebook snippet lacks: {line}"


def test_the_view_renders_and_plays_in_jupyterlab_offline(chromium_browser, jupyterlab):
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 2000})
    refused = []

    def offline(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith("http") and host not in ("127.0.0.1", "localhost"):
            refused.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", offline)
    page = context.new_page()
    try:
        page.goto(jupyterlab + "/lab/tree/lecture.ipynb")
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        page.wait_for_timeout(2000)
        page.locator(".jp-Cell").first.click()
        page.keyboard.press("Shift+Enter")
        page.locator(".jp-OutputArea-output canvas").first.wait_for(timeout=120_000)
        output = page.locator(".jp-OutputArea-output", has=page.locator("span.step-status"))
        step = output.locator("span.step-status").first
        # the explorer starts at step 0, /saddles after its first presentation (step 1)
        start = int(step.inner_text().split()[-1])
        assert start in (0, 1)
        output.get_by_role("button", name="Play", exact=True).first.click()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and int(step.inner_text().split()[-1]) == start:
            page.wait_for_timeout(200)
        first = int(step.inner_text().split()[-1])
        # a second frame: the kernel shares two cores with JupyterLab and Chromium, so the
        # first frames (the diagnostics' first redraw) may take a while on a loaded machine
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and int(step.inner_text().split()[-1]) <= first:
            page.wait_for_timeout(200)
        assert int(step.inner_text().split()[-1]) > first > start, "Play did not animate"
        # every plot drawn at its size (collapsed figures, a few px tall, once showed only
        # their legends while Play still counted)
        heights = output.evaluate("""e => { const out = []; const walk = (root) => {
            // a figure's own canvas (a legend's glyphs draw on 20 px ones)
            const figure = root.host && root.host.classList.contains('bk-Canvas');
            for (const el of root.querySelectorAll('canvas')) {
              const r = el.getBoundingClientRect();
              if (figure && r.width > 0) out.push(r.height); }
            for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
          }; walk(e); return out; }""")
        assert heights and min(heights) >= 100, f"plots drawn collapsed: {sorted(heights)[:5]}"
        # the whole view fits the cell's width: nothing cut on the right
        width, visible = output.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert width <= visible + 2, f"the view overflows the output ({width} > {visible} px)"
        assert refused == [], f"requests to other hosts: {sorted(set(refused))[:5]}"
    finally:
        context.close()
