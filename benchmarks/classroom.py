"""A class on one server: 30 students open the lecturer's link at once, 10 of them press Play.

Real Chromium pages against a ``landscape-app`` started as a user starts it (warm numba cache),
the browser and the server sharing this machine's cores, which makes the figures pessimistic
for a real class (each student has a machine of their own). Reported:

* ``health_ms``: median and 95th percentile of ``GET /health`` polled every 100 ms while the
  pages open and play: how long the server makes any request wait;
* ``render_s``: seconds from the 30 simultaneous navigations to each page's plot drawn;
* ``first_frame_s``: from the click on Play to the page's step counter moving, for the 10;
* ``rss_mb``: the server's resident memory once all are open (and ``per_session_mb``);
* ``all_rendered``: whether every page rendered.

``python -m benchmarks.classroom [--pages 30] [--playing 10] [--num-procs 1]``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from .app import CHROMIUM, FLAGS, _free_port, _wait_http


def _percentile(values, q):
    values = sorted(values)
    if not values:
        return None
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def _resident_mb(pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def _server_pids(root_pid):
    """The server and the worker processes it forked (``--num-procs``)."""
    pids = [root_pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(root_pid)], capture_output=True, text=True)
        pids += [int(p) for p in out.stdout.split()]
    except OSError:
        pass
    return pids


class HealthPoller(threading.Thread):
    def __init__(self, url, period=0.1):
        super().__init__(daemon=True)
        self.url, self.period, self.latencies, self.failures = url, period, [], 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=30) as response:
                    response.read()
                self.latencies.append(1000 * (time.perf_counter() - start))
            except OSError:
                self.failures += 1
            self._halt.wait(self.period)

    def stop(self):
        self._halt.set()
        self.join(timeout=35)


def run_classroom(pages=30, playing=10, num_procs=1, path="/explorer", extra=()) -> dict:
    if not os.path.exists(CHROMIUM):
        return {}
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "landscape_app", "--port", str(port),
                               "--num-procs", str(num_procs), *extra],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}"
    try:
        _wait_http(url + "/health", timeout=600, server=server)
        time.sleep(1.0 if num_procs == 1 else 3.0)
        base_rss = _resident_mb(_server_pids(server.pid))
        poller = HealthPoller(url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            tabs = [context.new_page() for _ in range(pages)]
            poller.start()
            start = time.perf_counter()
            for tab in tabs:
                # all at once: ``goto`` would wait for each page's response (its build)
                tab.evaluate("address => { window.location.href = address; }", url + path)
            render, rendered = [], 0
            for tab in tabs:
                try:
                    tab.wait_for_selector("canvas", timeout=300_000)
                    tab.wait_for_selector("span.step-status", timeout=60_000)
                    render.append(time.perf_counter() - start)
                    rendered += 1
                except Exception:  # reported as not rendered
                    pass
            rss_open = _resident_mb(_server_pids(server.pid))
            first_frames = []
            clicks = []
            for tab in tabs[:playing]:
                tab.get_by_role("button", name="Play", exact=True).click(timeout=300_000)
                clicks.append(time.perf_counter())
            for tab, clicked in zip(tabs[:playing], clicks, strict=True):
                step = tab.locator("span.step-status").first
                deadline = clicked + 120
                while time.perf_counter() < deadline:
                    if step.inner_text().strip() != "step 0":
                        first_frames.append(time.perf_counter() - clicked)
                        break
                    tab.wait_for_timeout(25)
            tabs[0].wait_for_timeout(5000)  # ten classes playing together for a while
            poller.stop()
            browser.close()
        health = poller.latencies
        return {
            "pages": pages, "playing": playing, "num_procs": num_procs,
            "all_rendered": rendered == pages, "rendered": rendered,
            "render_s": {"median": round(statistics.median(render), 2),
                         "p95": round(_percentile(render, 0.95), 2),
                         "last": round(max(render), 2)} if render else None,
            "first_frame_s": {"median": round(statistics.median(first_frames), 2),
                              "p95": round(_percentile(first_frames, 0.95), 2)}
            if first_frames else None,
            "health_ms": {"median": round(statistics.median(health), 1),
                          "p95": round(_percentile(health, 0.95), 1),
                          "max": round(max(health), 1), "failures": poller.failures}
            if health else None,
            "rss_mb": {"before": round(base_rss), "all_open": round(rss_open),
                       "per_session_mb": round((rss_open - base_rss) / max(rendered, 1), 1)},
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--playing", type=int, default=10)
    parser.add_argument("--num-procs", type=int, default=1)
    parser.add_argument("--server-args", default="", help="more landscape-app options")
    args = parser.parse_args(argv)
    print(json.dumps(run_classroom(args.pages, args.playing, args.num_procs,
                                   extra=args.server_args.split()), indent=2))


if __name__ == "__main__":
    main()
