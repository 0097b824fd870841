"""A class on one server: one tab's page being built holds up no other tab.

Bokeh builds a new session's page on the server's event loop; a page is one to several
seconds of Python, and while it was built nothing else was answered (10 tabs opened together:
``/health`` silent for up to 4.6 s, pages waiting for each other). The pages are now built on
a worker thread (``app/builder.py``) while the loop goes on answering.
"""

import threading
import time
import urllib.request

POLL_S = 0.05


def test_the_server_answers_while_a_page_is_being_built(app_url):
    """While a comparison page (the slowest to build) is requested, ``/health`` is asked every
    50 ms. Built on the event loop, it was answered about twice: once before the build
    started and once after it ended. The test asks for at least two answers per second of
    the request, a sixth of what an idle loop gives, and a build of at least a second (so
    that a blocked loop could not pass by chance)."""
    finished = threading.Event()

    def open_page():
        # a link with a setting: built for its tab (a plain link may get a spare page,
        # ``app/spares``, answered at once)
        with urllib.request.urlopen(app_url + "/compare?seed=7", timeout=120) as response:
            response.read()
        finished.set()

    opener = threading.Thread(target=open_page, daemon=True)
    start = time.monotonic()
    opener.start()
    answers, slowest = 0, 0.0
    while not finished.is_set():
        asked = time.monotonic()
        with urllib.request.urlopen(app_url + "/health", timeout=60) as response:
            response.read()
        if not finished.is_set():
            answers += 1
            slowest = max(slowest, time.monotonic() - asked)
        time.sleep(POLL_S)
    took = time.monotonic() - start
    opener.join(timeout=5)
    assert took > 1.0, f"the page took {took:.2f} s: too quick to show anything"
    assert answers >= 2 * took, (f"{answers} answers from /health in the {took:.1f} s the "
                                 f"page took (slowest {slowest:.2f} s)")


def test_several_processes_serve_the_class_together():
    """``--num-procs 2`` (the README's way to serve a bigger class): both processes share
    the port, and pages opened one after another are built and served (each request is
    answered by whichever process accepts it)."""
    import subprocess
    import sys

    from conftest import free_port, wait_for_http

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "landscape_app", "--port", str(port),
                               "--num-procs", "2"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://localhost:{port}"
    try:
        wait_for_http(url + "/health", timeout=600)
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(children) == 2, f"{len(children)} worker processes, not 2"
        for slug in ("explorer", "hopfield", "explorer"):
            with urllib.request.urlopen(f"{url}/{slug}", timeout=120) as response:
                page = response.read().decode()
            assert response.status == 200 and "<title>landscape_app" in page, page[:300]
    finally:
        import os
        import signal

        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
