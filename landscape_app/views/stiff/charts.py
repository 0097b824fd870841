"""The charts both /stiff tabs draw: each method's loss against the simulations it ran, the
gradient's size over the steps, and the voltage traces against the target."""

import holoviews as hv
import numpy as np

COLORS = {"gd": "#d62728", "es": "#1f77b4", "cma": "#2ca02c", "raw": "#555555",
          "target": "#111111"}
LABELS = {"gd": "gradient (Adam)", "es": "ES mean", "cma": "CMA-ES mean"}
#: the voltage traces shown: their last stretch, where a wrong current is out of phase
SHOWN_MS = 500.0


def race_chart(data, methods, size: dict, marker: int, legend: str = "top_right",
               loss_label: str = "loss (mV²)"):
    """Loss (log) against simulations run, a curve and the current point per method."""
    axes = ("simulations run", loss_label)
    if not data:
        data = {f"{m}_{k}": np.ones(1) for m in methods for k in ("evaluations", "loss")}
    layers = []
    for m in methods:
        x, y = data[f"{m}_evaluations"], data[f"{m}_loss"]
        layers.append(hv.Curve((x, y), *axes, label=LABELS[m]).opts(
            color=COLORS[m], line_width=2.5, framewise=True))
    # the current step as points: at step 0 each curve is a single point
    layers += [hv.Scatter((data[f"{m}_evaluations"][-1:], data[f"{m}_loss"][-1:]), *axes).opts(
        color=COLORS[m], size=marker, framewise=True) for m in methods]
    values = np.concatenate([data[f"{m}_loss"] for m in methods])
    values = values[np.isfinite(values) & (values > 0)]
    low = float(values.min()) / 2 if values.size else 1e-3
    high = float(values.max()) * 2 if values.size else 10.0
    top = max(10.0, max(float(data[f"{m}_evaluations"].max()) for m in methods))
    return hv.Overlay(layers).redim.range(**{axes[0]: (0, top)}).opts(
        **size, logy=True, framewise=True, ylim=(max(low, 1e-6), high),
        legend_position=legend, title="loss per simulation run")


def gradient_chart(data, label: str, size: dict, marker: int):
    """The gradient's size (log) at the gradient method's values, step by step."""
    data = data or {"step": np.zeros(1), "gradient": np.ones(1)}
    values = data["gradient"][np.isfinite(data["gradient"]) & (data["gradient"] > 0)]
    high = float(values.max()) * 2 if values.size else 10.0
    low = float(values.min()) / 2 if values.size else 1e-3
    curve = hv.Curve((data["step"], data["gradient"]), "step", label).opts(
        color=COLORS["gd"], line_width=2, framewise=True)
    now = hv.Scatter((data["step"][-1:], data["gradient"][-1:]), "step", label).opts(
        color=COLORS["gd"], size=marker, framewise=True)
    return (curve * now).redim.range(step=(0, max(10, int(data["step"][-1])))).opts(
        **size, logy=True, framewise=True, ylim=(max(low, 1e-8), high),
        title=f"the gradient's size {label}")


def traces_chart(data, methods, size: dict):
    """The target voltage and each method's, over the trace's last ``SHOWN_MS``."""
    if not data:
        data = {"time": np.array([0.0, 1.0]), "target": np.zeros(2),
                **{m: np.zeros(2) for m in methods}}
    t = data["time"]
    shown = t >= t[-1] - SHOWN_MS
    axes = ("time (ms)", "V (mV)")
    dashes = {"gd": "solid", "es": "dashed", "cma": "dotted"}
    layers = [hv.Curve((t[shown], data["target"][shown]), *axes, label="target").opts(
        color=COLORS["target"], line_width=3, framewise=True)]
    layers += [hv.Curve((t[shown], data[m][shown]), *axes,
                        label=LABELS[m].replace(" mean", "")).opts(
        color=COLORS[m], line_width=1.5 if m == "gd" else 2, line_dash=dashes[m],
        framewise=True) for m in methods]
    return hv.Overlay(layers).opts(
        **size, ylim=(-65, 45), framewise=True, legend_position="bottom",
        legend_cols=len(layers), title=f"the voltage, last {SHOWN_MS:g} ms of the trace")
