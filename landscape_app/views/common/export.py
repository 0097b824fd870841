"""Downloads: trajectories as CSV, the current figure as PNG or standalone HTML."""

import io

import numpy as np
import panel as pn
from bokeh.resources import INLINE

from . import elements


def _draw(ax, fig, experiment, title, show_contours, show_critical_points):
    scene = experiment.scene
    xs, ys, energy = scene.grid(200)
    x0, x1, y0, y1 = scene.window
    low, high = elements.color_limits(energy)
    image = ax.imshow(np.clip(energy, low, high), origin="lower", extent=(x0, x1, y0, y1),
                      aspect="auto", cmap="viridis")
    fig.colorbar(image, ax=ax, label="E")
    if show_contours:
        ax.contour(xs, ys, np.where(np.isfinite(energy), energy, np.nan),
                   levels=elements.contour_levels(energy), colors="white", linewidths=0.6,
                   alpha=0.6)
    tails = elements.flatten_paths(experiment.tails.ordered())
    ax.plot(tails["x"], tails["y"], color=elements.TRAJECTORY_COLOR, lw=0.9, alpha=0.8)
    pos = experiment.positions
    ax.scatter(pos[:, 0], pos[:, 1], s=10, c="white", edgecolors="black", linewidths=0.4,
               zorder=3)
    if show_critical_points:
        for kind, style in elements.CRITICAL_STYLE.items():
            pts = np.array([(c.x, c.y) for c in scene.critical_points if c.kind == kind])
            if len(pts):
                marker = {"circle": "o", "x": "x", "diamond": "D"}[style["marker"]]
                # an 'x' has no face: draw it dark so it shows on the bright colors
                face = {"c": "black"} if marker == "x" else {"c": style["color"],
                                                              "edgecolors": "black"}
                ax.scatter(pts[:, 0], pts[:, 1], marker=marker, s=60, label=kind, zorder=4,
                           **face)
        ax.legend(loc="lower left", fontsize=8)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x", ylabel="y", title=title)


def figure_png(experiments, titles, show_contours=True, show_critical_points=True) -> bytes:
    """Each experiment's landscape, tails and current positions, drawn with matplotlib.

    Matplotlib's Agg canvas needs no browser, and a ``Figure`` (not pyplot) keeps no global
    state, so sessions can export at the same time.
    """
    from matplotlib.figure import Figure  # imported on the first export: 0.4 s at start-up

    experiments, titles = list(experiments), list(titles)
    cols = 1 if len(experiments) == 1 else 2
    rows = (len(experiments) + cols - 1) // cols
    fig = Figure(figsize=(7 * cols, 6 * rows), dpi=100)
    for k, (experiment, title) in enumerate(zip(experiments, titles, strict=True)):
        ax = fig.add_subplot(rows, cols, k + 1)
        _draw(ax, fig, experiment, title, show_contours, show_critical_points)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def figure_html(hv_object, title="landscape_app") -> str:
    """A standalone HTML page (Bokeh and its JavaScript inlined) of ``hv_object``."""
    buffer = io.StringIO()
    pn.pane.HoloViews(hv_object).save(buffer, resources=INLINE, title=title)
    return buffer.getvalue()


def download_buttons(csv, png, html, stem="landscape") -> pn.Row:
    """Three FileDownload buttons; each argument is a function returning the file's content."""
    def as_file(make, binary):
        def callback():
            content = make()
            return io.BytesIO(content) if binary else io.StringIO(content)
        return callback

    return pn.Row(
        pn.widgets.FileDownload(callback=as_file(csv, False), filename=f"{stem}.csv",
                                label="Trajectories (CSV)", width=190),
        pn.widgets.FileDownload(callback=as_file(png, True), filename=f"{stem}.png",
                                label="Figure (PNG)", width=150),
        pn.widgets.FileDownload(callback=as_file(html, False), filename=f"{stem}.html",
                                label="Figure (HTML)", width=150),
    )
