"""The thread pool of the served app's callbacks (``landscape_app.app.threads``): sessions in
parallel, one session's callbacks one at a time and in order."""

import functools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from bokeh.document import Document

from landscape_app.app.threads import SessionExecutor, make_bokeh_validation_thread_local


def overlaps(executor, tasks_per_doc=6, docs=2, work_s=0.02):
    """Submit ``tasks_per_doc`` tasks for each of ``docs`` documents, as Panel does (the
    document an argument of a partial); returns (the most tasks of one document that ever ran
    at once, the most tasks of all that ever ran at once, each document's order of running)."""
    documents = [Document() for _ in range(docs)]
    running = {id(d): 0 for d in documents}
    most_per_doc, most_all, total = 0, 0, [0]
    order = {id(d): [] for d in documents}
    lock = threading.Lock()

    def task(doc, k):
        nonlocal most_per_doc, most_all
        with lock:
            running[id(doc)] += 1
            total[0] += 1
            most_per_doc = max(most_per_doc, running[id(doc)])
            most_all = max(most_all, total[0])
            order[id(doc)].append(k)
        time.sleep(work_s)
        with lock:
            running[id(doc)] -= 1
            total[0] -= 1

    futures = [executor.submit(functools.partial(task, doc, k))
               for k in range(tasks_per_doc) for doc in documents]
    for future in futures:
        future.result(timeout=10)
    return most_per_doc, most_all, [order[id(d)] for d in documents]


