"""Serving: every registered page under its slug, the root redirecting to the explorer."""

import json
import subprocess
import sys

import panel as pn
from bokeh.core.validation import silence
from bokeh.core.validation.warnings import FIXED_SIZING_MODE
from panel.io.resources import LOCAL_DIST
from tornado.web import RedirectHandler, RequestHandler

from ..warmup import warm_up
from . import pages as _pages  # noqa: F401  (registers the pages)
from .errors import quiet_closed_tabs, report_exception
from .shell import PAGES, render


def serve_styles_locally(doc) -> None:
    """Every stylesheet of the session ``doc`` from this server, none from Panel's CDN.

    Panel points a new model's stylesheets at its CDN unless the document says where its
    files are (``dist_url``), which it only records once the page's HTML is written, after
    the session's models exist; models made in between (sessions opened together, with
    ``--num-threads``) asked cdn.holoviz.org, which an offline classroom cannot reach.
    """
    if doc is not None:
        doc._template_variables.setdefault("dist_url", LOCAL_DIST)


def _page_function(slug):
    # Panel calls plain functions once per session (a functools.partial would be shown as text)
    def build():
        serve_styles_locally(pn.state.curdoc)
        return render(slug)
    build.__name__ = f"{slug}_page"
    return build


def pages() -> dict:
    """URL slug → function building that page for one browser session."""
    return {p.slug: _page_function(p.slug) for p in PAGES}


class HealthHandler(RequestHandler):
    """GET /health: {"status": "ok", "pages": open pages, "playing": pages playing}."""

    def get(self):
        from ..views.controls import players_report

        self.set_header("Content-Type", "application/json")
        self.write(json.dumps({"status": "ok", **players_report()}))


def prepare(num_procs=1, stream=sys.stderr) -> dict:
    """Before the address is announced: every kernel compiled (or loaded from numba's cache)
    and the views imported, so that a first visitor's first click does not wait.

    With several processes the kernels are only compiled into the cache here, in a child
    process: the server forks its workers after this, and a process forked after numba's
    OpenMP threads have started may deadlock in them.
    """
    if num_procs == 1:
        info = warm_up(stream=stream)
        from .. import views  # noqa: F401  (Panel, HoloViews and every view: imported once here)

        return info
    subprocess.run([sys.executable, "-m", "landscape_app.warmup"], check=True)
    return {"cold": None}


def serve(port=5006, address=None, show=False, num_threads=None, allow_websocket_origin=None,
          start=True, num_procs=1, warm=True):
    """Serve the app; blocks until interrupted when ``start``.

    ``warm``: compile the kernels before serving (see ``prepare``); ``num_procs``: worker
    processes sharing the port (a bigger class; Linux and macOS).
    """
    if warm:
        prepare(num_procs)
    if num_threads is not None:
        pn.config.nthreads = num_threads
    pn.config.exception_handler = report_exception
    # square pictures are sized by their frame (frame_width/frame_height) and Bokeh derives
    # the outer size; its "fixed sizing mode requires width and height" check predates that
    silence(FIXED_SIZING_MODE, True)
    origins = allow_websocket_origin or [f"localhost:{port}", f"127.0.0.1:{port}"]
    first = PAGES[0].slug
    extra = {"num_procs": num_procs} if num_procs != 1 else {}
    server = pn.serve(
        pages(), port=port, address=address, show=show, websocket_origin=origins, **extra,
        title={p.slug: f"landscape_app · {p.title}" for p in PAGES}, start=False,
        extra_patterns=[(r"/", RedirectHandler, {"url": f"/{first}"}),
                        (r"/health", HealthHandler)],
        # a closed tab's session (and its periodic callback) is destroyed within seconds
        check_unused_sessions_milliseconds=2000, unused_session_lifetime_milliseconds=2000)
    quiet_closed_tabs(server.io_loop.asyncio_loop)
    if start:
        server.start()
        server.io_loop.start()
    return server
