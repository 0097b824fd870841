"""Metastable states of the modern Hopfield network: at small β the fixed point is an average."""

import holoviews as hv
import numpy as np
import panel as pn

from ...dense_memory.modern import ModernHopfield, fixed_point_profile
from ...hopfield import patterns as pattern_sets
from ...page_models.dense_memory.settings import MetastableSettings
from ..common.widgets import heading, param_widgets, plot_pane, text_pane
from ..hopfield.recall import picture

SOURCES = {"digits": pattern_sets.DIGITS, "letters": pattern_sets.LETTERS}
BETAS = np.geomspace(5e-4, 5.0, 60)


class MetastableView(pn.viewable.Viewer):
    """Cue, fixed point and attention weights at the chosen β; how many patterns the fixed
    point averages over, across β."""

    def __init__(self):
        super().__init__()
        self.settings = MetastableSettings()
        self.widgets = param_widgets(self.settings, ["source", "beta", "target", "noise", "seed"])
        self.pipes = {k: hv.streams.Pipe(data=None) for k in ("cue", "fixed", "attention",
                                                              "profile")}
        self.cue = hv.DynamicMap(lambda data: picture(data, "cue"), streams=[self.pipes["cue"]])
        self.fixed = hv.DynamicMap(lambda data: picture(*data), streams=[self.pipes["fixed"]])
        self.attention = hv.DynamicMap(self._attention, streams=[self.pipes["attention"]])
        self.profile = hv.DynamicMap(self._profile, streams=[self.pipes["profile"]])
        self.status = text_pane("")
        self.settings.param.watch(lambda *e: self.refresh(full=True),
                                  ["source", "target", "noise", "seed"])
        self.settings.param.watch(lambda *e: self.refresh(), ["beta"])
        self.refresh(full=True)

    def _patterns(self):
        s = self.settings
        if s.source == "random":
            return pattern_sets.random_patterns(10, pattern_sets.SIDE ** 2, s.seed)
        return pattern_sets.characters(SOURCES[s.source])

    def refresh(self, full=False):
        s = self.settings
        side = pattern_sets.SIDE
        if full:
            self.patterns = self._patterns().astype(np.float64)
            target = min(s.target, len(self.patterns) - 1)
            self.cue_state = pattern_sets.corrupt(self.patterns[target], s.noise,
                                                  s.seed).astype(np.float64)
            self.network = ModernHopfield(beta=s.beta).store(self.patterns)
            self.pipes["cue"].send(self.cue_state.reshape(side, side))
            self.effective = fixed_point_profile(self.network, self.cue_state, BETAS)
        self.network.beta = s.beta
        result = self.network.recall(self.cue_state, max_updates=200, tol=1e-9)
        self.result = result
        k = result.effective_patterns
        kind = ("a single stored pattern" if k < 1.05 else
                "the average of all stored patterns" if k > 0.9 * len(self.patterns) else
                f"a metastable state mixing about {k:.1f} patterns")
        self.pipes["fixed"].send((result.final.reshape(side, side),
                                  f"fixed point, {result.n_updates} updates"))
        self.pipes["attention"].send(result.attention)
        self.pipes["profile"].send((self.effective, s.beta, len(self.patterns)))
        self.status.value = (f"β = {s.beta:g}: the fixed point is {kind} "
                             f"(1/Σp² = {k:.2f}); energy {result.energies[0]:.2f} → "
                             f"{result.energies[-1]:.2f}.")

    def _attention(self, data):
        weights = data
        labels = [str(i) for i in range(len(weights))]
        return hv.Bars((labels, weights), "stored pattern", "softmax weight p").opts(
            width=460, height=260, ylim=(0, 1.02), color="#08519c",
            title="attention softmax(βXᵀξ), fixed point")

    def _profile(self, data):
        effective, beta, count = data
        curve = hv.Curve((BETAS, effective), "β", "patterns averaged (1/Σp²)").opts(
            logx=True, color="#08519c", line_width=2)
        here = hv.VLine(beta).opts(color="#d62728", line_dash="dashed")
        return (curve * here).opts(width=460, height=260, ylim=(0, count + 0.5),
                                   title="fixed point from this cue, across β")

    def controls(self):
        return pn.Column(heading("Metastable states"), self.widgets, width=320)

    def main(self):
        return pn.Column(
            text_pane("Modern Hopfield update ξ ← X softmax(βXᵀξ), iterated to its fixed point. "
                      "Large β retrieves one pattern; small β stops at averages of several "
                      "(metastable states); β → 0 gives the mean of all."),
            self.status,
            pn.Row(plot_pane(self.cue), plot_pane(self.fixed)),
            pn.Row(plot_pane(self.attention), plot_pane(self.profile)),
            sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
