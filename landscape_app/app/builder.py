"""Each served page is built off the server's event loop, one page at a time.

Building a page (its views, then the Bokeh models of every plot through HoloViews and Panel)
is one to several seconds of pure Python. Bokeh builds a new session's document on the event
loop, so while it did, no other tab was answered: a class opening the same link saw
``/health`` stall for seconds and every page wait for all the others (``benchmarks/
classroom.py``). Bokeh awaits an application's ``on_session_created`` hooks before it builds
the document, with the document and its request already in place, so a hook can build the
whole page there on a worker thread while the loop goes on serving everyone else; Bokeh's own
build step then finds it done. What stays on the loop is writing the document into the
page's HTML (a few tenths of a second).

The builder is one thread: a build cannot run faster beside another (the interpreter runs
one Python thread at a time), so builds in parallel would only finish all of them later; one
at a time, the first student's page is ready first. More cores: ``--num-procs``.
"""

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import panel as pn
from panel.io.application import Application
from panel.io.handlers import FunctionHandler
from panel.io.resources import LOCAL_DIST
from panel.io.state import set_curdoc, state

from . import spares
from .shell import PAGES, render

log = logging.getLogger("landscape_app")

#: the one thread that builds the served pages, in the order their tabs asked for them
BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-builder")


def serve_styles_locally(doc) -> None:
    """Every stylesheet of the session ``doc`` from this server, none from Panel's CDN.

    Panel points a new model's stylesheets at its CDN unless the document says where its
    files are (``dist_url``), which it only records once the page's HTML is written, after
    the session's models exist; models made in between (sessions opened together, with
    ``--num-threads``) asked cdn.holoviz.org, which an offline classroom cannot reach.
    """
    if doc is not None:
        doc._template_variables.setdefault("dist_url", LOCAL_DIST)


def send_mathjax_only_for_math() -> None:
    """Leave MathJax (1.8 MB of JavaScript to fetch and parse) out of pages without TeX.

    Panel adds it to every page holding one of its HTML models, and every template holds one
    (the empty ``js_area``); the pages write their equations as HTML (``widgets.math_html``),
    so none needs it. With this, a page that does show TeX (``$$…$$``, ``\\(…\\)``) in an
    HTML model still gets MathJax, as Bokeh decides for its own models.
    """
    from bokeh.embed.util import contains_tex_string
    from panel.io import resources
    from panel.models.markup import HTML

    def uses_tex(roots) -> bool:
        return resources._any(roots, lambda obj: isinstance(obj, HTML) and isinstance(
            obj.text, str) and contains_tex_string(obj.text))

    resources._panel_use_mathjax = uses_tex


def failed_page(slug: str, error: BaseException):
    """What a tab shows when its page could not be built (the server goes on serving)."""
    entry = next(p for p in PAGES if p.slug == slug)
    return pn.template.BootstrapTemplate(
        title="landscape_app", header_background="#2f6690", main=[pn.pane.Alert(
            f"The {entry.title.lower()} page could not be built ({type(error).__name__}: "
            f"{error}). Reload the page to try again.", alert_type="danger")])


def build_page(slug: str, doc, title: str) -> None:
    """Build page ``slug`` into the Bokeh document ``doc`` of a session not yet started.

    On the builder thread the document is claimed for that thread while it is built (as
    Panel claims it for the event loop's thread when it builds a page itself), so that
    Panel applies the build's changes at once instead of queueing them for a loop that does
    not own the document yet; Panel claims it back when the session starts.
    """
    start = time.perf_counter()
    serve_styles_locally(doc)
    # one recomputation of the document's model graph at the end, not one per plot (HoloViews
    # freezes the document around each): about a quarter of the explorer's build
    with set_curdoc(doc), doc.models.freeze():
        state._thread_id_[doc] = threading.get_ident()
        try:
            template = render(slug)
        except Exception as error:  # the tab says what failed
            log.exception("building the %s page failed", slug)
            template = failed_page(slug, error)
        template.server_doc(doc, title=title, location=True)
    log.info("%s page built in %.2f s", slug, time.perf_counter() - start)


class PageHandler(FunctionHandler):
    """Bokeh handler of one page: builds it in ``on_session_created`` on the builder thread;
    ``modify_document`` (on the event loop) then has nothing left to do."""

    def __init__(self, slug: str, title: str):
        super().__init__(lambda doc: None)
        self.slug, self.title = slug, title

    async def on_session_created(self, session_context) -> None:
        doc = session_context._document
        if spares.is_spare(doc):
            return  # built ahead (``spares``)
        loop = asyncio.get_running_loop()
        pool = spares.SPARES
        if pool is not None:
            pool.page_build_started()
        try:
            await loop.run_in_executor(BUILDER, build_page, self.slug, doc, self.title)
        finally:
            if pool is not None:
                pool.page_build_ended()


def spare_pages() -> spares.SparePages:
    """A spare of every page, built on the builder thread (``spares``)."""
    from ..views.common.playback import players_report

    titles = {p.slug: f"landscape_app · {p.title}" for p in PAGES}
    return spares.SparePages(
        titles, build=lambda slug, doc: build_page(slug, doc, titles[slug]),
        submit=lambda function: BUILDER.submit(function),
        busy=lambda: players_report()["playing"] > 0)


def applications() -> dict:
    """URL slug → the Bokeh application serving that page (a fresh document per session)."""
    return {p.slug: Application(PageHandler(p.slug, f"landscape_app · {p.title}"))
            for p in PAGES}