def test_panels_plain_pool_runs_one_sessions_callbacks_side_by_side():
    """Why the app replaces it: with four threads, one document's callbacks overlapped."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        most_per_doc, _, _ = overlaps(pool)
    assert most_per_doc > 1


def test_one_sessions_tasks_run_one_at_a_time_in_order_and_sessions_in_parallel():
    executor = SessionExecutor(max_workers=4)
    try:
        most_per_doc, most_all, orders = overlaps(executor, docs=3)
    finally:
        executor.shutdown(wait=True)
    assert most_per_doc == 1
    assert most_all > 1  # other sessions were not held up
    assert all(order == list(range(6)) for order in orders)
    assert executor.pending() == 0 and executor._queues == {}  # no document kept


def test_a_failing_task_reports_its_error_and_the_next_one_runs():
    executor = SessionExecutor(max_workers=2)
    doc = Document()

    def fail(doc):
        raise RuntimeError("callback failed")

    try:
        first = executor.submit(fail, doc)
        second = executor.submit(lambda doc: "ran", doc)
        with pytest.raises(RuntimeError, match="callback failed"):
            first.result(timeout=5)
        assert second.result(timeout=5) == "ran"
        assert executor.submit(lambda: 42).result(timeout=5) == 42  # tasks of no document
    finally:
        executor.shutdown(wait=True)


def test_the_served_app_runs_callbacks_on_the_session_executor():
    import panel as pn
    from panel.io.state import state

    from landscape_app.app.server import serve

    before = pn.config.nthreads
    server = serve(port=0, start=False, warm=False, num_threads=3)
    try:
        assert isinstance(state._thread_pool, SessionExecutor)
        assert state._thread_pool._max_workers == 3 and pn.config.nthreads == 3
        from bokeh.core.property import bases
        assert getattr(bases.validation_on, "thread_local", False)  # see the test below
    finally:
        server.stop()
        pn.config.nthreads = before  # Panel shuts its pool down
    assert state._thread_pool is None


def test_a_frame_freezes_the_document_only_on_the_thread_that_owns_it():
    """``frozen_document`` groups a redraw's plot updates under one freeze of the document's
    model graph. Called from a watcher on a worker thread (a setting changed in a served page)
    it once froze, and on release recomputed, the graph beside the event loop, which owns the
    document and was changing it: the browser was then sent references to models it had never
    received ("reference pNNNN isn't known"). On a worker thread it now leaves the graph
    alone; on the owning thread it still freezes."""
    import panel as pn
    from panel.io.state import set_curdoc, state

    from landscape_app.views.common.playback import frozen_document

    doc = Document()
    state._thread_id_[doc] = threading.get_ident()  # claimed by this thread, as by the loop
    seen = {}

    def on_worker():
        with set_curdoc(doc), frozen_document():
            seen["worker"] = doc.models._freeze_count

    worker = threading.Thread(target=on_worker)
    worker.start()
    worker.join(timeout=10)
    with set_curdoc(doc), frozen_document():
        seen["owner"] = doc.models._freeze_count
    assert seen == {"worker": 0, "owner": 1}
    assert pn.state.curdoc is not doc


class _SessionContext:  # stands for a served session's
    id = "s"
    session = None


def _served_document():
    """A document with a session context, as a served page has (keep the context: the
    document holds it weakly)."""
    import weakref

    doc = Document()
    context = _SessionContext()
    doc._session_context = weakref.ref(context)
    return doc, context


def test_a_redraw_asked_on_a_worker_thread_runs_on_the_documents_thread():
    """A setting's watcher runs on a worker thread (``--num-threads``); the redraw it asks for
    holds and freezes the document, which raced with the event loop's own updates of it. It is
    now handed to the event loop (a next-tick callback of the session); on the thread that owns
    the document it runs at once."""

    from panel.io.state import set_curdoc, state

    from landscape_app.views.common.playback import drawn_by_the_document_owner

    class View:
        ran_on = []

        @drawn_by_the_document_owner
        def redraw(self, tag):
            self.ran_on.append((tag, threading.get_ident()))

    doc, context = _served_document()
    state._thread_id_[doc] = threading.get_ident()
    view = View()
    scheduled_before = len(doc.session_callbacks)

    def on_worker():
        with set_curdoc(doc):
            view.redraw("worker")

    worker = threading.Thread(target=on_worker)
    worker.start()
    worker.join(timeout=10)
    assert view.ran_on == []  # not on the worker
    assert len(doc.session_callbacks) == scheduled_before + 1  # handed to the loop
    with set_curdoc(doc):
        view.redraw("owner")
    assert view.ran_on == [("owner", threading.get_ident())]


def test_work_on_page_load_is_handed_to_the_event_loop(monkeypatch):
    """With ``--num-threads`` Panel runs ``onload`` callbacks on a worker thread; a story's
    scene applied there changed the page beside the event loop and the browser was sent a
    bare reference ("reference pNNNN isn't known", CI stop 24; about 1 load of
    /explorer?lecture=1 in 15). ``on_page_loaded`` work is now a next-tick callback of the
    session: it does not run on the worker."""

    import panel as pn
    from panel.io.state import set_curdoc

    from landscape_app.views.common.playback import on_page_loaded

    loaded = []
    monkeypatch.setattr(pn.state, "onload", lambda callback, threaded=False:
                        loaded.append(callback))
    ran = []
    on_page_loaded(lambda: ran.append(threading.get_ident()))

    doc, context = _served_document()
    scheduled_before = len(doc.session_callbacks)

    def on_worker():  # as Panel's _on_load does on its pool
        with set_curdoc(doc):
            loaded[0]()

    worker = threading.Thread(target=on_worker)
    worker.start()
    worker.join(timeout=10)
    assert ran == []
    assert len(doc.session_callbacks) == scheduled_before + 1


def test_a_thread_streaming_without_validation_leaves_a_page_built_meanwhile_valid():
    """HoloViews streams each frame inside ``with validate(False):``; a figure built on
    another thread meanwhile kept ``title="…"`` as text (no ``Title``), and HoloViews'
    ``_update_title`` failed on it (CI, lecture pages). Two such blocks interleaved on two
    threads left validation off for good. With the switch per thread, neither happens."""
    from bokeh.core.property.validation import validate
    from bokeh.models import Title
    from bokeh.plotting import figure

    make_bokeh_validation_thread_local()
    from bokeh.core.property import bases

    inside, leave = threading.Event(), threading.Event()

    def stream_a_frame():
        with validate(False):
            inside.set()
            leave.wait(5)

    streamer = threading.Thread(target=stream_a_frame)
    streamer.start()
    assert inside.wait(5)
    fig = figure(title="built meanwhile")
    # a block on this thread that began after the streamer's and ends after it
    block = validate(False)
    leave.set()
    streamer.join(5)
    block.__exit__(None, None, None)
    assert isinstance(fig.title, Title), type(fig.title)
    assert bases.validation_on()


def test_panel_s_busy_counter_is_updated_one_thread_at_a_time():
    """Panel counts busy callbacks in ``state._busy_counter``, a read-only parameter it edits
    inside ``edit_readonly(state)``, which turns every parameter of ``state`` writable and back.
    A playing page's frame adds its event on the server's thread and removes it on a pool
    thread; when two of those windows overlap, the first to close makes ``busy`` read-only
    under the other: "Read-only parameter 'busy' cannot be modified" from a periodic callback
    (seen in CI, tests/test_browser_sessions.py). With the updates serialised, a removal on
    another thread waits while an addition is under way (here held inside it by a watcher of
    the counter), then both complete and the counter is empty."""
    from panel.io.state import state

    from landscape_app.app.threads import serialise_panel_busy_counter

    serialise_panel_busy_counter()
    inside, release = threading.Event(), threading.Event()
    holder = {}

    def hold(event):
        if threading.current_thread() is holder.get("thread"):
            inside.set()
            release.wait(10)

    watcher = state.param.watch(hold, "_busy_counter")
    removed = threading.Event()
    try:
        adder = threading.Thread(target=lambda: state._add_busy_event("test-held"))
        holder["thread"] = adder
        adder.start()
        assert inside.wait(10)
        remover = threading.Thread(
            target=lambda: (state._remove_busy_event("test-other"), removed.set()))
        remover.start()
        assert not removed.wait(0.5), "a removal ran while an addition was under way"
        release.set()
        adder.join(10)
        assert removed.wait(10)
        remover.join(10)
        state._remove_busy_event("test-held")
    finally:
        release.set()
        state.param.unwatch(watcher)
    assert not [e for e, _ in state._busy_counter if str(e).startswith("test-")]
