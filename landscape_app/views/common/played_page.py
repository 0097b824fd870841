"""A page whose session advances frame by frame under a ``Playback``: what the synaptic
sampling and saddle pages share (settings in the sidebar and the URL, the lecture scale, an
error that stops the play, the layout of controls beside the main column)."""

import panel as pn

from .playback import Playback
from .url import PLAYBACK_URL, UrlSync, linked, show_refused
from .widgets import heading, param_widgets, text_pane

#: the settings' width (px) beside the plots in a notebook (the served page's sidebar is wider)
CONTROLS_WIDTH = 330


class PlayedPage(pn.viewable.Viewer):
    """Subclasses give ``redraw`` (the drawing of one frame), ``main`` (the main column) and
    call ``start`` at the end of their ``__init__``; ``session`` has ``settings`` (a
    Parameterized), ``advance(n)`` and ``reset()``."""

    #: the session settings shown as widgets and kept in the URL
    settings_names: tuple[str, ...] = ()
    #: heading of the sidebar's controls
    controls_title = "Settings"
    #: the settings' URL names are ``url_prefix + name`` when the page is a tab of a
    #: ``TabbedPage`` (names unique across its tabs)
    url_prefix = ""
    #: the widgets in the order of ``settings_names`` (else in the settings' declaration order)
    widgets_in_order = False

    def __init__(self, session, speed_label: str, speed: int):
        super().__init__()
        self.session = session
        self.playback = Playback(on_frame=self.advance, on_reset=self.reset)
        self.playback.param.speed.label = speed_label
        self.playback.speed = speed
        self.summary = text_pane("")
        self.widgets = param_widgets(session.settings, list(self.settings_names),
                                     in_order=self.widgets_in_order)
        self.scale = 1.0  # ``for_lecture`` makes every plot larger for a projector
        self.url = None

    def start(self, sync_url: bool) -> None:
        """Bind the settings to the URL (when served and asked) and draw the first frame."""
        names = list(self.settings_names)
        self.session.settings.param.watch(lambda *e: self.redraw(full=True), names)
        if sync_url:
            self.url = UrlSync()
            if self.url.active:
                refused = self.url.bind(self.session.settings, {p: p for p in names})
                refused += self.url.bind(self.playback, {p: p for p in PLAYBACK_URL})
                show_refused(self.playback, refused)
                self.url.write_on_load()
        self.redraw(full=True)

    # -- frames -----------------------------------------------------------------------------
    def advance(self, n_steps: int):
        """Advance the session ``n_steps`` (the numerics); returns the function that draws,
        or one that pauses and shows why the session stopped ("diverged at step k", …)."""
        try:
            self.session.advance(n_steps)
        except ValueError as error:
            message = str(error)

            def report():
                self.playback.pause()
                self.playback.show(f"Stopped: {message}", "danger")
            return report
        return self.redraw

    def reset(self):
        self.session.reset()
        self.redraw(full=True)

    def redraw(self, full: bool = False):
        raise NotImplementedError

    # -- page -------------------------------------------------------------------------------
    def apply_settings(self, query: dict) -> list[str]:
        """A lecture scene's settings (URL-style values); returns the refused ones."""
        url = self.url or UrlSync(location=False)
        names = {p: p for p in self.settings_names}
        refused = url.apply(self.session.settings, names, query=query)
        refused += url.apply(self.playback, {p: p for p in PLAYBACK_URL}, query=query)
        self.reset()
        return refused

    def player(self):
        return self.playback

    def url_parameters(self) -> list:
        """The settings and the playback in the URL of a ``TabbedPage`` holding this page as
        a tab (``common.tabs``)."""
        return [linked(self.session.settings, self.settings_names, self.url_prefix),
                linked(self.playback, PLAYBACK_URL, self.url_prefix)]

    def for_lecture(self) -> None:
        """Plots and markers 1.3 × for a projector (called before the page is drawn)."""
        self.scale = 1.3

    def _px(self, size: int) -> int:
        return int(round(size * self.scale))

    def controls(self):
        return pn.Column(heading(self.controls_title), self.widgets, self.summary,
                         sizing_mode="stretch_width")

    def main(self):
        raise NotImplementedError

    def __panel__(self):
        # in a notebook's cell: the settings as wide as in the served page's sidebar, the
        # rest of the cell's width for the plots (two stretching columns split it in half)
        return pn.Row(pn.Column(self.controls(), width=CONTROLS_WIDTH), self.main(),
                      sizing_mode="stretch_width")

    def stop(self):
        self.playback.stop()
