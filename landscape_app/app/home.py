"""A minimal landing page: the landscape library as contour images."""

import holoviews as hv
import panel as pn

from .. import landscapes


def home_page():
    hv.extension("bokeh")
    names = landscapes.names()
    select = pn.widgets.Select(name="Landscape", options=names, value="muller_brown")

    def image(name):
        land = landscapes.get(name)
        xs, ys, energy = land.grid(150, 150)
        x0, x1, y0, y1 = land.window
        return hv.Image(energy, bounds=(x0, y0, x1, y1), kdims=["x", "y"], vdims=["E"]).opts(
            cmap="viridis", colorbar=True, width=520, height=440, clim=(float(energy.min()),
            float(sorted(energy.ravel())[int(0.9 * energy.size)])), title=land.describe())

    return pn.Column(
        pn.pane.Markdown("# landscape_app\nEnergy landscapes and the dynamics that move on them."),
        select, pn.bind(image, select))
