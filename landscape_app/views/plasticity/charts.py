"""Charts the /plasticity tabs share."""

import holoviews as hv
import numpy as np

from .one_neuron import COLORS, generations_shown


def loss_against_known(data, found_label: str, known_label: str, px, width: int = 400):
    """The meta-loss of the searched rule per generation (log scale, the current generation as
    a point) beside a known rule's as a dashed line: ``data`` has ``generation``, ``loss`` and
    ``known``; ``px`` scales sizes (lecture mode)."""
    g = data["generation"]
    found = hv.Curve((g, data["loss"]), "generation", "meta-loss", label=found_label).opts(
        color=COLORS["ES"], line_width=2.5, framewise=True)
    known = hv.Curve((g[[0, -1]], [data["known"]] * 2), "generation", "meta-loss",
                     label=known_label).opts(color=COLORS["Oja"], line_dash="dashed",
                                             framewise=True)
    now = hv.Scatter((g[-1:], data["loss"][-1:]), "generation", "meta-loss").opts(
        color=COLORS["ES"], size=px(7), framewise=True)
    values = np.r_[data["loss"], data["known"]]
    return (found * known * now).redim.range(generation=generations_shown(g)).opts(
        width=px(width), height=px(300), logy=True, framewise=True,
        ylim=(max(float(values.min()) / 2, 1e-4), float(values.max()) * 2),
        legend_position="top_right", title="meta-loss per generation")
