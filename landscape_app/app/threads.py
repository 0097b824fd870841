"""The threads that run the sessions' callbacks: several sessions at once, one session's
callbacks one at a time, in the order they came.

With ``--num-threads`` Panel hands every callback of every session (a widget's change, a click,
a periodic callback such as a playing sampler's frame) to one thread pool. Two callbacks of the
same session then ran side by side on two threads, both changing the session's Bokeh document
and each serializing its own patch of it; a patch that mentions a model another thread had just
sent in full could leave first, and the browser logged "reference pNNNN isn't known" and dropped
the update (seen on /explorer when a setting followed another under load). A Bokeh document is
not thread-safe, and without threads Bokeh runs a session's callbacks one after the other.

``SessionExecutor`` keeps that order per session: a task whose arguments include a Bokeh
``Document`` joins that document's queue, which one pool thread drains at a time; other
sessions' queues run on the other threads meanwhile. No thread waits on a lock, so a busy
session cannot tie up the pool's threads.
"""

import functools
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from bokeh.document import Document


def _document_of(fn, args) -> Document | None:
    """The Bokeh document a task is for: Panel passes it as an argument of the task or of the
    ``functools.partial`` it submits."""
    candidates = list(args)
    while isinstance(fn, functools.partial):
        candidates += list(fn.args)
        fn = fn.func
    return next((a for a in candidates if isinstance(a, Document)), None)


class SessionExecutor(ThreadPoolExecutor):
    """A thread pool running the tasks of one Bokeh document one at a time, in order."""

    def __init__(self, max_workers: int | None = None):
        super().__init__(max_workers=max_workers, thread_name_prefix="session")
        self._queues: dict[Document, deque] = {}
        self._guard = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        doc = _document_of(fn, args)
        if doc is None:
            return super().submit(fn, *args, **kwargs)
        future = Future()
        with self._guard:
            queue = self._queues.setdefault(doc, deque())
            queue.append((future, fn, args, kwargs))
            idle = len(queue) == 1  # nothing of this document is running or waiting
        if idle:
            super().submit(self._drain, doc)
        return future

    def _drain(self, doc: Document) -> None:
        """Run the document's tasks until its queue is empty (then forget the document)."""
        while True:
            with self._guard:
                future, fn, args, kwargs = self._queues[doc][0]
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as error:  # the future carries it to Panel's handler
                    future.set_exception(error)
            with self._guard:
                queue = self._queues[doc]
                queue.popleft()
                if not queue:
                    del self._queues[doc]  # a closed session's document is not kept
                    return

    def pending(self) -> int:
        """Tasks queued or running, over all documents."""
        with self._guard:
            return sum(len(q) for q in self._queues.values())


def use_session_executor(num_threads: int) -> SessionExecutor:
    """Make Panel run callbacks on a ``SessionExecutor`` of ``num_threads`` threads.

    Panel keeps its pool in ``state._thread_pool`` (created when ``config.nthreads`` is set)
    and only ever calls its ``submit``; this replaces it.
    """
    import panel as pn
    from panel.io.state import state

    if pn.config.nthreads != num_threads:
        pn.config.nthreads = num_threads
    previous = state._thread_pool
    executor = SessionExecutor(max_workers=num_threads)
    state._thread_pool = executor
    if previous is not None and previous is not executor:
        previous.shutdown(wait=False)
    return executor


class _ValidationState(threading.local):
    """Whether Bokeh validates (and converts) property values on this thread."""

    on = True


_VALIDATION = _ValidationState()


def make_bokeh_validation_thread_local() -> None:
    """Make Bokeh's "validate property values" switch a per-thread one.

    Bokeh keeps it in one class attribute, ``Property._should_validate``, which
    ``with validate(False):`` turns off and back on; HoloViews does so around every streamed
    frame (``source.data.update``). With sessions on several threads, a page built on another
    thread meanwhile skipped validation, and with it the conversions validation decides on:
    ``figure(title="…")`` kept the text instead of a ``Title``, and HoloViews then failed in
    ``_update_title`` ("'str' object has no attribute 'update'", seen in CI on lecture pages).
    Two such blocks interleaving on two threads could even leave validation off for good. Here
    each thread has its own switch; Panel's global setting (``config.disable_validation``)
    still turns validation off everywhere.
    """
    from bokeh.core.property import bases, validation

    if getattr(bases.validation_on, "thread_local", False):
        return

    def validation_on() -> bool:
        return bases.Property._should_validate and _VALIDATION.on

    def __init__(self, value) -> None:
        self.old = _VALIDATION.on
        _VALIDATION.on = value

    def __exit__(self, typ, value, traceback) -> None:
        _VALIDATION.on = self.old

    validation_on.thread_local = True
    bases.validation_on = validation_on
    validation.validate.__init__ = __init__
    validation.validate.__exit__ = __exit__


def serialise_panel_busy_counter() -> None:
    """Make Panel's updates of its busy counter one thread at a time.

    Panel counts running callbacks in ``state._busy_counter`` and sets ``state.busy`` from it,
    both read-only parameters, each time inside ``edit_readonly(state)``: that turns every
    parameter of ``state`` writable and, on leaving, back to what it found. A playing page's
    frame adds its event on the server's thread and removes it on a pool thread; when two such
    windows overlap, the first to leave makes ``busy`` read-only again under the other, which
    then fails: "Read-only parameter 'busy' cannot be modified" from a periodic callback (seen
    in CI). One re-entrant lock around the two entry points (the counter's watcher runs inside
    them, on the same thread) closes the race; the lock is held for microseconds.
    """
    from panel.io.state import state

    if getattr(state, "_busy_serialised", False):
        return
    lock = threading.RLock()

    def serialised(method):
        @functools.wraps(method)
        def run(*args, **kwargs):
            with lock:
                return method(*args, **kwargs)
        return run

    # instance attributes: Panel calls them as ``self._…`` and finds these first
    state._add_busy_event = serialised(state._add_busy_event)
    state._cleanup_busy_counter = serialised(state._cleanup_busy_counter)
    state._busy_serialised = True
