"""Metastable states of the modern Hopfield network: at small β the fixed point is an average."""

import holoviews as hv
import panel as pn

from ...hopfield import patterns as pattern_sets
from ...page_models.dense_memory.metastable import BETAS, MetastableStates
from ..common.pictures import pattern_picture
from ..common.url import linked
from ..common.widgets import heading, param_widgets, plot_pane, text_pane


class MetastableView(pn.viewable.Viewer):
    """Cue, fixed point and attention weights at the chosen β; how many patterns the fixed
    point averages over, across β."""

    def __init__(self):
        super().__init__()
        self.settings = MetastableStates()
        self.widgets = param_widgets(self.settings, ["source", "beta", "target", "noise", "seed"])
        self.pipes = {k: hv.streams.Pipe(data=None) for k in ("cue", "fixed", "attention",
                                                              "profile")}
        self.cue = hv.DynamicMap(lambda data: pattern_picture(data, "cue"),
                                 streams=[self.pipes["cue"]])
        self.fixed = hv.DynamicMap(lambda data: pattern_picture(*data),
                                   streams=[self.pipes["fixed"]])
        self.attention = hv.DynamicMap(self._attention, streams=[self.pipes["attention"]])
        self.profile = hv.DynamicMap(self._profile, streams=[self.pipes["profile"]])
        self.status = text_pane("")
        self.settings.param.watch(lambda *e: self.refresh(full=True),
                                  ["source", "target", "noise", "seed"])
        self.settings.param.watch(lambda *e: self.refresh(), ["beta"])
        self.draw(full=True)

    def refresh(self, full=False):
        """Recall again after a change (``full``: of the patterns or the cue) and draw it."""
        self.settings.refresh(full=full)
        self.draw(full=full)

    def draw(self, full=False):
        model = self.settings
        side = pattern_sets.SIDE
        if full:
            self.pipes["cue"].send(model.cue.reshape(side, side))
        result = self.result = model.result
        self.pipes["fixed"].send((result.final.reshape(side, side),
                                  f"fixed point, {result.n_updates} updates"))
        self.pipes["attention"].send(result.attention)
        self.pipes["profile"].send((model.profile, model.beta, len(model.patterns)))
        self.status.value = model.status()

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

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.settings, self.widgets.parameters, "metastable.")]

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
