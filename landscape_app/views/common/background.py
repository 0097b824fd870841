"""Long computations (capacity sweeps) in a background thread, with a progress bar.

The work runs off the server's event loop so the page stays responsive; its progress and its
result come back to the session's document on the next tick (Bokeh models may only be changed
from there). The job is cancelled when the session ends.
"""

import threading

import panel as pn


class BackgroundJob:
    """``start(work, done)``: ``work(progress)`` runs in a thread, calling ``progress(fraction)``
    as it goes; ``done(result, error)`` runs on the document when it ends (not if cancelled)."""

    def __init__(self, button: pn.widgets.Button):
        self.button = button
        self.progress = pn.indicators.Progress(value=0, max=100, width=300, visible=False)
        self._thread = None
        self._cancel = threading.Event()
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.on_session_destroyed(lambda context: self._cancel.set())

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, work, done) -> bool:
        if self.running:
            return False
        self._cancel.clear()
        self.button.disabled = True
        self.progress.value, self.progress.visible = 0, True
        doc = pn.state.curdoc

        def on_document(callback):
            if doc is not None and doc.session_context is not None:
                doc.add_next_tick_callback(callback)
            else:
                callback()

        def progress(fraction):
            if self._cancel.is_set():
                raise InterruptedError
            on_document(lambda: setattr(self.progress, "value", int(100 * fraction)))

        def finish(result, error):
            self.button.disabled = False
            self.progress.visible = False
            done(result, error)

        def run():
            try:
                result = work(progress)
            except InterruptedError:
                return
            except Exception as error:  # reported in the page by ``done``
                on_document(lambda failure=error: finish(None, failure))
                return
            on_document(lambda: finish(result, None))

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return True

    def join(self, timeout=None):
        if self._thread is not None:
            self._thread.join(timeout)
