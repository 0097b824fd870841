"""Serving: every registered page under its slug, the landing page (a gallery) at the root."""

import json
import subprocess
import sys
import time

import panel as pn
from bokeh.core.validation import silence
from bokeh.core.validation.warnings import FIXED_SIZING_MODE
from tornado.web import RequestHandler, StaticFileHandler

from ..warmup import warm_up
from . import pages as _pages  # noqa: F401  (registers the pages)
from .builder import applications, send_mathjax_only_for_math, serve_styles_locally, spare_pages
from .errors import (
    quiet_closed_tab_warnings,
    quiet_closed_tabs,
    quiet_messages_after_close,
    quiet_patches_for_unknown_models,
    report_exception,
)
from .shell import PAGES, render
from .spares import serve_spares
from .threads import (
    make_bokeh_validation_thread_local,
    serialise_panel_busy_counter,
    use_session_executor,
)

#: how long a session lives with no tab connected: the time a tab has to connect once its
#: page has arrived, and how long a closed tab's session lingers. Bokeh counts it from the
#: session's start; at 2 s, tabs of a class opening together on busy machines were discarded
#: before they had connected and never drew.
UNUSED_SESSION_LIFETIME_MS = 15_000


def _page_function(slug):
    # Panel calls plain functions once per session (a functools.partial would be shown as text)
    def build():
        serve_styles_locally(pn.state.curdoc)
        return render(slug)
    build.__name__ = f"{slug}_page"
    return build


#: routes that moved: old path → new path (old links and bookmarks keep working)
MOVED = {"/krotov": "/dense-memory"}


class MovedHandler(RequestHandler):
    """A page that moved: a permanent redirect to its new path, the query kept."""

    def initialize(self, url):
        self.url = url

    def get(self):
        query = self.request.query
        self.redirect(self.url + (f"?{query}" if query else ""), permanent=True)


def pages() -> dict:
    """URL slug → function building that page for one browser session (on the calling
    thread; the server builds them with ``builder.applications``)."""
    return {p.slug: _page_function(p.slug) for p in PAGES}


class LandingHandler(RequestHandler):
    """GET /: the gallery of the pages and the lecture stories (plain HTML, no script)."""

    def get(self):
        from ..page_models.lecture import load_stories
        from ..views.landing.page import landing_html

        try:
            stories = load_stories(pages=[p.slug for p in PAGES])
        except ValueError as error:  # a lecturer's story with a mistake: say which
            log_story_error(error)
            stories = {}
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(landing_html(PAGES, stories))


def log_story_error(error) -> None:
    import logging

    logging.getLogger("landscape_app").warning("stories not loaded: %s", error)


def serve_spares_of(server, pool):
    """Hand ``pool``'s spare pages to ``server``'s plain requests (``spares``)."""
    slugs = set(pool.slugs)
    serve_spares(server, pool, lambda url: url.strip("/") if url.strip("/") in slugs else None)
    return pool


class HealthHandler(RequestHandler):
    """GET /health: {"status": "ok", "pages": open pages, "playing": pages playing,
    "spares": {"ready": pages built ahead, "handed_out": tabs given one,
    "missing": pages without a spare yet}}."""

    def get(self):
        from ..views.common.playback import players_report
        from . import spares

        report = {"status": "ok", **players_report()}
        if spares.SPARES is not None:
            report["spares"] = spares.SPARES.report()
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(report))


def prepare(num_procs=1, stream=sys.stderr) -> dict:
    """Before the address is announced: every kernel compiled (or loaded from numba's cache)
    and the views imported, so that a first visitor's first click does not wait.

    With several processes the kernels are only compiled into the cache here, in a child
    process: the server forks its workers after this, and a process forked after numba's
    OpenMP threads have started may deadlock in them.
    """
    if num_procs == 1:
        info = warm_up(stream=stream)
        info["imports_s"] = import_page_libraries()
        return info
    subprocess.run([sys.executable, "-m", "landscape_app.warmup"], check=True)
    return {"cold": None}


def import_page_libraries() -> float:
    """Import what the pages' first build would otherwise import: every view, HoloViews'
    Bokeh plotting and Panel's table widget (the comparison's); seconds taken.

    Measured here, this took about 1 s off the explorer's first build in a process and more
    off the comparison's, for half a second at start. (Building every page once in advance
    would take a little more off, but costs about 20 s at every start.) The table is only
    imported: ``pn.extension("tabulator")`` here would send its JavaScript with every page.
    """
    start = time.perf_counter()
    import holoviews as hv
    import panel.widgets.tables  # noqa: F401

    from .. import views  # noqa: F401

    hv.extension("bokeh", logo=False)
    return round(time.perf_counter() - start, 2)


def serve(port=5006, address=None, show=False, num_threads=None, allow_websocket_origin=None,
          start=True, num_procs=1, warm=True, spares=True):
    """Serve the app; blocks until interrupted when ``start``.

    ``warm``: compile the kernels before serving (see ``prepare``) and, in one process, build
    the first page of the gallery ahead; ``num_procs``: worker processes sharing the port (a
    bigger class; Linux and macOS); ``spares``: keep a page of each kind built ahead for the
    next tab (``spares``).
    """
    if warm:
        prepare(num_procs)
    # pages are built on the builder thread while sessions stream frames on others
    make_bokeh_validation_thread_local()
    serialise_panel_busy_counter()
    if num_threads:
        # Panel's pool would run two callbacks of one session at once (see ``threads``)
        use_session_executor(num_threads)
    pn.config.exception_handler = report_exception
    send_mathjax_only_for_math()
    # square pictures are sized by their frame (frame_width/frame_height) and Bokeh derives
    # the outer size; its "fixed sizing mode requires width and height" check predates that
    silence(FIXED_SIZING_MODE, True)
    pool = spare_pages() if spares else None
    if pool is not None and warm and num_procs == 1:
        # before the address is announced: a fresh process builds its first page in about
        # twice the time of later ones, which the first visitor would wait for
        pool.fill(pool.slugs[:1])
    origins = allow_websocket_origin or [f"localhost:{port}", f"127.0.0.1:{port}"]
    from ..views.landing.page import GALLERY_FOLDER
    extra = {"num_procs": num_procs} if num_procs != 1 else {}
    server = pn.serve(
        applications(), port=port, address=address, show=show, websocket_origin=origins, **extra,
        start=False,
        extra_patterns=[(r"/", LandingHandler),
                        (r"/gallery/(.*)", StaticFileHandler, {"path": str(GALLERY_FOLDER)}),
                        (r"/health", HealthHandler),
                        *[(old, MovedHandler, {"url": new}) for old, new in MOVED.items()]],
        # a closed tab's session (and its periodic callback) is destroyed within seconds; a
        # session whose tab has not connected yet (a busy student's laptop) is kept a while
        check_unused_sessions_milliseconds=2000,
        unused_session_lifetime_milliseconds=UNUSED_SESSION_LIFETIME_MS)
    if pool is not None:
        serve_spares_of(server, pool)
    quiet_closed_tabs(server.io_loop.asyncio_loop)
    quiet_closed_tab_warnings()
    quiet_messages_after_close()
    quiet_patches_for_unknown_models()
    if start:
        server.start()
        server.io_loop.start()
    return server
