"""The diagnostic charts: the energy trace, a marginal against the exact one, the distance to the
exact density against cost."""

import holoviews as hv
import numpy as np


def energy_trace(data: dict) -> hv.Overlay:
    """Mean energy over chains with a 10–90 % band, against the step."""
    steps = np.asarray(data.get("step", []), dtype=float)
    # room right of the last step, where the latest marker sits (else half of it is cut off)
    span = float(steps[-1] - steps[0]) if len(steps) else 0.0
    xlim = ((float(steps[0]) - 0.01 * span, float(steps[-1]) + 0.04 * span) if span > 0
            else (None, None))
    # framewise on each element: on the overlay alone the axes would keep their first range
    band = hv.Area((steps, data.get("low", []), data.get("high", [])),
                   kdims=["step"], vdims=["E", "E2"], label="10–90 %").opts(
        color="#9ecae1", alpha=0.6, line_alpha=0, framewise=True, xlim=xlim)
    mean_values = np.asarray(data.get("mean", []), dtype=float)
    mean = hv.Curve((steps, mean_values), kdims=["step"], vdims=["E"],
                    label="mean").opts(color="#08519c", line_width=2, framewise=True,
                                       xlim=xlim)
    # the latest mean as a marker: at step 0 (one record) a curve alone draws nothing
    now = hv.Scatter((steps[-1:], mean_values[-1:]), kdims=["step"], vdims=["E"],
                     label="now").opts(color="#08519c", size=7, framewise=True,
                                       xlim=xlim)
    # the legend beside the plot, never over the band
    return (band * mean * now).opts(legend_position="right")


def marginal(axis: str, edges, sample, exact) -> hv.Overlay:
    """The samples' marginal histogram over the exact marginal (probabilities per bin)."""
    edges = np.asarray(edges, dtype=float)
    sample = np.zeros(len(edges) - 1) if sample is None else np.asarray(sample, dtype=float)
    # the vertical range holds both the bars and the exact curve's peak, with room above
    top = max([float(np.nanmax(sample, initial=0.0))]
              + ([float(np.nanmax(exact, initial=0.0))] if exact is not None else []))
    ylim = (0.0, 1.1 * top if top > 0 else 1.0)
    hist = hv.Histogram((edges, sample), kdims=[axis], vdims=["probability"],
                        label="chains").opts(color="#fdae6b", line_color="#e6550d", alpha=0.7,
                                             framewise=True, ylim=ylim)
    layers = [hist]
    if exact is not None:
        centers = 0.5 * (edges[1:] + edges[:-1])
        layers.append(hv.Curve((centers, exact), kdims=[axis], vdims=["probability"],
                               label="exact").opts(color="black", line_width=2,
                                                   interpolation="steps-mid", framewise=True,
                                                   ylim=ylim))
    return hv.Overlay(layers).opts(legend_position="right")


def tv_chart(data: dict) -> hv.Overlay:
    """TV distance to the exact density against landscape evaluations, one line per sampler.

    ``data`` maps a sampler's name to its (evaluations, TV) pairs.
    """
    # one structure whatever the data: layers (legend items) that come and go break Bokeh's
    # updates in the browser ("cannot find a view for Legend")
    curves = []
    empty = True
    for name, points in data.items():
        arr = np.asarray(points, dtype=float).reshape(-1, 2)
        empty = empty and len(arr) == 0
        if not len(arr):  # one invisible point: the legend still draws the line's symbol
            arr = np.full((1, 2), np.nan)
        curves.append(hv.Curve(arr, kdims=["evaluations"], vdims=["TV to exact"],
                               label=name).opts(framewise=True, line_width=2))
    if not curves:
        curves = [hv.Curve(np.full((1, 2), np.nan), kdims=["evaluations"],
                           vdims=["TV to exact"])]
    # before any sample: say what will appear
    note = hv.Text(3e3, 0.5, "Press Play: each sampler's distance to the exact density\n"
                              "is drawn against its cost as it runs" if empty else "",
                   fontsize=11)
    limits = {"xlim": (100, 1e5), "ylim": (0, 1)} if empty else {}
    return hv.Overlay([*curves, note]).opts(legend_position="right", logx=True, **limits)
