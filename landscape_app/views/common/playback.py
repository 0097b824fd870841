"""Playback controls shared by the pages: Play, Pause, Step, Reset, a speed, and "step N".

Each instance owns its periodic callback, so every browser tab (every session) plays on its
own; the callback is stopped when the session ends. A frame that raises is reported in the page
and pauses playback instead of reaching the console.
"""

import contextlib
import functools
import logging
import os
import threading
import time
import traceback
import weakref

import panel as pn
import param

from .widgets import MessageBox, text_pane

#: every live Playback (one per page per browser session), for the server's health report
PLAYERS: "weakref.WeakSet[Playback]" = weakref.WeakSet()


def players_report() -> dict:
    """How many pages are open and how many of them are playing."""
    players = [p for p in PLAYERS if p.in_a_session()]
    return {"pages": len(players), "playing": sum(1 for p in players if p.playing)}


#: seconds between writes of "step N" while playing. A new text in the page makes BokehJS lay
#: out the whole page again (25-30 ms in a browser without a GPU), and the page waits for the
#: browser's word that it drew a frame before it sends the next (``FrameAck``)
STATUS_PERIOD_S = 0.5

#: milliseconds between frames: the page can follow 25 frames per second; each frame carries
#: ``speed`` sampler steps
FRAME_PERIOD_MS = 40


@contextlib.contextmanager
def frozen_document(enabled=True):
    """Group every plot update of a frame under one freeze of the Bokeh document.

    Bokeh recomputes the set of all models of a document (every widget, every glyph) when the
    last freeze is released, and HoloViews freezes around each plot update; without an outer
    freeze a frame pays that traversal once per updated plot.
    """
    doc = pn.state.curdoc
    if doc is None or not enabled or not _owns(doc):
        yield
        return
    with doc.models.freeze():
        yield


def drawn_by_the_document_owner(method):
    """Decorator of a view's redraw: called on one of Panel's worker threads (a watcher of a
    setting, with ``--num-threads``), the redraw runs on the session's event loop instead, after
    what Panel has already scheduled there; on the owning thread, in a notebook or in a test
    without a session it runs at once.

    A redraw holds the document's events (``pn.io.hold``) and freezes its model graph to send a
    frame as one update; held from a worker thread while the event loop applied Panel's own
    updates of the same document, the two dispatched their events in either order, and the
    browser could be sent a model by reference before the model itself ("reference pNNNN isn't
    known", /explorer, under load).
    """
    @functools.wraps(method)
    def redraw(self, *args, **kwargs):
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None or _owns(doc):
            return method(self, *args, **kwargs)
        pn.state.execute(functools.partial(method, self, *args, **kwargs), schedule=True)
        return None

    return redraw


def on_page_loaded(callback) -> None:
    """Run ``callback`` once the browser has loaded the page, on the session's event loop.

    With ``--num-threads`` Panel runs ``pn.state.onload`` callbacks on a worker thread; a
    callback there that changed the page (a story's scene: new sampler widgets, a reset
    redraw) put new models in the document while the event loop sent its own patches, which
    counted those models as sent; the event adding them then reached the browser as a bare
    reference ("reference pNNNN isn't known", /explorer?lecture=1, about one load in fifteen).
    """
    pn.state.onload(lambda: pn.state.execute(callback, schedule=True))


def _owns(doc) -> bool:
    """Whether this thread may change ``doc``'s model graph: the thread Panel has claimed the
    document for (the event loop's once the session runs, the builder's while it builds).

    A callback on one of Panel's worker threads (``--num-threads``) must not freeze: Panel and
    HoloViews hand its model changes to the event loop, which may be changing and recomputing
    the document's models at that very moment; a freeze released on the worker thread then
    recomputed them beside it, and the browser was sent a reference to a model it had never
    been sent ("reference pNNNN isn't known").
    """
    from panel.io.state import state

    owner = state._thread_id_.get(doc)
    return owner is None or owner == threading.get_ident()


def _socket_open(connection) -> bool:
    """Whether a Bokeh server connection's websocket can still be written to. Tornado marks a
    socket closing as soon as the browser's close arrives; Bokeh drops the connection from its
    session only when the loop gets round to ``on_close``, which a playing page keeps busy."""
    socket = getattr(connection, "_socket", None)
    if socket is None or not hasattr(socket, "ws_connection"):
        return True  # not a tornado websocket: nothing to tell
    ws = socket.ws_connection
    return ws is not None and not ws.is_closing()


#: frames a playing page may have sent that the browser has not yet drawn: with one, the
#: server computed a frame only once the browser had drawn the last, and each waited for the
#: other (3.7 frames a second on /explorer here); with two, the next frame is computed and
#: sent while the browser paints, and the page stays at most one frame behind
FRAMES_IN_FLIGHT = int(os.environ.get("LANDSCAPE_APP_FRAMES_IN_FLIGHT", "2"))

