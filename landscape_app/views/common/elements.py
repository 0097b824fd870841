"""HoloViews elements built from model data, shared by the live views and the exports.

Only shaping happens here: flattening trajectories into one NaN-separated line (one glyph over
flat arrays streams far faster than one glyph per chain), choosing color limits and contour
levels from the energies, picking markers for critical points.
"""

import weakref

import holoviews as hv
import numpy as np
from bokeh.palettes import Greys256, Viridis256

#: marker style per kind of critical point (minima red, maxima blue, as in the slides)
CRITICAL_STYLE = {
    "minimum": {"color": "#d62728", "marker": "circle", "label": "minimum"},
    "maximum": {"color": "#1f77b4", "marker": "circle", "label": "maximum"},
    "saddle": {"color": "#ffffff", "marker": "x", "label": "saddle"},
    "degenerate": {"color": "#ff7f0e", "marker": "diamond", "label": "degenerate"},
}
TRAJECTORY_COLOR = "#ffd166"
CURRENT_COLOR = "#ffffff"


def weak_hook(method, *args):
    """A HoloViews plot hook calling ``method(*args, plot, element)`` without keeping the
    method's object alive.

    HoloViews keeps the options given to ``.opts`` (hooks included) in a process-wide store,
    ``hv.Store.custom_options()``, for as long as an element using them exists; an element
    cached in a page's ``DynamicMap`` lives as long as the page. A hook bound to the page's
    plot therefore made a cycle through that global store that no closed session could leave:
    every explorer tab ever opened stayed in memory.
    """
    ref = weakref.WeakMethod(method)

    def hook(plot, element):
        bound = ref()
        if bound is not None:
            bound(*args, plot, element)
    return hook


def color_limits(energy: np.ndarray) -> tuple[float, float]:
    """Energy range for the color map: from the minimum to the 75th percentile.

    Energies in a window can span orders of magnitude (Müller–Brown: −147 to thousands); a
    linear map over the full range would paint every well the same color.
    """
    finite = energy[np.isfinite(energy)]
    if finite.size == 0:
        return 0.0, 1.0
    low = float(finite.min())
    high = float(np.quantile(finite, 0.75))
    if not high > low:
        high = low + 1.0
    return low, high


def contour_levels(energy: np.ndarray, n: int = 14) -> list[float]:
    """``n`` levels evenly inside the color range of E."""
    return contour_levels_between(*color_limits(energy), n)


def contour_levels_between(low: float, high: float, n: int = 14) -> list[float]:
    return list(np.linspace(low, high, n + 2)[1:-1])


def contour_lines(xs, ys, energy, levels=None) -> hv.Path:
    """Contour lines of E at ``levels`` (default: ``contour_levels``), traced by contourpy with
    linear interpolation inside each grid cell: smooth lines at any zoom, unlike lines drawn
    as the image's pixels (staircases on a coarse grid).

    All the lines are one path, separated by NaN rows (Bokeh breaks a line at NaN): HoloViews
    makes a Dataset per path when it draws, which took 0.1-0.4 s for the 25-40 lines of a
    landscape on every change of a parameter, against a few ms for one."""
    import contourpy

    energy = np.asarray(energy, dtype=float)
    levels = contour_levels(energy) if levels is None else levels
    pieces = []
    if np.isfinite(energy).sum() >= 4 and len(levels):
        generator = contourpy.contour_generator(
            np.asarray(xs, float), np.asarray(ys, float), np.ma.masked_invalid(energy),
            line_type="ChunkCombinedNan")
        for level in levels:
            pieces.extend(chunk for chunk in generator.lines(level)[0] if chunk is not None)
    if not pieces:
        return hv.Path([], kdims=["x", "y"], group="Contours").opts(
            color="white", line_width=1, alpha=0.85)
    gap = np.full((1, 2), np.nan)
    joined = np.concatenate([part for piece in pieces for part in (piece, gap)][:-1])
    return hv.Path([joined], kdims=["x", "y"], group="Contours").opts(
        color="white", line_width=1, alpha=0.85)


