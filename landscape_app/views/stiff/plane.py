"""/stiff's second tab: Adam on the exact gradient, the antithetic ES and CMA-ES fit two of a
Morris–Lecar neuron's parameters (I_app, g_Ca) to a voltage trace, racing on the loss over the
plane (seed 004; docs/stiff.md)."""

import holoviews as hv
import numpy as np
from scipy.interpolate import RegularGridInterpolator

from ...page_models.stiff.plane import METHODS, PLANE_SETTINGS, TRUTH, WINDOW, PlaneRace
from .charts import COLORS, LABELS
from .race_view import RaceView

AXES = ("I_app (µA/cm²)", "g_Ca (mS/cm²)")
MARKERS = {"gd": "circle", "es": "square", "cma": "triangle"}


class PlaneView(RaceView):
    """The log loss over (I_app, g_Ca) with the three methods' paths and the ES population,
    their loss against the simulations run, the gradient's norm, and the voltage traces."""

    settings_names = tuple(PLANE_SETTINGS)
    controls_title = "Two-parameter race"
    url_prefix = "plane."
    methods = METHODS
    columns = (("I_app", "current", ".2f"), ("g_Ca", "g_ca", ".3f"), ("loss", "loss", ".1f"),
               ("simulations", "simulations", "d"))
    sizes = {"landscape": (440, 380), "chart": (360, 320), "traces": (440, 320)}
    race_legend = "bottom_left"
    intro = (
        "<p>Two parameters now: the current I_app and the calcium conductance g_Ca, "
        "fitted to a trace made at (110, 4.4) (★). Both set the spike rate, so the loss "
        "has a long narrow valley where the rate is right, cut across by ridges where the "
        "spikes drift out of phase. "
        "<span style='color:#d62728'><b>Adam on the exact gradient</b></span> follows the "
        "local slope, which here leads along the ridges and away from the valley; the "
        "<span style='color:#1f77b4'><b>ES</b></span> follows the loss smoothed at its σ, "
        "which slopes out of the valley towards a resting neuron; "
        "<span style='color:#2ca02c'><b>CMA-ES</b></span> ranks its samples, adapts its "
        "step and its shape, and falls into the valley (measured in docs/stiff.md: "
        "from 20 starts, 0 / 0 / 17–20 reach the truth).</p>")

    def __init__(self, sync_url=False, **settings):
        super().__init__(PlaneRace(**settings), sync_url)

    # -- plots ------------------------------------------------------------------------------
    def _landscape(self, data):
        if not data:
            data = {"x": np.linspace(*WINDOW[0], 2), "y": np.linspace(*WINDOW[1], 2),
                    "values": np.ones((2, 2)), "truth": tuple(TRUTH)}
        values = np.log10(np.maximum(data["values"], 1.0))
        # each grid point is a simulation: drawn bilinearly at 3 × the grid, not as blocks
        x, y = (np.linspace(v[0], v[-1], 3 * len(v) - 2) for v in (data["x"], data["y"]))
        fine = np.stack(np.meshgrid(y, x, indexing="ij"), axis=-1)
        values = RegularGridInterpolator((data["y"], data["x"]), values)(fine)
        image = hv.Image((x, y, values), list(AXES), "log₁₀ loss (mV²)").opts(
            cmap="viridis", colorbar=True, tools=["hover"], clim=(0.0, 3.5))
        truth = hv.Points([data["truth"]], list(AXES), label="truth").opts(
            marker="star", size=self._px(16), color="white", line_color="black")
        size = self._size("landscape", title="the loss over I_app and g_Ca (log)")
        return hv.Overlay([image.opts(**size), truth.opts(**size)]).opts(framewise=True)

    def _positions(self, data):
        data = data or {**{m: np.array([TRUTH]) for m in METHODS},
                        "population": np.zeros((0, 2))}
        size = self._size("landscape", title="the loss over I_app and g_Ca (log)")
        layers = [hv.Points(data["population"], list(AXES), label="ES population").opts(
            color="#9ecae1", size=self._px(5), line_color=COLORS["es"])]
        for m in METHODS:
            layers.append(hv.Curve(data[m], *AXES).opts(color=COLORS[m], line_width=2))
        for m in METHODS:
            layers.append(hv.Points(data[m][-1:], list(AXES), label=LABELS[m]).opts(
                color=COLORS[m], size=self._px(13), line_color="white", marker=MARKERS[m]))
        legend = {"legend_position": "bottom", "legend_cols": 4}
        return hv.Overlay([layer.opts(**size, **(legend if isinstance(layer, hv.Points)
                                                 else {})) for layer in layers])
