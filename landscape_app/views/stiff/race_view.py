"""What both /stiff tabs are: a played race of fitting methods — the loss landscape with the
methods on it, their loss against the simulations run, the gradient's size, the voltage
traces, and a summary table; the landscape is sent again only when it changed."""

import html

import holoviews as hv
import panel as pn

from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_row, text_pane
from .charts import COLORS, LABELS, gradient_chart, race_chart, traces_chart


class RaceView(PlayedPage):
    """Subclasses give ``methods``, ``intro`` (HTML), ``gradient_label``, ``columns``
    ((heading, summary key, format) per column of the summary), ``_landscape(data)`` and
    ``_positions(data)``; the session gives ``landscape()``, ``positions()``, ``race()``,
    ``traces()``, ``summary()`` and ``step``."""

    methods: tuple[str, ...] = ()
    intro = ""
    gradient_label = "|∇L|"
    columns: tuple = ()
    #: plot sizes (px at scale 1): the landscape, the race and gradient charts, the traces
    sizes = {"landscape": (450, 320), "chart": (380, 320), "traces": (450, 320)}
    race_legend = "top_right"

    def __init__(self, session, sync_url=False):
        super().__init__(session, "Speed (steps per frame)", 1)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in
                      ("landscape", "positions", "race", "traces")}
        self.landscape = (hv.DynamicMap(self._landscape, streams=[self.pipes["landscape"]])
                          * hv.DynamicMap(self._positions, streams=[self.pipes["positions"]]))
        self.race_plot = hv.DynamicMap(self._race, streams=[self.pipes["race"]])
        self.gradient_plot = hv.DynamicMap(self._gradient, streams=[self.pipes["race"]])
        self.traces_plot = hv.DynamicMap(self._traces, streams=[self.pipes["traces"]])
        self._landscape_drawn = None
        self.start(sync_url)

    def _size(self, kind: str, **extra) -> dict:
        width, height = self.sizes[kind]
        return dict(width=self._px(width), height=self._px(height), **extra)

    def landscape_key(self, landscape: dict):
        """What decides whether the landscape must be sent again."""
        return id(landscape["values"])

    # -- plots ------------------------------------------------------------------------------
    def _race(self, data):
        return race_chart(data, self.methods, self._size("chart"), self._px(7),
                          self.race_legend)

    def _gradient(self, data):
        return gradient_chart(data, self.gradient_label, self._size("chart"), self._px(7))

    def _traces(self, data):
        return traces_chart(data, self.methods, self._size("traces"))

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        with frozen_document(), pn.io.hold():
            landscape = session.landscape()
            key = self.landscape_key(landscape)
            if full or key != self._landscape_drawn:
                self._landscape_drawn = key
                self.pipes["landscape"].send(landscape)
            self.pipes["positions"].send(session.positions())
            self.pipes["race"].send(session.race())
            self.pipes["traces"].send(session.traces())
            self.playback.step = session.step
            self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        summary = self.session.summary()
        head = "".join(f"<th>{html.escape(name)}</th>" for name, _, _ in self.columns)
        rows = []
        for m in self.methods:
            cells = "".join(f"<td>{summary[m][key]:{fmt}}</td>" for _, key, fmt in self.columns)
            rows.append(f"<tr><td style='color:{COLORS[m]}'><b>{html.escape(LABELS[m])}</b>"
                        f"</td>{cells}</tr>")
        return (f"<table style='font-size:0.9em'><tr><th></th>{head}</tr>" + "".join(rows)
                + "</table>")

    def main(self):
        return pn.Column(text_pane(self.intro, sizing_mode="stretch_width"), self.playback,
                         plot_row(self.landscape, self.race_plot),
                         plot_row(self.traces_plot, self.gradient_plot),
                         sizing_mode="stretch_width")