def padded_limits(window, fraction: float = 0.04) -> dict:
    """``xlim``/``ylim`` a little beyond ``window``: a minimum in a corner of the image is
    drawn whole, not cut in half by the axes."""
    x0, x1, y0, y1 = (float(v) for v in window)
    dx, dy = fraction * (x1 - x0), fraction * (y1 - y0)
    return {"xlim": (x0 - dx, x1 + dx), "ylim": (y0 - dy, y1 + dy)}


def diamond_edge(kdims=("a", "b")) -> hv.Path:
    """The edge |a| + |b| = 1 of an energy plane through two patterns, as a line: the image's
    own edge there is a staircase of cells."""
    corners = np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], float)
    return hv.Path([corners], list(kdims)).opts(color="#444444", line_width=1.5)


#: limits of an energy plane's axes: room around its corners for the markers and labels
DIAMOND_LIMITS = {"xlim": (-1.2, 1.2), "ylim": (-1.15, 1.15)}


def energy_image(xs, ys, energy) -> hv.Image:
    """E as an image, colored from its minimum to its 75th percentile (``color_limits``)."""
    low, high = color_limits(energy)
    return hv.Image((xs, ys, energy), kdims=["x", "y"], vdims=["E"], group="Energy").opts(
        # a palette, not a name: resolving "viridis" would import matplotlib (0.3 s)
        cmap=list(Viridis256), clim=(low, high), colorbar=True,
        clipping_colors={"max": "#fde725", "NaN": "#ffffff"}, tools=["hover"])


def critical_points(points) -> list:
    """One layer per kind (minima red, maxima blue, saddles white crosses, degenerate orange);
    empty layers too, so the figure keeps one structure from landscape to landscape."""
    layers = []
    for kind, style in CRITICAL_STYLE.items():
        xy = [(c.x, c.y, c.energy) for c in points if c.kind == kind]
        data = np.array(xy) if xy else np.zeros((0, 3))
        layers.append(hv.Points(data, kdims=["x", "y"], vdims=["E"], group="Critical",
                                label=kind.capitalize()).opts(
            color=style["color"], marker=style["marker"], size=11, line_color="black",
            line_width=1.5, tools=["hover"], show_legend=False))
    return layers


def legend_html() -> str:
    """The key to the markers, shown under the plot (an in-plot legend would list empty
    layers and cover the landscape)."""
    symbol = {"circle": "●", "x": "✕", "diamond": "◆"}
    items = [f'<span style="color:{s["color"] if s["color"] != "#ffffff" else "#444"};'
             f'font-size:1.2em">{symbol[s["marker"]]}</span> {s["label"]}'
             for s in CRITICAL_STYLE.values()]
    items += [f'<span style="color:{TRAJECTORY_COLOR};font-weight:bold">━</span> recent path',
              '<span style="color:#2ca02c">●</span> accepted',
              '<span style="color:#d62728">✕</span> rejected',
              '<span style="color:#ff7f0e">┅</span> leapfrog / NUTS tree']
    return '<div class="plot-legend" style="font-size:0.85em">' + " &nbsp; ".join(items) \
        + "</div>"


def gradient_field(xs, ys, fx, fy) -> hv.VectorField:
    magnitude = np.hypot(fx, fy)
    with np.errstate(invalid="ignore", divide="ignore"):
        angle = np.arctan2(fy, fx)
        # arrows of equal length, colored by log |∇E|: directions stay readable everywhere
        strength = np.log10(np.where(magnitude > 0, magnitude, np.nan))
    ok = np.isfinite(angle) & np.isfinite(strength)
    return hv.VectorField((xs[ok], ys[ok], angle[ok], np.ones(ok.sum()), strength[ok]),
                          kdims=["x", "y"], vdims=["angle", "length", "log|∇E|"],
                          group="Field").opts(
        magnitude="length", color="log|∇E|", cmap=list(Greys256), alpha=0.8, pivot="mid",
        scale=0.9, line_width=1, colorbar=False)


def empty_field() -> hv.VectorField:
    return gradient_field(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))


