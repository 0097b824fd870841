"""What both /stiff tabs are: a played race of fitting methods — the loss landscape with the
methods on it, their loss against the simulations run, the gradient's size, the voltage
traces, and a summary table; the landscape is sent again only when it changed."""

import html

import holoviews as hv
import numpy as np
import panel as pn
from scipy.interpolate import RegularGridInterpolator

from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_row, text_pane
from .charts import COLORS, LABELS, gradient_chart, race_chart, traces_chart

MARKERS = {"gd": "circle", "es": "square", "cma": "triangle"}


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
    widgets_in_order = True
    #: the loss's axis label in the race chart
    loss_label = "loss (mV²)"

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
                          self.race_legend, self.loss_label)

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

    def notes(self) -> list:
        """What the tab shows between its introduction and its playback (nothing here)."""
        return []

    def main(self):
        return pn.Column(text_pane(self.intro, sizing_mode="stretch_width"), *self.notes(),
                         self.playback,
                         plot_row(self.landscape, self.race_plot),
                         plot_row(self.traces_plot, self.gradient_plot),
                         sizing_mode="stretch_width")


class TwoParameterView(RaceView):
    """A race on a loss over two parameters (``page_models.stiff.race``): the log loss as an
    image with the truth, each method's path and the ES population on it. Subclasses give
    ``axes`` (x, y labels), ``loss_unit``, ``clim`` (of log₁₀ loss), ``floor`` (the smallest
    loss drawn) and ``landscape_title``."""

    methods = ("gd", "es", "cma")
    axes = ("x", "y")
    loss_unit = ""
    clim = (0.0, 3.5)
    floor = 1.0
    landscape_title = "the loss (log)"
    sizes = {"landscape": (440, 380), "chart": (360, 320), "traces": (440, 320)}
    race_legend = "bottom_left"

    def _landscape(self, data):
        if not data:
            session = self.session
            data = {"x": np.linspace(*session.window[0], 2),
                    "y": np.linspace(*session.window[1], 2), "values": np.ones((2, 2)),
                    "truth": tuple(session.truth)}
        values = np.log10(np.maximum(data["values"], self.floor))
        # each grid point is a simulation: drawn bilinearly at 3 × the grid, not as blocks
        x, y = (np.linspace(v[0], v[-1], 3 * len(v) - 2) for v in (data["x"], data["y"]))
        fine = np.stack(np.meshgrid(y, x, indexing="ij"), axis=-1)
        values = RegularGridInterpolator((data["y"], data["x"]), values)(fine)
        image = hv.Image((x, y, values), list(self.axes), f"log₁₀ loss{self.loss_unit}").opts(
            cmap="viridis", colorbar=True, tools=["hover"], clim=self.clim)
        truth = hv.Points([data["truth"]], list(self.axes), label="truth").opts(
            marker="star", size=self._px(16), color="white", line_color="black")
        size = self._size("landscape", title=self.landscape_title)
        return hv.Overlay([image.opts(**size), truth.opts(**size)]).opts(framewise=True)

    def _positions(self, data):
        data = data or {**{m: np.array([self.session.truth]) for m in self.methods},
                        "population": np.zeros((0, 2))}
        size = self._size("landscape", title=self.landscape_title)
        layers = [hv.Points(data["population"], list(self.axes), label="ES population").opts(
            color="#9ecae1", size=self._px(5), line_color=COLORS["es"])]
        for m in self.methods:
            layers.append(hv.Curve(data[m], *self.axes).opts(color=COLORS[m], line_width=2))
        for m in self.methods:
            layers.append(hv.Points(data[m][-1:], list(self.axes), label=LABELS[m]).opts(
                color=COLORS[m], size=self._px(13), line_color="white", marker=MARKERS[m]))
        legend = {"legend_position": "bottom", "legend_cols": 4}
        return hv.Overlay([layer.opts(**size, **(legend if isinstance(layer, hv.Points)
                                                 else {})) for layer in layers])
