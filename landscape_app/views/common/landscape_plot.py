"""The live plot of one experiment: the landscape and the chains moving on it.

One figure, built once, made of two DynamicMaps fed by HoloViews ``Pipe`` streams:

* the landscape (energy image with its contour lines drawn in, critical points, gradient
  field), redrawn in place through ``scene_pipe`` when the landscape, its parameters, the
  window or a display toggle changes;
* the chains (each one's recent tail, its current position, the latest proposals and leapfrog
  paths), through ``snapshot_pipe`` on Step, Pause and Reset.

While playing, frames travel through ``live_pipe``, whose subscriber writes the new flat arrays
straight into the data sources of the glyphs HoloViews created for the chains. HoloViews' own
update re-evaluates the overlay and makes Bokeh re-walk every model of the page: 60–100 ms a
frame in a served page here (about 9 frames per second), against ~1 ms for the write. Either way
the figure is never rebuilt, so zoom and pan survive.
"""


import holoviews as hv
import panel as pn
import param

from . import elements

#: frames between updates of the proposal layers while playing
PROPOSALS_EVERY = 3


class LandscapePlot(param.Parameterized):
    """Live HoloViews figure of an ``Experiment``; ``push()`` streams its current state."""

    marker_scale = param.Number(1.0, bounds=(0.5, 3.0), precedence=-1,
                                doc="Chains' markers and lines drawn this many times their "
                                    "usual size (a lecture's projector: 1.8).")
    show_contours = param.Boolean(True, doc="Draw contour lines of E.")
    show_critical_points = param.Boolean(True, doc="Mark minima (red), maxima (blue), saddles.")
    show_gradient_field = param.Boolean(False, doc="Draw the direction of −∇E.")
    show_proposals = param.Boolean(True, label="Show proposals",
                                   doc="Latest proposals (green accepted, red rejected) and "
                                       "HMC leapfrog paths, NUTS trees.")
    resolution = param.Integer(400, bounds=(20, 2000), precedence=-1,
                               doc="Grid cells per side of the energy image (contour lines "
                                   "are drawn at this resolution).")

    MAX_PROPOSAL_PATHS = 25

    def __init__(self, experiment, width=560, height=490, title="", colorbar=True,
                 source_prefix="chain", **params):
        super().__init__(**params)
        self.source_prefix = source_prefix
        elements.register_styles()
        self.experiment = experiment
        self.width, self.height, self.title = width, height, title
        self.colorbar = colorbar
        self._window = None
        self.scene_pipe = hv.streams.Pipe(data=self._scene_data())
        self.snapshot_pipe = hv.streams.Pipe(data=self.stream_data(proposals=True))
        self.live_pipe = hv.streams.Pipe(data={})
        self.live_pipe.add_subscriber(self._write_sources)
        self._sources = {role: [] for role in elements.STREAMED_LAYERS}
        self._figures = []  # the Bokeh figures showing this plot (one per page or cell)
        self._frames = 0
        self.landscape = hv.DynamicMap(self._energy_image, streams=[self.scene_pipe])
        #: clicks on the landscape (the explorer sets the chains' start there); the source is
        #: a DynamicMap of one element: on a DynamicMap of an overlay the tap is never linked
        self.tap = hv.streams.SingleTap(source=self.landscape, transient=True)
        # critical points on top, where the chains cannot hide them
        self.overlay = (self.landscape * hv.DynamicMap(
            self._contours, streams=[self.scene_pipe]) * hv.DynamicMap(
            self._gradient_field, streams=[self.scene_pipe]) * hv.DynamicMap(
            self._streamed, streams=[self.snapshot_pipe]) * hv.DynamicMap(
            self._critical_layers, streams=[self.scene_pipe])).opts(
            width=width, height=height, title=title, xlabel="x", ylabel="y", toolbar="above",
            show_legend=False)
        self.param.watch(lambda *e: self.refresh_scene(),
                         ["show_contours", "show_critical_points", "show_gradient_field",
                          "resolution"])

    def on_tap(self, callback):
        """Call ``callback(x=..., y=...)`` when the landscape is clicked."""
        self.tap.add_subscriber(callback)

    # -- the landscape ---------------------------------------------------------------------------
    def _scene_data(self) -> dict:
        window = self.experiment.scene.window
        moved = window != self._window
        self._window = window
        return {"window_changed": moved}

    def _energy_image(self, data):
        xs, ys, energy = self.experiment.scene.grid(self.resolution)
        return elements.energy_image(xs, ys, energy).opts(
            colorbar=self.colorbar, hooks=[elements.weak_hook(self._capture_figure)])

    def _contours(self, data):
        xs, ys, energy = self.experiment.scene.grid(self.resolution)
        return elements.contour_lines(xs, ys, energy, None if self.show_contours else [])

    def _capture_figure(self, plot, element):
        figure = plot.state
        if figure not in self._figures:
            self._figures.append(figure)

    def _follow_window(self):
        """Show a new window (a new landscape); any other update keeps the user's zoom.

        Set on the figures themselves: HoloViews' ``framewise`` would stay attached to the
        cached image and reset the zoom at every later update.
        """
        x0, x1, y0, y1 = self.experiment.scene.window
        for figure in self._figures:
            figure.x_range.update(start=x0, end=x1)
            figure.y_range.update(start=y0, end=y1)

    def _gradient_field(self, data):
        if not self.show_gradient_field:
            return elements.empty_field()
        return elements.gradient_field(*self.experiment.scene.gradient_field(21))

    def _critical_layers(self, data):
        scene = self.experiment.scene
        points = scene.critical_points if self.show_critical_points else []
        return hv.Overlay(elements.critical_points(points))

    def refresh_scene(self):
        """Redraw the landscape layers in place (new landscape, parameters, window, toggle)."""
        data = self._scene_data()
        self.scene_pipe.send(data)
        if data["window_changed"]:
            # on the session's event loop: widget callbacks may run on a thread, and Bokeh
            # models may only change under the document's lock
            pn.state.execute(self._follow_window)

    # -- the chains ------------------------------------------------------------------------------
    def _capture_source(self, role, plot, element):
        """A plot hook remembering the data source HoloViews made for a streamed layer."""
        glyph = plot.handles.get("glyph")
        if glyph is not None and self.marker_scale != 1.0:
            # set from the usual size each time: HoloViews runs the hook on every update
            for name, usual in elements.STREAMED_SIZES[role].items():
                setattr(glyph, name, usual * self.marker_scale)
        source = plot.handles.get("source")
        if source is not None and source not in self._sources[role]:
            # named so that tests and the frame-rate benchmark can find them in the page
            source.name = f"{self.source_prefix}_{role}"
            self._sources[role].append(source)

    def _streamed(self, data):
        return hv.Overlay([
            elements.streamed_element(role, data[role]).opts(
                hooks=[elements.weak_hook(self._capture_source, role)])
            for role in elements.STREAMED_LAYERS])

    def stream_data(self, proposals=True) -> dict:
        """Flat {'x', 'y'} arrays per streamed layer (proposal layers only when asked)."""
        exp = self.experiment
        data = {"tails": elements.flatten_paths(exp.tails.ordered()),
                "points": elements.points_data(exp.positions)}
        if not proposals:
            return data
        n = self.MAX_PROPOSAL_PATHS
        path = ends = accepted = rejected = None
        if self.show_proposals:
            if exp.last_path is not None:
                path = exp.last_path[:, :n]
                ends = exp.last_path[-1, :n]
            elif exp.last_proposal is not None:
                ends = exp.last_proposal[:n]
        if ends is not None and exp.last_accepted is not None:
            took = exp.last_accepted[:n]
            accepted, rejected = ends[took], ends[~took]
        data.update(path=elements.flatten_paths(path), accepted=elements.points_data(accepted),
                    rejected=elements.points_data(rejected))
        return data

    def _write_sources(self, data):
        for role, columns in (data or {}).items():
            for source in self._sources[role]:
                source.data = columns

    def push(self, live=False, proposals=None):
        """Send the current state: as a live frame, or through HoloViews' full update."""
        self._frames += 1
        if live and self._sources["tails"]:
            with_proposals = proposals or (proposals is None
                                           and self._frames % PROPOSALS_EVERY == 0)
            self.live_pipe.send(self.stream_data(proposals=with_proposals))
        else:
            self.snapshot_pipe.send(self.stream_data(proposals=True))

    def static(self, title=""):
        """The current picture as plain elements (no streams), for the HTML export."""
        data = self.stream_data(proposals=True)
        layers = [self._energy_image({"window_changed": True}), self._contours({}),
                  self._gradient_field({})] + [
            elements.streamed_element(role, data[role]) for role in elements.STREAMED_LAYERS] \
            + list(self._critical_layers({}))
        return hv.Overlay(layers).opts(width=700, height=600, title=title, show_legend=False)