#: how long a playing page waits for the browser to say it drew a frame before it sends the
#: next anyway (a lost acknowledgement; a background tab, where the browser does not paint)
ACK_TIMEOUT_S = 1.0


class FrameAck(pn.viewable.Viewer):
    """The browser's word that it has drawn a frame: ``drawn`` follows ``sent`` once the
    browser has applied the frame's changes and painted (two animation frames later).

    A playing page sent frames at its own rate whatever the browser made of them; a slow
    laptop, a projector's machine or a headless browser on two cores fell behind, patches
    queued up in the page, and a click waited behind them: Next ▶ on a playing
    /explorer lecture took 4–14 s to show the next scene (the click reached the server seconds
    late, and its answer reached the screen seconds later). ``Playback`` now sends a frame only
    when the browser has drawn the one before (or after ``ACK_TIMEOUT_S``).

    Two hidden number fields and a ``jscallback`` on the model (no view needed): a custom
    component with its own JavaScript module first did this, but such a module loads
    asynchronously and held back the rendering of the widgets beside it, so a setting that
    reached a slider not yet drawn failed in BokehJS ("reading 'firstChild'", /dense-memory
    in lecture mode).
    """

    def __init__(self, **params):
        super().__init__(**params)
        self._sent = pn.widgets.IntInput(value=0, visible=False)
        self._drawn = pn.widgets.IntInput(value=0, visible=False)
        self._sent.jscallback(value="""
            const frame = cb_obj.value;
            requestAnimationFrame(() => requestAnimationFrame(() => { drawn.value = frame; }));
        """, args={"drawn": self._drawn})
        self._sent_at = 0.0

    @property
    def sent(self) -> int:
        return self._sent.value

    @property
    def drawn(self) -> int:
        return self._drawn.value

    @drawn.setter
    def drawn(self, frame: int) -> None:
        self._drawn.value = frame

    def mark_sent(self) -> None:
        """A frame has been drawn into the document (on its event loop): count it."""
        self._sent_at = time.monotonic()
        self._sent.value += 1

    def waiting(self) -> bool:
        """Whether the browser is still drawing ``FRAMES_IN_FLIGHT`` frames sent. A page that
        has never answered (no browser, or one that has not loaded the page) is never waited
        on."""
        return (0 < self.drawn <= self.sent - FRAMES_IN_FLIGHT
                and time.monotonic() - self._sent_at < ACK_TIMEOUT_S)

    def __panel__(self):
        return pn.Row(self._sent, self._drawn, visible=False, margin=0)


