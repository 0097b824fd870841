"""/saddles: does noise help synaptic sampling escape saddles? A winner-take-all classifier of
clustered 3-D stimuli learning with no noise, isotropic noise and weight-dependent noise,
measured side by side (seed 003; docs/saddles.md)."""


import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.saddles.session import SETTINGS, SaddleSession
from ...synaptic_sampling import wta_theory as theory
from ...synaptic_sampling.wta import NOISE_MODES
from ..common.live_chart import LiveChart, LiveLayers
from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_pane, text_pane

COLORS = {"none": "#1f77b4", "isotropic": "#2ca02c", "weight-dependent": "#d62728"}
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf"]
#: noise of the 2-D escape chart (decades below the radius 0.1)
ESCAPE_EPSILONS = (3e-2, 1e-2, 3e-3, 1e-3, 3e-4)


#: the unit cube's twelve edges (pairs of corners) and the ends of its three axes
_CORNERS = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], float)
CUBE_EDGES = [np.array([a, b]) for n, a in enumerate(_CORNERS) for b in _CORNERS[n + 1:]
              if np.abs(a - b).sum() == 1]
CUBE_AXES = [((1.12, 0, 0), "x"), ((0, 1.12, 0), "y")]
CLUSTERS_TITLE = "stimuli in 3-D by class, tuning +"
#: the loss plane's width: beside the escape chart within 1280 px less the sidebar
PLANE_WIDTH = 440
#: the viewer's elevation above the x–y plane
ELEVATION = np.radians(25.0)


def project(points: np.ndarray, turn_degrees: float, depth: bool = False):
    """Points of the unit cube (n, 3) seen from ``turn_degrees`` around z, 25° above the
    x–y plane: orthographic, centred on the cube. Returns (n, 2) screen coordinates, and the
    distance along the line of sight (larger: farther) when ``depth``."""
    centred = np.asarray(points, float) - 0.5
    phi = np.radians(turn_degrees)
    across = np.cos(phi) * centred[:, 0] - np.sin(phi) * centred[:, 1]
    ahead = np.sin(phi) * centred[:, 0] + np.cos(phi) * centred[:, 1]
    up = np.cos(ELEVATION) * centred[:, 2] + np.sin(ELEVATION) * ahead
    flat = np.column_stack([across, up])
    if depth:
        return flat, np.cos(ELEVATION) * ahead - np.sin(ELEVATION) * centred[:, 2]
    return flat


