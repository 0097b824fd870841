"""/stiff's first tab: Adam on the exact gradient and an evolution strategy fit a Morris–Lecar
neuron's current to a voltage trace, racing from the same start on a loss with many local
minima (seed 004; docs/stiff.md)."""

import holoviews as hv
import numpy as np

from ...page_models.stiff.neuron import NEURON_SETTINGS, WINDOW, NeuronRace
from .charts import COLORS
from .race_view import RaceView


class NeuronView(RaceView):
    """The loss over I_app (raw and as the ES sees it, smoothed), both methods on it, their
    loss against the simulations run, the gradient's size, and the voltage traces."""

    settings_names = tuple(NEURON_SETTINGS)
    controls_title = "Race"
    methods = ("gd", "es")
    gradient_label = "|dL/dI|"
    columns = (("I_app", "current", ".2f"), ("|I − I*|", "error", ".2f"), ("loss", "loss", ".1f"),
               ("simulations", "simulations", "d"))
    intro = (
        "<p>A Morris–Lecar neuron spikes periodically; its current I_app sets the rate. "
        "Both methods fit I_app to a voltage trace made at I* = 110 from the same start. "
        "<span style='color:#d62728'><b>Adam on the exact gradient</b></span> "
        "(sensitivities of the simulation) follows the loss into the nearest minimum: a "
        "wrong current drifts the spikes out of phase, and every period of mismatch adds "
        "a minimum. The <span style='color:#1f77b4'><b>evolution strategy</b></span> "
        "uses forward simulations only and descends the loss smoothed at its σ (dashed), "
        "which steps over minima narrower than σ. A resting neuron (I &lt; 88) scores "
        "better than a mistimed one: the smoothed loss slopes that way too "
        "(docs/stiff.md).</p>")

    def __init__(self, sync_url=False, **settings):
        super().__init__(NeuronRace(**settings), sync_url)

    def landscape_key(self, landscape):
        # the smoothing follows σ, the raw loss the trace length
        return id(landscape["raw"]), self.session.settings.sigma

    # -- plots ------------------------------------------------------------------------------
    def _landscape(self, data):
        if not data:
            grid = np.linspace(*WINDOW, 3)
            data = {"current": grid, "raw": np.ones(3), "smoothed": np.ones(3),
                    "truth": 110.0}
        axes = ("I_app (µA/cm²)", "loss (mV²)")
        raw = hv.Curve((data["current"], data["raw"]), *axes, label="loss").opts(
            color=COLORS["raw"], line_width=1.5)
        smooth = hv.Curve((data["current"], data["smoothed"]), *axes,
                          label=f"smoothed at σ = {self.session.settings.sigma:g}").opts(
            color=COLORS["es"], line_dash="dashed", line_width=2)
        truth = hv.VLine(data["truth"]).opts(color="black", line_dash="dotted")
        size = self._size("landscape", title="the loss, and as the ES sees it",
                          xlim=WINDOW, ylim=(0, float(np.max(data["raw"])) * 1.08))
        return hv.Overlay([layer.opts(**size) for layer in (raw, smooth, truth)])

    def _positions(self, data):
        axes = ("I_app (µA/cm²)", "loss (mV²)")
        data = data or {"gd": (100.0, 0.0), "es": (100.0, 0.0),
                        "population": np.zeros((0, 2))}
        population = hv.Points(data["population"], list(axes), label="ES population").opts(
            color="#9ecae1", size=self._px(6), line_color=COLORS["es"])
        gd = hv.Points([data["gd"]], list(axes), label="gradient (Adam)").opts(
            color=COLORS["gd"], size=self._px(13), line_color="white")
        es = hv.Points([data["es"]], list(axes), label="ES mean").opts(
            color=COLORS["es"], size=self._px(13), line_color="white", marker="square")
        size = self._size("landscape", title="the loss, and as the ES sees it",
                          legend_position="bottom", legend_cols=2)
        return hv.Overlay([layer.opts(**size) for layer in (population, gd, es)])