class Playback(pn.viewable.Viewer):
    """Buttons and a status line driving ``on_frame(n_steps)``, ``on_reset()``, ``on_pause()``.

    ``on_frame`` returns a function drawing the frame (or None).
    """

    speed = param.Integer(5, bounds=(1, 500), softbounds=(1, 100),
                          label="Speed (steps per frame)", doc="Sampler steps per frame.")
    frame_rate = param.Integer(1000 // FRAME_PERIOD_MS, bounds=(1, 1000 // FRAME_PERIOD_MS),
                               label="Frames per second",
                               doc="Frames per second: fewer to narrate a run of few frames.")
    playing = param.Boolean(False, doc="Whether frames are running.")
    step = param.Integer(0, doc="Steps done, shown as 'step N'.")
    message = param.String("", doc="The last problem or event, shown under the buttons.")

    def __init__(self, on_frame, on_reset, on_pause=None, **params):
        super().__init__(**params)
        self._on_frame = on_frame
        self._on_reset = on_reset
        self._on_pause = on_pause or (lambda: None)
        self._callback = None
        self._closed = False
        self._doc = None
        self._busy = threading.Lock()
        self.ack = FrameAck()
        self.play_button = pn.widgets.Button(label="Play", color="success", width=80)
        self.pause_button = pn.widgets.Button(label="Pause", color="warning", width=80,
                                              disabled=True)
        self.step_button = pn.widgets.Button(label="Step", color="primary", width=80)
        self.reset_button = pn.widgets.Button(label="Reset", color="default", width=80)
        self.play_button.on_click(lambda event: self.play())
        self.pause_button.on_click(lambda event: self.pause())
        self.step_button.on_click(lambda event: self.frame())
        self.reset_button.on_click(lambda event: self.reset())
        self.speed_slider = pn.widgets.IntSlider.from_param(self.param.speed, width=220)
        self.rate_slider = pn.widgets.IntSlider.from_param(self.param.frame_rate, width=160)
        self.status = text_pane(self._status_html(), margin=(8, 10))
        self.alert = MessageBox(margin=(4, 10))
        self._kind = "warning"
        self._status_at = 0.0
        self._register_cleanup()

    def _register_cleanup(self):
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            # to see a closed tab at once through Bokeh's server session (set on the context
            # only after the page is built): the session itself is destroyed only once unused
            # for a while, and frames drawn meanwhile go to a closed socket. The context is
            # looked up when needed: a page built ahead (``app/spares``) gets its session's
            # context only when a tab takes it
            self._doc = pn.state.curdoc
            PLAYERS.add(self)
            pn.state.on_session_destroyed(lambda context: self._session_destroyed())

    def in_a_session(self) -> bool:
        """Whether a tab's session holds this page (not a page built ahead for the next)."""
        context = self._doc.session_context if self._doc is not None else None
        return context is not None and not getattr(context, "spare", False)

    def _session_destroyed(self):
        self._closed = True
        self.stop()
        PLAYERS.discard(self)

    def _tab_closed(self) -> bool:
        """Whether the page's tab has gone (no websocket left on its session)."""
        if self._closed:
            return True
        context = self._doc.session_context if self._doc is not None else None
        session = getattr(context, "_session", None)
        connections = getattr(session, "_subscribed_connections", None)
        if connections is not None and not any(_socket_open(c) for c in connections):
            self._closed = True
        return self._closed

    def _status_html(self) -> str:
        return f'<span class="step-status" style="font-size:1.1em">step {self.step}</span>'

    @param.depends("step", watch=True)
    def _update_status(self, force=False):
        now = time.monotonic()
        if force or not self.playing or now - self._status_at >= STATUS_PERIOD_S:
            self._status_at = now
            self.status.value = self._status_html()

    @param.depends("frame_rate", watch=True)
    def _new_rate(self):
        if self._callback is not None:  # playing: go on at the new rate
            self.stop()
            self.play()

    @param.depends("message", watch=True)
    def _update_alert(self):
        self.alert.show(self.message, self._kind)

    def show(self, message: str, kind: str = "warning"):
        self._kind = kind
        if message == self.message:
            self.alert.show(message, kind)
        self.message = message

    # -- actions ---------------------------------------------------------------------------------
    def play(self):
        if self._callback is not None:
            return
        self._callback = pn.state.add_periodic_callback(self._tick,
                                                        period=1000 // self.frame_rate)
        self.playing = True
        self.play_button.disabled = True
        self.pause_button.disabled = False

    def stop(self):
        callback, self._callback = self._callback, None
        if callback is not None:
            callback.stop()
        self.playing = False
        if self.status.value != self._status_html():  # the last step, held back while playing
            self._update_status(force=True)

    def frame(self):
        """One frame: ``speed`` steps, then a redraw.

        ``on_frame(n)`` does the numerics on whichever thread runs the callback and returns a
        function that draws; drawing runs on the session's event loop (where the Bokeh document
        may be changed and HoloViews updates synchronously), and the next frame waits for it.
        """
        if self._tab_closed():
            self.stop()
            return
        if not self._busy.acquire(blocking=False):
            return  # the previous frame is still being drawn: skip rather than queue up
        try:
            draw = self._on_frame(self.speed)
        except Exception as error:  # shown in the page, never raised into the server
            self._busy.release()
            self._fail(error)
            return

        def finish():
            try:
                if draw is not None and not self._tab_closed():
                    # the frame and its number in one message: apart, the browser handled two
                    # messages a frame, and the second's answer waited behind the first
                    with pn.io.hold():
                        draw()
                        self.ack.mark_sent()
            except Exception as error:
                self._fail(error)
            finally:
                self._busy.release()

        pn.state.execute(finish)

    def _fail(self, error):
        if self._tab_closed():  # a frame cut short by the tab closing is not a failure
            self.stop()
            logging.getLogger(__name__).debug("frame of a closed tab dropped: %r", error)
            return
        self.pause()
        self.show(f"Stopped: {type(error).__name__}: {error}", "danger")
        logging.getLogger(__name__).warning("frame failed\n%s", traceback.format_exc())

    def _tick(self):
        # the browser still drawing the last frame: a frame now would only queue up there
        if self.playing and not self.ack.waiting():
            self.frame()

    def reset(self):
        try:
            self._on_reset()
            self.message = ""
        except Exception as error:
            self.show(f"Reset failed: {type(error).__name__}: {error}", "danger")

    def pause(self):
        self.stop()
        self.play_button.disabled = False
        self.pause_button.disabled = True
        self._on_pause()

    def __panel__(self):
        buttons = pn.Row(self.play_button, self.pause_button, self.step_button,
                         self.reset_button, self.status, align="center")
        # wraps: the speed goes under the buttons where the page (a notebook cell) is narrow
        return pn.Column(pn.FlexBox(buttons, self.speed_slider, self.rate_slider,
                                    align_items="center"),
                         self.alert, self.ack, sizing_mode="stretch_width")