class Saddles(PlayedPage):
    """Learning curves of the three learners, one stimulus' spikes, the loss's curvature at
    the symmetric start with the learners' paths, and the 2-D escape time against noise."""

    settings_names = tuple(SETTINGS)
    controls_title = "Learners"

    def __init__(self, sync_url=False, **settings):
        super().__init__(SaddleSession(**settings), "Speed (presentations per frame)", 200)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in
                      ("clusters", "stimulus", "spectrum", "plane", "paths", "escape")}
        # what changes each frame is written into its data sources while the page plays
        # (HoloViews' updates took ~90 ms a frame): the curves and the raster, and the layers
        # drawn over what changes only with the settings (the stimulus, the paths)
        self.charts = {"curves": LiveChart(self._curves), "raster": LiveChart(self._raster)}
        self.live_layers = LiveLayers()
        self.curves = self.charts["curves"].dmap
        self.clusters = (hv.DynamicMap(self._clusters, streams=[self.pipes["clusters"]])
                         * hv.DynamicMap(self._stimulus, streams=[self.pipes["stimulus"]]))
        self.raster = self.charts["raster"].dmap
        self.spectrum = hv.DynamicMap(self._spectrum, streams=[self.pipes["spectrum"]])
        self.plane = (hv.DynamicMap(self._plane, streams=[self.pipes["plane"]])
                      * hv.DynamicMap(self._paths, streams=[self.pipes["paths"]]))
        self.escape = hv.DynamicMap(self._escape, streams=[self.pipes["escape"]])
        self.escape_button = pn.widgets.Button(label="Measure escape times (2-D)",
                                               color="primary", width=260)
        self.escape_button.on_click(lambda event: self.measure_escape())
        self.escape_note = text_pane("")
        self.turn = pn.widgets.IntSlider(label="Turn the cube (°)", start=0, end=360, step=5,
                                         value=30, width=300)
        self.turn.param.watch(lambda event: self._redraw_clusters(), "value")
        self._plane_drawn = None
        self._plane_title = ""
        self._stimulus_drawn = None
        self.start(sync_url)

    # -- plots ------------------------------------------------------------------------------
    def _curves(self, data):
        layers = []
        for mode in NOISE_MODES:
            band = data[mode] if data else np.zeros((1, 4))
            layers.append(hv.Area((band[:, 0], band[:, 1], band[:, 3]), "presentations",
                                  ["accuracy", "accuracy_hi"]).opts(
                color=COLORS[mode], alpha=0.15, framewise=True))
            layers.append(hv.Curve((band[:, 0], band[:, 2]), "presentations", "accuracy",
                                   label=mode).opts(color=COLORS[mode], line_width=2.5,
                                                    framewise=True))
        chance = 1.0 / self.session.task.n_classes
        layers.append(hv.HLine(chance).opts(color="black", line_dash="dashed", line_width=1))
        return hv.Overlay(layers).opts(
            width=self._px(530), height=self._px(300), ylim=(0, 1.02),
            legend_position="top", legend_cols=3, title="test accuracy (band: range over runs)")

    def _clusters(self, data):
        task = self.session.task
        turn = self.turn.value
        tuning = hv.Points(project(task.tuning, turn), ["across", "up"]).opts(
            marker="+", color="#999999", size=self._px(5), alpha=0.5)
        # the painter's order: the points nearer the viewer drawn last, over the far ones
        flat, depth = project(task.points, turn, depth=True)
        order = np.argsort(-depth)
        points = hv.Points((flat[order, 0], flat[order, 1], task.labels[order]),
                           ["across", "up"], "class").opts(
            color="class", cmap=CLASS_COLORS[:task.n_classes], size=self._px(5), alpha=0.7,
            colorbar=False)
        edges = hv.Path([project(edge, turn) for edge in CUBE_EDGES]).opts(
            color="#bbbbbb", line_width=1)
        # z on a vertical edge of the outline (where the data inside the cube cannot cover it)
        tops = np.array([[i, j, 1.08] for i in (0, 1) for j in (0, 1)])
        side = tops[np.argmax(np.abs(project(tops, turn)[:, 0]))]
        names = hv.Labels([(*project(np.array([corner]), turn)[0], name)
                           for corner, name in [*CUBE_AXES, (side, "z")]],
                          ["across", "up"], "axis").opts(
            text_color="#666666", text_font_size=f"{self._px(11)}pt")
        return (edges * tuning * points * names).opts(
            width=self._px(330), height=self._px(300), xlim=(-0.95, 0.95),
            ylim=(-0.95, 0.95), xaxis=None, yaxis=None,
            title=CLUSTERS_TITLE)

    def _stimulus(self, data):
        current = data["point"] if data else self.session.task.test_points[0]
        return hv.Points(project(np.asarray([current]), self.turn.value),
                         ["across", "up"]).opts(
            hooks=[self.live_layers.hook("stimulus")],
            marker="star", size=self._px(18), color="#ffd700", line_color="black",
            xaxis=None, yaxis=None, title=CLUSTERS_TITLE, width=self._px(330),
            height=self._px(300))

    def _raster(self, data):
        task = self.session.task
        inputs = data["inputs"] if data else np.zeros((0, 2))
        outputs = data["outputs"] if data else np.zeros((0, 2))
        top = task.n_inputs
        spikes_in = hv.Scatter(inputs, "ms", "neuron").opts(
            marker="dash", angle=90, size=self._px(5), color="#555555")
        # the outputs above the inputs, spaced so each row is visible
        row = max(top // 12, 3)
        shifted = np.column_stack([outputs[:, 0], top + row * (1 + outputs[:, 1])])
        spikes_out = hv.Scatter(shifted, "ms", "neuron").opts(
            marker="dash", angle=90, size=self._px(9), color="#d62728")
        ticks = [(0, "0"), (top // 2, "inputs"), (top, str(top))] + [
            (top + row * (1 + k), f"out {k}") for k in range(task.n_classes)]
        title = "one test stimulus: inputs, outputs (red)"
        if data:
            title = f"a class {data['label']} stimulus: {data['guess']} wins"
        return (spikes_in * spikes_out).opts(
            width=self._px(420), height=self._px(300), xlim=(0, 200),
            ylim=(-1, top + row * (task.n_classes + 1)), yticks=ticks, title=title,
            framewise=True)

    def _spectrum(self, data):
        values = data["eigenvalues"] if data else np.zeros(2)
        # the few large eigenvalues (the classes' directions) would squeeze the rest into a bar
        low = float(values.min())
        top = max(3.0 * abs(low), 1.0) if low < 0 else float(values.max()) or 1.0
        counts, edges = np.histogram(values, bins=40, range=(min(low, 0.0) * 1.05, top))
        hist = hv.Histogram((edges, counts), kdims=["eigenvalue of ∇²f"],
                            vdims=["count"]).opts(color="#9467bd", line_color=None)
        title = "curvature at the symmetric start"
        above = int((values > top).sum())
        xlabel = f"eigenvalue of ∇²f ({above} above {top:.3g} not shown)" if above else None
        if data:
            title = (f"∇²f at θ = μ: {data['negative']}/{len(values)} < 0, "
                     f"|∇f| = {data['gradient']:.3g}")
        return (hist * hv.VLine(0.0).opts(color="black", line_dash="dashed")).opts(
            width=self._px(420), height=self._px(300), title=title, framewise=True,
            xlabel=xlabel)

    def _plane(self, data):
        if not data:  # (before the page sends it)
            data = {"axis": np.linspace(-1, 1, 2), "values": np.zeros((2, 2)),
                    "eigenvalues": np.zeros(2)}
        axis = data["axis"]
        image = hv.Image((axis, axis, data["values"]), ["a (v₁)", "b (v₂)"], "f").opts(
            cmap="viridis", colorbar=True, tools=["hover"])
        contours = hv.operation.contours(image, levels=12, overlaid=False).opts(
            cmap=["#ffffff"], alpha=0.5, line_width=0.8, show_legend=False)
        start = hv.Points([(0.0, 0.0)], ["a (v₁)", "b (v₂)"]).opts(
            marker="x", size=self._px(14), color="white", line_width=3)
        lam = data["eigenvalues"]
        # an overlay of live layers takes title and size from its last layer: the paths
        # (drawn over this) repeat them
        self._plane_title = f"f on v₁, v₂, ∇²f's lowest (λ {lam[0]:.3g}, {lam[1]:.3g})"
        return (image * contours * start).opts(
            width=self._px(PLANE_WIDTH), height=self._px(300), framewise=True,
            title=self._plane_title)

    def _paths(self, data):
        paths = data if data else {m: np.zeros((0, 2)) for m in NOISE_MODES}
        return hv.Overlay(list(self._path_curves(paths).values()))

    def _path_curves(self, paths) -> dict:
        # no labels: a legend would cover the plane (the colours are the learning curves')
        return {mode: hv.Curve(path, "a (v₁)", "b (v₂)").opts(
            hooks=[self.live_layers.hook(mode)], color=COLORS[mode], line_width=2,
            title=self._plane_title, width=self._px(PLANE_WIDTH), height=self._px(300))
            for mode, path in paths.items()}

    def _escape(self, data):
        radius = data["radius"] if data else 0.1
        rows = data["rows"] if data else []
        fine = np.geomspace(min(ESCAPE_EPSILONS), max(ESCAPE_EPSILONS), 60)
        predicted = [theory.predicted_escape_time(e, radius) for e in fine]
        measured = hv.ErrorBars([(r["epsilon"], r["mean"], 2 * r["se"]) for r in rows],
                                "noise ε", ["mean escape time", "err"])
        dots = hv.Scatter([(r["epsilon"], r["mean"]) for r in rows], "noise ε",
                          "mean escape time", label="measured").opts(
            size=self._px(8), color="#d62728")
        line = hv.Curve((fine, predicted), "noise ε", "mean escape time",
                        label="(1/λ)[ln(r√(2λ)/ε) + 0.635]").opts(color="black")
        return (line * measured * dots).opts(
            width=self._px(420), height=self._px(260), logx=True,
            xlim=(min(ESCAPE_EPSILONS) / 1.6, max(ESCAPE_EPSILONS) * 1.6),
            xticks=[1e-3, 1e-2],
            legend_position="top_right",
            title=(f"2-D saddle: time to |x| = {radius} (Langevin)" if data else
                   "2-D saddle: theory (press the button)"))

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        live = not full and self.playback.playing
        with frozen_document(enabled=not live), pn.io.hold():
            self.charts["curves"].send(session.learning_curves(), live=live)
            spikes = session.stimulus_spikes()
            self._stimulus_drawn = spikes
            self.charts["raster"].send(spikes, live=live)
            if not (live and self.live_layers.write({"stimulus": self._stimulus(spikes)})):
                self.pipes["stimulus"].send(spikes)
            plane = session.plane()
            replot = full or plane["values"] is not self._plane_drawn
            if replot:
                self._plane_drawn = plane["values"]  # (made again when the paths outgrow it)
                self.pipes["plane"].send(plane)
            if full:
                self.pipes["clusters"].send(session.task)
                spectrum = session.curvature()
                self.pipes["spectrum"].send({"eigenvalues": spectrum.eigenvalues,
                                             "negative": spectrum.n_negative,
                                             "gradient": spectrum.gradient_norm})
            if replot or not (live and self.live_layers.write(
                    self._path_curves(plane["paths"]))):
                self.pipes["paths"].send(plane["paths"])
            self.playback.step = session.presented
            self.summary.value = self._summary_html()

    @drawn_by_the_document_owner
    def _redraw_clusters(self):
        with pn.io.hold():
            self.pipes["clusters"].send(self.session.task)
            self.pipes["stimulus"].send(self._stimulus_drawn)

    def measure_escape(self):
        """The 2-D chart (about a second): mean escape time against ε, 400 chains each."""
        self.escape_button.disabled = True
        try:
            result = theory.escape_times(ESCAPE_EPSILONS, radius=0.1, n_chains=400,
                                         t_max=15.0)
            self.pipes["escape"].send(result)
            cells = "".join(f"<td>{r['epsilon']:g}</td><td>{r['mean']:.2f}</td>"
                            f"<td>{r['predicted']:.2f}</td></tr><tr>" for r in result["rows"])
            self.escape_note.value = (
                "<table class='escape-times' style='font-size:0.85em'><tr><th>ε</th>"
                f"<th>measured</th><th>theory</th></tr><tr>{cells}</tr></table>")
        finally:
            self.escape_button.disabled = False

    def _summary_html(self) -> str:
        summary = self.session.summary()
        rows = []
        for mode in NOISE_MODES:
            v = summary[mode]
            train = "–" if np.isnan(v["train"]) else f"{v['train']:.0%}"
            rows.append(f"<tr><td style='color:{COLORS[mode]}'><b>{mode}</b></td>"
                        f"<td>{v['test']:.0%} ± {v['sd']:.0%}</td><td>{train}</td></tr>")
        s = self.session.settings
        return (f"<small>{s.runs} runs per learner, the same starts; chance "
                f"{summary['chance']:.0%}.</small><table style='font-size:0.9em'><tr><th></th>"
                "<th>test (± sd)</th><th>while learning</th></tr>" + "".join(rows)
                + "</table>")

    def main(self):
        intro = text_pane(
            "<p>A winner-take-all circuit learns to classify clustered 3-D stimuli by "
            "synaptic sampling (seed 003's Eq. 2), three ways from the same starts: "
            "<span style='color:#1f77b4'><b>no noise</b></span>, "
            "<span style='color:#2ca02c'><b>isotropic</b></span> noise and "
            "<span style='color:#d62728'><b>weight-dependent</b></span> noise "
            "(variance N α e<sup>w</sup>). "
            "The paper says noise helps escape saddles (≈ 20 % higher accuracy); what we "
            "measure is on the curves and in docs/saddles.md.</p>",
            sizing_mode="stretch_width")
        # FlexBoxes: side by side in a wide page, one under the other in a notebook's cell
        return pn.Column(
            intro, self.playback,
            pn.FlexBox(plot_pane(self.curves), pn.Column(plot_pane(self.clusters), self.turn)),
            pn.FlexBox(plot_pane(self.raster), plot_pane(self.spectrum)),
            pn.FlexBox(plot_pane(self.plane),
                       pn.Column(self.escape_button, plot_pane(self.escape), self.escape_note)),
            sizing_mode="stretch_width")
