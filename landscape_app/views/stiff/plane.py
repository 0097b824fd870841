"""/stiff's second tab: Adam on the exact gradient, the antithetic ES and CMA-ES fit two of a
Morris–Lecar neuron's parameters (I_app, g_Ca) to a voltage trace, racing on the loss over the
plane (seed 004; docs/stiff.md)."""

from ...page_models.stiff.plane import PLANE_SETTINGS, PlaneRace
from .race_view import TwoParameterView


class PlaneView(TwoParameterView):
    """The log loss over (I_app, g_Ca) with the three methods' paths and the ES population,
    their loss against the simulations run, the gradient's norm, and the voltage traces."""

    settings_names = tuple(PLANE_SETTINGS)
    controls_title = "Two-parameter race"
    url_prefix = "plane."
    axes = ("I_app (µA/cm²)", "g_Ca (mS/cm²)")
    loss_unit = " (mV²)"
    landscape_title = "the loss over I_app and g_Ca (log)"
    columns = (("I_app", "x", ".2f"), ("g_Ca", "y", ".3f"), ("loss", "loss", ".1f"),
               ("simulations", "simulations", "d"))
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