# -- trajectories -------------------------------------------------------------------------------
#: the streamed layers' sizes (a lecture scales them: ``LandscapePlot.marker_scale``)
STREAMED_SIZES = {
    "tails": {"line_width": 1.2},
    "points": {"size": 5, "line_width": 0.5},
    "path": {"line_width": 1.5},
    "accepted": {"size": 8, "line_width": 0.5},
    "rejected": {"size": 9, "line_width": 2},
}


def stream_styles() -> list:
    """Styles of the streamed layers, registered once as option defaults of their groups:
    options attached to a DynamicMap would be re-applied on every update."""
    sizes = STREAMED_SIZES
    return [
        hv.opts.Curve("Trajectories", color=TRAJECTORY_COLOR, alpha=0.75, apply_ranges=False,
                      **sizes["tails"]),
        hv.opts.Points("Chains", color=CURRENT_COLOR, line_color="black", apply_ranges=False,
                       **sizes["points"]),
        hv.opts.Curve("Leapfrog", color="#ff7f0e", line_dash="dashed", alpha=0.9,
                      apply_ranges=False, **sizes["path"]),
        hv.opts.Points("Accepted", color="#2ca02c", marker="circle", line_color="black",
                       apply_ranges=False, **sizes["accepted"]),
        hv.opts.Points("Rejected", color="#d62728", marker="x", apply_ranges=False,
                       **sizes["rejected"]),
    ]


_registered = False


def register_styles():
    """Load the Bokeh backend if needed and register the streamed layers' styles (once)."""
    global _registered
    if _registered:
        return
    if "bokeh" not in hv.Store.renderers:
        hv.extension("bokeh", logo=False)
    hv.opts.defaults(*stream_styles())
    _registered = True


def flatten_paths(paths: np.ndarray, max_paths: int | None = None) -> dict:
    """(points, chains, 2) → {'x', 'y'}: the chains' paths joined by NaN separators."""
    if paths is None or paths.size == 0:
        return {"x": np.zeros(0), "y": np.zeros(0)}
    if max_paths is not None:
        paths = paths[:, :max_paths]
    n_points, n_chains, _ = paths.shape
    joined = np.full((n_chains, n_points + 1, 2), np.nan)
    joined[:, :n_points] = paths.transpose(1, 0, 2)
    flat = joined.reshape(-1, 2)
    return {"x": np.ascontiguousarray(flat[:, 0]), "y": np.ascontiguousarray(flat[:, 1])}


def stack_paths(paths) -> dict:
    """Paths of different lengths ((k, 2) arrays) → the flat {'x', 'y'} of ``flatten_paths``."""
    if not paths:
        return flatten_paths(None)
    longest = max(len(p) for p in paths)
    stack = np.full((longest, len(paths), 2), np.nan)
    for k, p in enumerate(paths):
        stack[:len(p), k] = p
    return flatten_paths(stack)


def points_data(xy: np.ndarray | None) -> dict:
    if xy is None:
        xy = np.zeros((0, 2))
    return {"x": np.ascontiguousarray(xy[:, 0]), "y": np.ascontiguousarray(xy[:, 1])}


#: the streamed layers: role → (element type, group); every role's data is {'x', 'y'}
STREAMED_LAYERS = {
    "tails": (hv.Curve, "Trajectories"),
    "path": (hv.Curve, "Leapfrog"),
    "accepted": (hv.Points, "Accepted"),
    "rejected": (hv.Points, "Rejected"),
    "points": (hv.Points, "Chains"),
}


def streamed_element(role: str, data: dict):
    kind, group = STREAMED_LAYERS[role]
    if kind is hv.Curve:
        return hv.Curve(data, kdims=["x"], vdims=["y"], group=group)
    return hv.Points(data, kdims=["x", "y"], group=group)


# -- diagnostics --------------------------------------------------------------------------------
def title_colorbar(plot, element):
    """HoloViews titles the color bar once; the quantity drawn changes with T's symmetry."""
    colorbar = plot.handles.get("colorbar")
    if colorbar is not None:
        colorbar.title = element.vdims[0].pprint_label
