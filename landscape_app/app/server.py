"""Serving: every registered page under its slug, the root redirecting to the explorer."""

import json

import panel as pn
from tornado.web import RedirectHandler, RequestHandler

from . import pages as _pages  # noqa: F401  (registers the pages)
from .errors import report_exception
from .shell import PAGES, render


def _page_function(slug):
    # Panel calls plain functions once per session (a functools.partial would be shown as text)
    def build():
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


def serve(port=5006, address=None, show=False, num_threads=None, allow_websocket_origin=None,
          start=True):
    """Serve the app; blocks until interrupted when ``start``."""
    if num_threads is not None:
        pn.config.nthreads = num_threads
    pn.config.exception_handler = report_exception
    origins = allow_websocket_origin or [f"localhost:{port}", f"127.0.0.1:{port}"]
    first = PAGES[0].slug
    return pn.serve(
        pages(), port=port, address=address, show=show, websocket_origin=origins,
        title={p.slug: f"landscape_app · {p.title}" for p in PAGES}, start=start,
        extra_patterns=[(r"/", RedirectHandler, {"url": f"/{first}"}),
                        (r"/health", HealthHandler)],
        # a closed tab's session (and its periodic callback) is destroyed within seconds
        check_unused_sessions_milliseconds=2000, unused_session_lifetime_milliseconds=2000)
