"""The capacity sweep: one-step bit errors and final overlaps against the load α = P/N."""

import holoviews as hv
import numpy as np
import panel as pn

from ...hopfield.capacity import ALPHA_CRITICAL, capacity_curve, theory_bit_error
from ...page_models.hopfield.capacity import CapacitySweepSettings
from ..common.background import BackgroundJob
from ..common.url import linked
from ..common.widgets import MessageBox, heading, param_widgets, plot_pane, text_pane


class CapacityView(pn.viewable.Viewer):
    """Run the sweep in the background with a progress bar; plot it against theory."""

    def __init__(self):
        super().__init__()
        self.settings = CapacitySweepSettings()
        self.widgets = param_widgets(self.settings, ["n_neurons", "alpha_max", "points",
                                                     "trials", "seed"])
        self.run_button = pn.widgets.Button(label="Run the sweep", color="primary")
        self.run_button.on_click(lambda e: self.start())
        self.job = BackgroundJob(self.run_button)
        self.progress = self.job.progress
        self.message = MessageBox()
        self.summary = text_pane("")
        self.pipe = hv.streams.Pipe(data=None)
        self.error_plot = hv.DynamicMap(self._error_plot, streams=[self.pipe])
        self.overlap_plot = hv.DynamicMap(self._overlap_plot, streams=[self.pipe])
        self.curve = None

    @property
    def running(self) -> bool:
        return self.job.running

    def start(self):
        s = self.settings
        alphas = np.linspace(s.alpha_max / s.points, s.alpha_max, s.points)
        if self.job.start(lambda progress: capacity_curve(
                int(s.n_neurons), alphas, trials=s.trials, recalls=8, seed=s.seed,
                progress=progress), self._finish):
            self.message.show(f"Sweeping α over {s.points} loads at N = {s.n_neurons}…", "info")

    def _finish(self, curve, error):
        if error is not None:
            self.message.show(f"The sweep failed: {error}", "danger")
            return
        self.curve = curve
        self.message.show(f"Done: {len(curve.alphas)} loads at N = {curve.n_neurons}.", "info")
        self.pipe.send(curve)
        below = curve.overlap[curve.alphas < ALPHA_CRITICAL]
        above = curve.overlap[curve.alphas > ALPHA_CRITICAL]
        self.summary.value = (
            f"mean final overlap {below.mean():.3f} below α<sub>c</sub> = {ALPHA_CRITICAL}, "
            f"{above.mean():.3f} above"
            if len(below) and len(above) else "")

    # Each DynamicMap returns one overlay of a fixed structure, empty or not: a Layout from a
    # DynamicMap, or legend items that come and go, break Bokeh's updates in the browser.
    def _measured(self, curve):
        if curve is None:
            # one invisible point: a legend item with no data draws no symbol
            nothing = np.array([np.nan])
            return nothing, nothing, nothing, f"N = {self.settings.n_neurons}"
        return (curve.alphas, np.maximum(curve.bit_error, 1e-6), curve.overlap,
                f"N = {curve.n_neurons}")

    @staticmethod
    def _placeholder(data, x, y):
        """Before the first sweep: what the button will draw."""
        text = "" if data is not None else "Press “Run the sweep”"
        return hv.Text(x, y, text, fontsize=12).opts(color="#555555")

    def _error_plot(self, data):
        alphas, bit_error, _, size = self._measured(data)
        grid = np.linspace(0.02, 1.0, 200)
        theory = hv.Curve((grid, theory_bit_error(grid)), "α = P/N", "bit error",
                          label="theory ½ erfc(√(N/2P))").opts(color="black")
        errors = hv.Scatter((alphas, bit_error), "α = P/N", "bit error",
                            label="measured, one step").opts(size=8, color="#1f77b4")
        return (theory * errors * self._critical_line(3e-6)
                * self._placeholder(data, 0.55, 1e-4)).opts(
            logy=True, ylim=(1e-6, 0.5), xlim=(0, 1.0), width=560, height=340,
            title=f"one-step bit-error rate, {size}", legend_position="right")

    def _overlap_plot(self, data):
        alphas, _, overlap, size = self._measured(data)
        line = hv.Curve((alphas, overlap), "α = P/N", "final overlap").opts(color="#2ca02c")
        dots = hv.Scatter((alphas, overlap), "α = P/N", "final overlap").opts(
            size=7, color="#2ca02c")
        return (line * dots * self._critical_line(0.1) * self._placeholder(data, 0.55, 0.5)).opts(
            ylim=(-0.05, 1.05), xlim=(0, 1.0), width=480, height=340, show_legend=False,
            title=f"final overlap after async recall, {size}")

    @staticmethod
    def _critical_line(y):
        return hv.VLine(ALPHA_CRITICAL).opts(color="#d62728", line_dash="dashed") * hv.Text(
            ALPHA_CRITICAL, y, f" critical α = {ALPHA_CRITICAL}", halign="left").opts(
            color="#d62728")

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.settings, self.widgets.parameters, "capacity.")]

    def controls(self):
        return pn.Column(heading("Capacity"), self.widgets, self.run_button, self.job.status,
                         width=320)

    def main(self):
        return pn.Column(self.message, self.summary,
                         pn.FlexBox(plot_pane(self.error_plot), plot_pane(self.overlap_plot)),
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
