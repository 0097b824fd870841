"""/stiff's third tab: Robertson's stiff reactions — Adam on the gradient through the implicit
(Rosenbrock) solver, the ES and CMA-ES fit (log₁₀ k₂, log₁₀ k₃), and what an explicit method
at a fixed step does with the same problem (seed 004; docs/stiff.md, "Robertson's reactions")."""

import holoviews as hv
import numpy as np

from ...page_models.stiff.reactions import REACTION_SETTINGS, ReactionRace, explicit
from ..common.widgets import text_pane
from .charts import COLORS, LABELS
from .race_view import TwoParameterView


class ReactionView(TwoParameterView):
    """The log loss over (log₁₀ k₂, log₁₀ k₃) with the three methods on it, their loss against
    the solves run, the gradient's norm, the intermediate y₂(t) against the target's, and the
    explicit method's fate."""

    settings_names = tuple(REACTION_SETTINGS)
    controls_title = "Stiff race (Robertson)"
    url_prefix = "rob."
    axes = ("log₁₀ k₂", "log₁₀ k₃")
    clim = (-6.0, 1.5)
    loss_label = "loss"
    floor = 1e-6
    landscape_title = "the loss over the two rates (log)"
    columns = (("log₁₀ k₂", "x", ".3f"), ("log₁₀ k₃", "y", ".3f"), ("loss", "loss", ".1e"),
               ("solves", "simulations", "d"))
    intro = (
        "<p>Robertson's reactions, y₁ → y₂ (k₁ = 0.04), 2y₂ → y₂ + y₃ (k₂ = 3·10⁷), "
        "y₂ + y₃ → y₁ + y₃ (k₃ = 10⁴), from (1, 0, 0) to t = 10⁵: rates eleven orders of "
        "magnitude apart, the classic stiff problem. The methods fit (log₁₀ k₂, log₁₀ k₃) "
        "(★ the truth) to the trajectory at 50 log-spaced times. Every solve is implicit "
        "(a Rosenbrock method, ~1.5 ms), and the "
        "<span style='color:#d62728'><b>gradient</b></span> comes from its forward "
        "sensitivities. Here nothing breaks the gradient: the loss is smooth, and Adam, the "
        "<span style='color:#1f77b4'><b>ES</b></span> (to within its σ) and "
        "<span style='color:#2ca02c'><b>CMA-ES</b></span> all reach the rates. What "
        "stiffness breaks is the explicit solver (below).</p>")

    def __init__(self, sync_url=False, **settings):
        super().__init__(ReactionRace(**settings), sync_url)

    def notes(self) -> list:
        rows = []
        for dt, diverged, steps, reached in explicit():
            if diverged is not None:
                fate = f"diverged at step {diverged:,} (t = {reached:.3g})"
            else:
                needed = 1e5 / dt
                fate = (f"finite after {steps:,} steps, at t = {reached:.3g} of 10⁵: "
                        f"{needed:.0e} steps to get there")
            rows.append(f"<tr><td>dt = {dt:g}</td><td>{fate}</td></tr>")
        return [text_pane("<b>Explicit RK4 at a fixed step, the true rates:</b>"
                          "<table style='font-size:0.9em'>" + "".join(rows) + "</table>",
                          sizing_mode="stretch_width")]

    def _traces(self, data):
        axes = ("log₁₀ t", "y₂ / max y₂*")
        if not data:
            data = {"time": np.array([1e-5, 1e5]), "scale": np.ones(3),
                    "target": np.zeros((2, 3)), **{m: np.zeros((2, 3)) for m in self.methods}}
        t = np.log10(data["time"])
        scale = data["scale"][1]
        layers = [hv.Curve((t, data["target"][:, 1] / scale), *axes, label="target").opts(
            color=COLORS["target"], line_width=3, framewise=True)]
        dashes = {"gd": "solid", "es": "dashed", "cma": "dotted"}
        layers += [hv.Curve((t, data[m][:, 1] / scale), *axes,
                            label=LABELS[m].replace(" mean", "")).opts(
            color=COLORS[m], line_width=2, line_dash=dashes[m], framewise=True)
            for m in self.methods]
        return hv.Overlay(layers).opts(
            **self._size("traces"), framewise=True, legend_position="top_right",
            title="the intermediate y₂(t) / its peak")
