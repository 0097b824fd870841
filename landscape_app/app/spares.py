"""A page of each kind built ahead, so that the next tab opening it is answered at once.

Building a page is most of the time a tab waits for it (``builder``: one to three seconds of
Python for the explorer, more for the comparison; several more the first time in a process).
The server therefore keeps one *spare* of every page, built on the builder thread while no tab
is waiting for a build, and hands it to the next tab that asks for that page without settings
in its link (``/explorer``, as the gallery links to it). A spare is used once: the tab that
takes it owns it alone (two tabs never share a page, ``tests/test_spare_pages.py``), and a new
spare is built once the builder is idle again. A link with settings (``?lecture=1``,
``?method=hmc``) is built for its tab as before, since its settings decide what is built.

Bokeh makes a session's document in ``ApplicationContext.create_session_if_needed`` and builds
the page into it; the one change here is which ``Document`` that call starts from: the spare,
already built, instead of an empty one (``PageHandler`` then has nothing left to build). The
spare was built as a session's page is: claimed for the builder thread, with a stand-in
session context (the request of a plain link) that the real one replaces.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from types import SimpleNamespace

import bokeh.server.contexts as bokeh_contexts
from bokeh.document import Document

log = logging.getLogger("landscape_app")

#: seconds with no page built or handed out before a spare is built: a spare's build holds
#: the interpreter for seconds, which would slow the page a tab has just been given (Bokeh
#: serializes it on the event loop) and the pages of a class opening a link together
IDLE_BEFORE_SPARE_S = 10.0


class SpareContext:
    """The session context a spare is built under: a plain link's request, no session yet."""

    session = None
    server_context = None
    spare = True  # read by the health report (``views.common.playback.players_report``)

    def __init__(self, slug: str):
        self.id = f"spare-{slug}"
        self.request = SimpleNamespace(arguments={}, cookies={}, headers={}, path=f"/{slug}",
                                       uri=f"/{slug}", protocol="http", host="localhost")


def plain_request(request) -> bool:
    """Whether ``request`` asks for a page with nothing in its link to build differently."""
    return request is not None and not getattr(request, "arguments", None)


