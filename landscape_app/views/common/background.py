"""Long computations (capacity sweeps, multistarts) in a background thread, with a progress
bar, a Cancel button, and where the sweep runs (the Dask dashboard link when there is one).

The work runs off the server's event loop so the page stays responsive; its progress and its
result come back to the session's document on the next tick (Bokeh models may only be changed
from there). The job is cancelled by the Cancel button and when the session ends: the next
progress report raises ``InterruptedError``, which ``sweeps.run_sweep`` answers by cancelling
the points still queued on the cluster.
"""

import html
import threading

import panel as pn


class JobProgress:
    """The ``progress`` a job's work receives: call it with the fraction done; sweeps also
    call ``engine_started(engine)`` (``sweeps.run_sweep``)."""

    def __init__(self, job):
        self._job = job

    def __call__(self, fraction: float) -> None:
        if self._job._cancel.is_set():
            raise InterruptedError
        self._job._on_document(lambda: setattr(self._job.progress, "value",
                                               int(100 * fraction)))

    def engine_started(self, engine) -> None:
        self._job._on_document(lambda: self._job._show_engine(engine))


class BackgroundJob:
    """``start(work, done)``: ``work(progress)`` runs in a thread, calling ``progress(fraction)``
    as it goes; ``done(result, error)`` runs on the document when it ends (not if cancelled).
    ``status`` is the bar, the Cancel button and the engine line, to put under the button."""

    def __init__(self, button: pn.widgets.Button):
        self.button = button
        self.progress = pn.indicators.Progress(value=0, max=100, width=220, visible=False,
                                               margin=(12, 5))
        self.cancel_button = pn.widgets.Button(label="Cancel", color="default",
                                               width=70, visible=False)
        self.cancel_button.on_click(lambda event: self.cancel())
        self.engine = pn.pane.HTML("", visible=False, margin=(0, 5),
                                   styles={"font-size": "0.85em", "color": "#555"})
        self.status = pn.Column(pn.Row(self.progress, self.cancel_button), self.engine,
                                margin=0)
        self._thread = None
        self._cancel = threading.Event()
        self._doc = None
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.on_session_destroyed(lambda context: self._cancel.set())

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def cancel(self) -> None:
        """Stop the running job: its result is dropped and the button comes back."""
        if self.running:
            self._cancel.set()
            self._idle()

    def _idle(self):
        self.button.disabled = False
        self.progress.visible = self.cancel_button.visible = False

    def _on_document(self, callback):
        doc = self._doc
        if doc is not None and doc.session_context is not None:
            doc.add_next_tick_callback(callback)
        else:
            callback()

    def _show_engine(self, engine):
        text = f"running on {html.escape(engine.describe())}"
        if engine.dashboard:
            link = html.escape(engine.dashboard, quote=True)
            text += f' · <a href="{link}" target="_blank" rel="noopener">Dask dashboard</a>'
        self.engine.object, self.engine.visible = text, True

    def start(self, work, done) -> bool:
        if self.running:
            return False
        self._cancel = cancel = threading.Event()
        self.button.disabled = True
        self.progress.value, self.progress.visible = 0, True
        self.cancel_button.visible = True
        self._doc = pn.state.curdoc
        progress = JobProgress(self)

        def finish(result, error):
            if cancel.is_set():
                return
            self._idle()
            done(result, error)

        def run():
            try:
                result = work(progress)
            except InterruptedError:
                return
            except Exception as error:  # reported in the page by ``done``
                self._on_document(lambda failure=error: finish(None, failure))
                return
            self._on_document(lambda: finish(result, None))

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return True

    def join(self, timeout=None):
        if self._thread is not None:
            self._thread.join(timeout)
