"""Classical, dense and modern energies side by side on the slice through two patterns."""

import holoviews as hv
import numpy as np
import panel as pn

from ...dense_memory.slices import energy_slice
from ...hopfield.patterns import random_patterns
from ...page_models.dense_memory.settings import SliceSettings
from ..common import elements
from ..common.url import linked
from ..common.widgets import heading, param_widgets, plot_pane, text_pane

NAMES = ("classical", "dense", "modern")


class EnergySlicesView(pn.viewable.Viewer):
    """Three energies on one plane; sliders for n and β show the basins sharpen."""

    def __init__(self):
        super().__init__()
        self.settings = SliceSettings()
        self.widgets = param_widgets(self.settings, ["n_neurons", "n_patterns", "degree",
                                                     "beta", "seed"])
        self.pipe = hv.streams.Pipe(data=None)
        self.plots = [hv.DynamicMap(lambda data, k=k: self._panel(data, k), streams=[self.pipe])
                      for k in range(3)]
        self.caption = text_pane(
            "The plane V = a·ξ⁰ + b·ξ¹ through two stored random patterns (|a| + |b| ≤ 1; ξ⁰ at "
            "(1, 0), ξ¹ at (0, 1), their negatives opposite). Each energy is scaled to its own "
            "range, 0 (dark) to 1: raise n or β and the basins around the patterns narrow. At "
            "small β the modern network has one broad basin in the middle: the metastable "
            "average.")
        self.settings.param.watch(lambda *e: self.refresh(), list(self.widgets.parameters))
        self.refresh()

    def refresh(self):
        s = self.settings
        patterns = random_patterns(s.n_patterns, s.n_neurons, s.seed)
        self.slice = energy_slice(patterns, 0, 1, degree=s.degree, beta=s.beta)
        self.pipe.send(self.slice)

    def _panel(self, data, k):
        names = list(data.energies)
        energy = data.energies[names[k]]
        image = elements.energy_image(data.a, data.b, energy).relabel("").opts(
            width=340, height=320, xlabel="a (along ξ⁰)", ylabel="b (along ξ¹)",
            title=names[k], clim=(0.0, 1.0), framewise=True, colorbar=False,
            clipping_colors={"NaN": "#ffffff", "max": "#fde725"})
        marks = hv.Points(np.array([[1, 0], [0, 1], [-1, 0], [0, -1]], float), ["a", "b"]).opts(
            color="#d62728", size=8, line_color="black")
        contours = elements.contour_lines(data.a, data.b, energy,
                                          elements.contour_levels_between(0.0, 1.0))
        return (image * contours * elements.diamond_edge() * marks).opts(
            **elements.DIAMOND_LIMITS)

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.settings, self.widgets.parameters, "slice.")]

    def controls(self):
        return pn.Column(heading("Energy slices"), self.widgets, width=320)

    def main(self):
        return pn.Column(self.caption, pn.FlexBox(*[plot_pane(p) for p in self.plots]),
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
