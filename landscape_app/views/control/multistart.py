"""Multistart: a grid of starts u(0), each solved and colored by its outcome."""

import holoviews as hv
import numpy as np
import panel as pn

from ...control.multistart import multistart
from ...page_models.control.session import ControlSession
from ..common.background import BackgroundJob
from ..common.url import linked
from ..common.widgets import MessageBox, heading, param_widgets, plot_pane, text_pane
from .plane import OUTCOME_COLORS


class MultistartView(pn.viewable.Viewer):
    def __init__(self, session: ControlSession):
        super().__init__()
        self.session = session
        self.settings = param_widgets(session, ["grid", "window"])
        self.button = pn.widgets.Button(label="Solve every start", color="primary")
        self.button.on_click(lambda e: self.run())
        self.job = BackgroundJob(self.button)
        self.pipe = hv.streams.Pipe(data=None)
        self.plot = hv.DynamicMap(self._draw, streams=[self.pipe])
        self.summary = text_pane("Press the button: each start is solved with the settings of "
                                 "the Phase plane tab.")
        self.note = MessageBox()

    def _draw(self, data):
        layers = []
        paths = [] if data is None else [p for p in data.paths]
        layers.append(hv.Path(paths, kdims=["u₁", "u₂"]).opts(color="#bbbbbb", line_width=1))
        for outcome, color in OUTCOME_COLORS.items():
            if data is None:  # one invisible point: the legend still draws the symbol
                starts, ends = np.full((1, 2), np.nan), np.zeros((0, 2))
            else:
                chosen = np.array([o == outcome for o in data.outcomes], dtype=bool)
                starts, ends = data.starts[chosen], data.ends[chosen]
            layers.append(hv.Points(starts, ["u₁", "u₂"], label=outcome).opts(
                color=color, size=14, line_color="black"))
            layers.append(hv.Points(ends, ["u₁", "u₂"]).opts(
                color=color, marker="star", size=16, line_color="black"))
        w = 1.6 if data is None else float(np.max(np.abs(data.starts))) + 0.1
        # before a run: what the button does
        layers.append(hv.Text(0, 0, "" if data is not None else
                              "Press “Solve every start”: a grid of starts u(0),\n"
                              "each colored by its outcome", fontsize=12).opts(
            color="#555555"))
        return hv.Overlay(layers).opts(width=560, height=500, legend_position="right",
                                       xlim=(-w, w), ylim=(-w, w), framewise=True,
                                       title="starts colored by outcome (★ where they end)",
                                       show_grid=True)

    def run(self):
        model, session = self.session.model, self.session
        grid, window = session.grid, session.window

        def work(progress):
            return multistart(model, grid=grid, window=window, restarts=session.restarts,
                              seed=session.seed, progress=progress)

        def done(result, error):
            if error is not None:
                self.note.show(f"Could not solve the grid: {error}", "danger")
                return
            self.note.clear()
            self.pipe.send(result)
            counts = ", ".join(f"{n} {o}" for o, n in result.counts().items())
            self.summary.value = f"{grid} × {grid} starts on [−{window:g}, {window:g}]²: {counts}."
        self.job.start(work, done)

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.session, self.settings.parameters)]

    def controls(self):
        return pn.Column(heading("Multistart"), self.settings, self.button,
                         self.job.status, width=320)

    def main(self):
        return pn.Column(self.note, self.summary, plot_pane(self.plot),
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
