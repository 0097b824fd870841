"""Capacity beyond Hopfield: unstable-bit fractions over P for classical, n = 2, 3, 4 and
exponential interactions, with the theory curves and K_max marked."""

import holoviews as hv
import numpy as np
import panel as pn

from ...dense_memory.capacity import MODELS, dense_capacity
from ...dense_memory.interactions import k_max, theory_unstable_fraction
from ...page_models.dense_memory.settings import DenseCapacitySettings
from ..common.background import BackgroundJob
from ..common.url import linked
from ..common.widgets import MessageBox, heading, param_widgets, plot_pane, text_pane

COLORS = {"classical": "#7f7f7f", "polynomial n = 2": "#1f77b4", "polynomial n = 3": "#2ca02c",
          "polynomial n = 4": "#9467bd", "exponential": "#d62728"}
DEGREES = {"polynomial n = 2": 2, "polynomial n = 3": 3, "polynomial n = 4": 4}
#: where a measured zero is drawn on the log axis
FLOOR = 1e-5


class DenseCapacityView(pn.viewable.Viewer):
    def __init__(self):
        super().__init__()
        self.settings = DenseCapacitySettings()
        self.widgets = param_widgets(self.settings, ["n_neurons", "tested", "seed"])
        self.run_button = pn.widgets.Button(label="Run the comparison", color="primary")
        self.run_button.on_click(lambda e: self.start())
        self.job = BackgroundJob(self.run_button)
        self.message = MessageBox()
        self.pipe = hv.streams.Pipe(data=None)
        self.plot = hv.DynamicMap(self._plot, streams=[self.pipe])
        self.caption = text_pane(
            "Fraction of a stored pattern's bits that one update from the pattern flips, against "
            "the number of stored random patterns P. Lines: theory ½ erfc(√(Nⁿ⁻¹/(2(2n−3)!!P))); "
            "dashed: K<sub>max</sub> = Nⁿ⁻¹/(2(2n−3)!! ln N), the errorless capacity. Zeros are "
            f"drawn at {FLOOR:g}. The exponential interaction stays at zero (capacity ≈ "
            "2<sup>N/2</sup>).")
        self.result = None

    def start(self):
        s = self.settings
        if self.job.start(lambda progress: dense_capacity(
                int(s.n_neurons), tested=s.tested, seed=s.seed, progress=progress),
                self._finish):
            self.message.show(f"Measuring {len(MODELS)} models at N = {s.n_neurons}…", "info")

    def _finish(self, result, error):
        if error is not None:
            self.message.show(f"The comparison failed: {error}", "danger")
            return
        self.result = result
        self.message.show(f"Done: {len(result.loads)} loads from P = {result.loads[0]} to "
                          f"{result.loads[-1]:,} at N = {result.n_neurons}.", "info")
        self.pipe.send(result)

    def _plot(self, data):
        result = data
        layers = []
        n = int(self.settings.n_neurons) if result is None else result.n_neurons
        right = 1e5 if result is None else max(1e5, 1.5 * result.loads[-1])
        grid = np.geomspace(1, right, 300)
        for label, color in COLORS.items():
            if result is None:  # one invisible point: an empty layer's legend has no symbol
                loads, values = np.full(1, np.nan), np.full(1, np.nan)
            else:
                loads, values = result.loads, np.maximum(result.unstable[label], FLOOR)
            layers.append(hv.Scatter((loads, values), "P (stored patterns)",
                                     "unstable bit fraction", label=label).opts(
                color=color, size=8, marker="circle" if label != "classical" else "square"))
        for label, degree in DEGREES.items():
            layers.append(hv.Curve((grid, np.maximum(theory_unstable_fraction(n, degree, grid),
                                                     FLOOR / 2)),
                                   "P (stored patterns)", "unstable bit fraction").opts(
                color=COLORS[label], line_width=1.5, alpha=0.7))
            kmax = k_max(n, degree)
            layers.append(hv.VLine(kmax).opts(color=COLORS[label], line_dash="dashed"))
            layers.append(hv.Text(kmax, 0.2, f" Kmax(n={degree}) ≈ {kmax:,.0f}",
                                  halign="left", fontsize=9).opts(color=COLORS[label]))
        layers.append(hv.Text(30, 1e-3, "" if result is not None else
                              "Press “Run the comparison”: the measured fractions\n"
                              "appear as dots on the theory lines", fontsize=12).opts(
            color="#444444"))
        # the legend beside the plot: inside it covered the n = 4 curve
        return hv.Overlay(layers).opts(
            logx=True, logy=True, xlim=(1, right), ylim=(FLOOR / 2, 0.7), width=900, height=440,
            legend_position="right", title=f"capacity at N = {n}")

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.settings, self.widgets.parameters, "capacity.")]

    def controls(self):
        return pn.Column(heading("Capacity"), self.widgets, self.run_button, self.job.status,
                         width=320)

    def main(self):
        return pn.Column(self.message, self.caption, plot_pane(self.plot),
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