class SparePages:
    """One built page per slug, ready for the next plain request; refilled when idle.

    ``build(slug, doc)`` builds page ``slug`` into ``doc`` (on the calling thread);
    ``submit(function)`` runs a function on the builder thread and returns a
    ``concurrent.futures.Future``; while ``busy()`` (a page playing) no spare is built, for
    the same reason as ``IDLE_BEFORE_SPARE_S``.
    """

    def __init__(self, slugs, build, submit, busy=lambda: False):
        self.slugs = list(slugs)
        self._build, self._submit, self._busy = build, submit, busy
        self._ready: dict[str, Document] = {}
        self._contexts: dict[str, SpareContext] = {}
        self._building: dict[str, object] = {}  # slug → its build's Future
        self._loop = None
        self._timer = None
        self._last_activity = 0.0
        self._pages_building = 0
        self.handed_out = 0

    # -- the builds ----------------------------------------------------------------------------
    def _build_spare(self, slug: str) -> Document:
        doc = Document()
        context = SpareContext(slug)
        doc._session_context = weakref.ref(context)
        self._contexts[slug] = context  # the document holds it weakly
        start = time.perf_counter()
        self._build(slug, doc)
        log.info("spare %s page built in %.2f s", slug, time.perf_counter() - start)
        return doc

    def fill(self, slugs=None) -> None:
        """Build the missing spares of ``slugs`` (default: all) now, on the calling thread
        (before serving; in tests)."""
        for slug in self.slugs if slugs is None else slugs:
            if slug not in self._ready:
                self._ready[slug] = self._build_spare(slug)

    def start(self, loop) -> None:
        """Keep the spares filled from ``loop`` (the server's asyncio loop), when idle: the
        first ones once the server has been idle for ``IDLE_BEFORE_SPARE_S`` after its start
        (a visitor opening a page at once would otherwise share the machine with them)."""
        self._loop = loop
        self._last_activity = time.monotonic()
        self._schedule(IDLE_BEFORE_SPARE_S)

    def _schedule(self, delay: float) -> None:
        """Look again in ``delay`` seconds, or sooner if already asked to (one timer)."""
        if self._loop is None:
            return
        when = self._loop.time() + delay
        if self._timer is not None:
            if self._timer.when() <= when:
                return
            self._timer.cancel()
        self._timer = self._loop.call_at(when, self._refill)

    def _refill(self) -> None:
        self._timer = None
        if self._building:
            return  # one at a time; the build's end schedules the next
        missing = [slug for slug in self.slugs if slug not in self._ready]
        if not missing:
            return
        idle_for = time.monotonic() - self._last_activity
        if self._pages_building or idle_for < IDLE_BEFORE_SPARE_S or self._busy():
            self._schedule(max(IDLE_BEFORE_SPARE_S - idle_for, 0.5))
            return
        slug = missing[0]
        future = self._submit(lambda: self._build_spare(slug))
        self._building[slug] = future
        future.add_done_callback(lambda f: self._deliver(slug, f))

    def _deliver(self, slug: str, future) -> None:
        """Hand a finished build to the loop (from the builder thread); a server stopped while
        the spare was being built has no loop left to take it, and no use for it."""
        if self._loop.is_closed():
            return
        try:
            self._loop.call_soon_threadsafe(self._built, slug, future)
        except RuntimeError:  # closed between the check and the call
            pass

    def _built(self, slug: str, future) -> None:
        self._building.pop(slug, None)
        try:
            self._ready[slug] = future.result()
        except Exception:  # the page is built for its tab instead, which shows what failed
            log.exception("building a spare %s page failed", slug)
            return
        self._schedule(0.0)

    # -- the tabs' pages -----------------------------------------------------------------------
    def page_build_started(self) -> None:
        self._pages_building += 1

    def page_build_ended(self) -> None:
        self._pages_building -= 1
        self._last_activity = time.monotonic()
        self._schedule(IDLE_BEFORE_SPARE_S)

    async def take(self, slug: str) -> Document | None:
        """The spare ``slug`` page (waiting for it if it is being built), or None."""
        if slug not in self._ready and slug in self._building:
            try:
                await asyncio.wrap_future(self._building[slug])
            except Exception:
                return None
            await asyncio.sleep(0)  # let ``_built`` file it
        doc = self._ready.pop(slug, None)
        if doc is not None:
            self.handed_out += 1
            self._last_activity = time.monotonic()
            self._schedule(IDLE_BEFORE_SPARE_S)
        return doc

    def adopt(self, slug: str, doc: Document) -> None:
        """The spare ``doc`` now belongs to the session Bokeh made for it: let go of its
        stand-in context (Bokeh has set the real one on the document)."""
        self._contexts.pop(slug, None)

    def report(self) -> dict:
        return {"ready": sorted(self._ready), "handed_out": self.handed_out,
                "missing": sorted(set(self.slugs) - set(self._ready))}


#: the spares of this process's server (None: every page is built for its tab)
SPARES: SparePages | None = None
#: the document the next session starts from (set just before Bokeh makes one)
_next_document: Document | None = None


def _document_for_next_session() -> Document:
    global _next_document
    doc, _next_document = _next_document, None
    return doc if doc is not None else Document()


def is_spare(doc) -> bool:
    """Whether ``doc`` was built ahead as a spare (nothing is left to build for its tab)."""
    return getattr(doc, "_landscape_spare", False)


def serve_spares(server, spares: SparePages, slug_of_url) -> None:
    """Hand ``spares`` to the plain requests of ``server`` (a Bokeh Server not yet started).

    ``slug_of_url(url)`` names the page an application context serves (None: no spare).
    """
    global SPARES
    SPARES = spares
    bokeh_contexts.Document = _document_for_next_session
    for url, context in server._tornado._applications.items():
        slug = slug_of_url(url)
        if slug is not None:
            _serve_from_spares(context, slug, spares)
    spares.start(server.io_loop.asyncio_loop)


def _serve_from_spares(context, slug: str, spares: SparePages) -> None:
    create = context.create_session_if_needed

    async def create_session_if_needed(session_id, request=None, token=None):
        global _next_document
        new = session_id not in context._sessions and session_id not in context._pending_sessions
        doc = await spares.take(slug) if new and plain_request(request) else None
        # ``take`` may have awaited: another request may have made this session meanwhile
        if doc is not None and (session_id in context._sessions
                                or session_id in context._pending_sessions):
            spares._ready.setdefault(slug, doc)
            doc = None
        if doc is not None:
            doc._landscape_spare = True
            # Bokeh's call makes the session's document synchronously, before its first await
            _next_document = doc
        try:
            return await create(session_id, request, token)
        finally:
            _next_document = None
            if doc is not None:
                spares.adopt(slug, doc)

    context.create_session_if_needed = create_session_if_needed
