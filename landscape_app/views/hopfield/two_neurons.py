"""Two neurons: the energy over (V₁, V₂), the flow, and trajectories from clicked starts."""

import holoviews as hv
import numpy as np
import panel as pn
from bokeh.palettes import Magma256

from ...hopfield.pair import PairEnergy
from ...page_models.scene import Scene
from ..common import elements
from ..common.url import linked
from ..common.widgets import MessageBox, heading, param_widgets, plot_pane, text_pane

PRESETS = {
    "Two memories (symmetric)": dict(t11=0.0, t12=1.0, t21=1.0, t22=0.0, i1=0.0, i2=0.0,
                                     gain=3.0, activation="tanh"),
    "Four memories (self-excitation)": dict(t11=1.2, t12=0.0, t21=0.0, t22=1.2, i1=0.0,
                                            i2=0.0, gain=3.0, activation="tanh"),
    "Limit cycle (asymmetric)": dict(t11=1.5, t12=2.0, t21=-2.0, t22=1.5, i1=0.0, i2=0.0,
                                     gain=1.0, activation="tanh"),
    "Sink and saddles (asymmetric)": dict(t11=0.5, t12=1.8, t21=0.4, t22=0.5, i1=0.0,
                                          i2=0.0, gain=3.0, activation="tanh"),
}
FIXED_STYLE = {
    "sink": ("#d62728", "circle"), "stable spiral": ("#d62728", "triangle"),
    "source": ("#1f77b4", "circle"), "unstable spiral": ("#1f77b4", "triangle"),
    "saddle": ("#ffffff", "x"), "centre": ("#ff7f0e", "diamond"),
}


class TwoNeuronsView(pn.viewable.Viewer):
    """The landscape of two continuous neurons, drawn from T's entries (sliders)."""

    def __init__(self):
        super().__init__()
        self.pair = PairEnergy(**PRESETS["Two memories (symmetric)"])
        self.scene = Scene(self.pair)
        self.starts = []  # clicked starts, in V
        self.version = 0
        self.stream = hv.streams.Pipe(data=0)
        self.trajectory_pipe = hv.streams.Pipe(data=elements.flatten_paths(None))
        self.background = hv.DynamicMap(self._background, streams=[self.stream])
        self.contours = hv.DynamicMap(self._contours, streams=[self.stream])
        self.flow = hv.DynamicMap(self._flow, streams=[self.stream])
        self.marks = hv.DynamicMap(self._fixed_points, streams=[self.stream])
        self.paths = hv.DynamicMap(
            lambda data: hv.Curve((data["x"], data["y"]), "x", "y").opts(
                color="#e7298a", line_width=2.5),
            streams=[self.trajectory_pipe])
        self.tap = hv.streams.SingleTap(source=self.background, transient=True)
        self.tap.add_subscriber(self._on_tap)
        self.note = MessageBox()
        self.settings = param_widgets(self.pair, ["t11", "t12", "t21", "t22", "i1", "i2",
                                                  "gain", "activation"])
        self.preset = pn.widgets.Select(label="Preset", options=list(PRESETS))
        self.preset.param.watch(lambda e: self.pair.param.update(**PRESETS[e.new]), "value")
        self.clear = pn.widgets.Button(label="Clear trajectories", color="light")
        self.clear.on_click(lambda e: self._clear())
        self.pair.param.watch(self._changed, [p for p in self.pair.param if p != "name"])
        self._changed()

    # -- plot layers -------------------------------------------------------------------------------
    def _background(self, data):
        xs, ys, energy = self.scene.grid(200)
        if self.pair.is_symmetric:
            image = elements.energy_image(xs, ys, energy)
        else:  # no energy exists: show how fast the state moves instead
            xx, yy = np.meshgrid(xs, ys)
            speed = self.pair.speed(np.column_stack([xx.ravel(), yy.ravel()]))
            image = hv.Image((xs, ys, speed.reshape(xx.shape)), kdims=["x", "y"],
                             vdims=["speed |V̇|"], group="Energy").opts(
                cmap=list(Magma256[:170]), clim=(0.0, float(np.nanmax(speed))), colorbar=True)
        return image.relabel("").opts(frame_width=440, frame_height=440, xlabel="V₁", ylabel="V₂",
                                      framewise=True, tools=["hover"],
                                      hooks=[elements.title_colorbar],
                                      **elements.padded_limits(self.pair.window))

    def _contours(self, data):
        """Contour lines of the energy when T is symmetric (none over the speed)."""
        xs, ys, energy = self.scene.grid(200)
        return elements.contour_lines(xs, ys, energy, None if self.pair.is_symmetric else [])

    def _flow(self, data):
        x0, x1, y0, y1 = self.pair.window
        g = np.linspace(0, 1, 19)[1:-1]
        xx, yy = np.meshgrid(x0 + (x1 - x0) * g, y0 + (y1 - y0) * g)
        pts = np.column_stack([xx.ravel(), yy.ravel()])
        f = self.pair.flow(pts)
        return elements.gradient_field(pts[:, 0], pts[:, 1], f[:, 0], f[:, 1]).opts(
            color="white", alpha=0.75)

    def _fixed_points(self, data):
        # the same layers whether T is symmetric or not (empty ones included): an overlay that
        # changes structure makes HoloViews rebuild its Bokeh models under the browser's feet
        symmetric = self.pair.is_symmetric
        layers = elements.critical_points(self.scene.critical_points if symmetric else [])
        fixed = [] if symmetric else self.pair.fixed_points()
        for kind, (color, marker) in FIXED_STYLE.items():
            xy = [(f.x, f.y) for f in fixed if f.kind == kind]
            layers.append(hv.Points(np.array(xy) if xy else np.zeros((0, 2)), ["x", "y"],
                                    group="Fixed", label=kind.title().replace(" ", "")).opts(
                color=color, marker=marker, size=12, line_color="black", show_legend=False))
        # the note above the plot explains the markers
        return hv.Overlay(layers).opts(show_legend=False)

    # -- reactions --------------------------------------------------------------------------------
    def _changed(self, *events):
        self.scene.invalidate()
        if self.pair.is_symmetric:
            self.note.show("T is symmetric: the energy (contours, minima red, maxima blue, "
                           "saddles ✕) never increases along the flow.", "info")
        else:
            self.note.show("T is not symmetric: no energy function exists. The picture shows "
                           "the speed |V̇| (dark: slow), the flow and its fixed points (sinks "
                           "red, sources blue, ▲ spirals, saddles ✕, centres ◆); trajectories "
                           "may circle for ever (limit cycles).", "warning")
        self.stream.send(self.version)
        self._draw_trajectories()

    def _on_tap(self, x=None, y=None):
        if x is None or y is None:
            return
        self.starts.append((float(x), float(y)))
        self._draw_trajectories()

    def _clear(self):
        self.starts = []
        self._draw_trajectories()

    def _draw_trajectories(self):
        paths = []
        for start in self.starts[-12:]:
            _, V = self.pair.trajectory(start, t_max=25.0, dt=0.01)
            paths.append(V)
        self.trajectory_pipe.send(elements.stack_paths(paths))

    # -- layout -----------------------------------------------------------------------------------
    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.pair, self.settings.parameters, "pair.")]

    def controls(self):
        return pn.Column(heading("Two neurons"), self.preset, self.settings, self.clear,
                         width=320)

    def main(self):
        plot = self.background * self.contours * self.flow * self.paths * self.marks
        return pn.Column(
            self.note,
            text_pane("u̇ = T g(u) − u + I, V = g(u). Click the plot to start a trajectory "
                      "there."),
            plot_pane(plot), sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
