"""Two controlled neurons: the phase plane of T + ξ(t) as the controls act, the trajectory
colored by time, the controls over time and the outcome."""

import html

import holoviews as hv
import numpy as np
import panel as pn
from bokeh.palettes import Viridis256

from ...page_models.control.session import PRESETS, ControlSession
from ..common import elements
from ..common.playback import Playback, drawn_by_the_document_owner, frozen_document
from ..common.url import PLAYBACK_URL, linked
from ..common.widgets import MessageBox, heading, math_html, param_widgets, plot_pane, text_pane

CUSTOM = "(custom settings)"
OUTCOME_COLORS = {"recognized": "#2ca02c", "recorded": "#1f77b4", "cycle": "#ff7f0e",
                  "wandering": "#d62728"}
#: points per side of the background image (61 looked blocky on a projector)
GRID = 161


def badge(outcome: str) -> str:
    color = OUTCOME_COLORS.get(outcome, "#7f7f7f")
    return (f'<span class="outcome-badge" style="background:{color};color:white;'
            f'padding:3px 10px;border-radius:10px;font-weight:bold">{html.escape(outcome)}'
            f'</span>')


def plane_window(u: np.ndarray, margin: float = 0.25):
    """[−1.5, 1.5]², grown to hold the trajectory."""
    lo = np.minimum(u.min(axis=0) - margin, -1.5)
    hi = np.maximum(u.max(axis=0) + margin, 1.5)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


class ControlPlaneView(pn.viewable.Viewer):
    """The phase plane of two neurons under optimal control; click to set u(0)."""

    def __init__(self, session: ControlSession | None = None):
        super().__init__()
        self.session = session or ControlSession()
        self.model = self.session.model
        self.step = 0
        # one stream per figure: every stream update costs a HoloViews refresh
        self.plane_pipe = hv.streams.Pipe(data=None)
        self.controls_pipe = hv.streams.Pipe(data=None)
        self.plane = hv.DynamicMap(self._plane, streams=[self.plane_pipe])
        self.controls_plot = hv.DynamicMap(self._controls, streams=[self.controls_pipe])
        self.background = self.plane
        self.tap = hv.streams.SingleTap(source=self.background, transient=True)
        self.tap.add_subscriber(self._on_tap)
        self.badge = text_pane("")
        self.summary = text_pane("")
        self.note = MessageBox()
        self.playback = Playback(on_frame=self._advance, on_reset=lambda: self.show_step(0))
        self.playback.param.speed.label = "Speed (time steps per frame)"
        self.playback.speed = 1
        self.preset = pn.widgets.Select(label="The authors' cases",
                                        options=[*PRESETS, CUSTOM], value=list(PRESETS)[1])
        self.preset.param.watch(lambda e: self._preset(e.new), "value")
        self._showing_preset = False
        self.model_widgets = param_widgets(self.model, ["mu", "discount", "K", "k", "eps", "dt",
                                                        "horizon", "activation", "controls"])
        self.session_widgets = param_widgets(self.session, ["u1", "u2", "restarts", "seed"])
        self._holding = False
        watched = list(self.model_widgets.parameters)
        self.model.param.watch(lambda *e: self.resolve(), watched)
        self.session.param.watch(lambda *e: self.resolve(), list(self.session_widgets.parameters))
        self.resolve()

    # -- plot layers ------------------------------------------------------------------------------
    def _grid(self, window):
        x0, x1, y0, y1 = window
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        xx, yy = np.meshgrid(xs, ys)
        return xs, ys, np.column_stack([xx.ravel(), yy.ravel()])

    def _plane(self, data):
        # no legend: it covered the top-right corner, where the equilibrium (0.967, 0.967)
        # lies; the caption says what □ and ★ are
        if data is None:
            return (self._background(None) * self._field(None) * self._trajectory(None)
                    * self._marker(None)).opts(show_legend=False)
        return (self._background(data["background"]) * self._field(data["field"])
                * self._trajectory(data["trajectory"]) * self._marker(data["marker"])).opts(
            show_legend=False)

    def _background(self, data):
        if data is None:
            data = (np.array([-1.5, 1.5]), np.array([-1.5, 1.5]), np.zeros((2, 2)),
                    "E of the symmetric part")
        xs, ys, energy, label = data
        image = hv.Image((xs, ys, energy), kdims=["u₁", "u₂"], vdims=[label])
        finite = energy[np.isfinite(energy)]
        low, high = elements.color_limits(finite) if finite.size else (0.0, 1.0)
        return image.opts(cmap=list(Viridis256), clim=(low, high), colorbar=True, width=560,
                          height=500, framewise=True, tools=["hover"], title=label)

    def _field(self, data):
        if data is None:
            return elements.empty_field()
        pts, flow = data
        return elements.gradient_field(pts[:, 0], pts[:, 1], flow[:, 0], flow[:, 1]).opts(
            color="white", alpha=0.7)

    def _trajectory(self, data):
        if data is None:
            data = np.zeros((0, 3))
        path = hv.Path([data[:, :2]] if len(data) else [], kdims=["u₁", "u₂"]).opts(
            color="#dddddd", line_width=1.5)
        points = hv.Points(data, kdims=["u₁", "u₂"], vdims=["t"]).opts(
            color="t", cmap="plasma", size=7, line_color="black", colorbar=False,
            tools=["hover"])
        return path * points

    def _marker(self, data):
        now, start = (np.zeros((0, 2)), np.zeros((0, 2))) if data is None else data
        return (hv.Points(start, kdims=["u₁", "u₂"], label="u(0)").opts(
            marker="square", size=12, color="white", line_color="black")
            * hv.Points(now, kdims=["u₁", "u₂"], label="u(t)").opts(
                marker="star", size=20, color="#e7298a", line_color="black"))

    def _controls(self, data):
        if data is None:
            data = (np.zeros(0), {}, 0.0, 0.0)
        times, series, bound, now = data
        curves = [hv.Curve((times, values), "t", "ξ", label=name).opts(line_width=2)
                  for name, values in series.items()]
        limits = [hv.HLine(b).opts(color="grey", line_dash="dashed", line_width=1)
                  for b in (bound, -bound)]
        now = hv.VLine(now).opts(color="#e7298a")
        return hv.Overlay([*curves, *limits, now]).opts(
            width=560, height=220, framewise=True, legend_position="right",
            title="controls ξᵢⱼ(t) (dashed: ±K)")

    # -- reactions --------------------------------------------------------------------------------
    def _preset(self, name):
        if self._showing_preset or name not in PRESETS:
            return
        self._holding = True
        try:
            self.session.apply(name)
        finally:
            self._holding = False
        self.resolve()

    def _on_tap(self, x=None, y=None):
        if x is None or y is None:
            return
        self._holding = True
        try:
            self.session.param.update(u1=round(float(x), 3), u2=round(float(y), 3))
        finally:
            self._holding = False
        self.resolve()

    def resolve(self):
        """Solve from u(0) with the current settings and redraw."""
        if self._holding:
            return
        self.playback.pause()
        try:
            solution = self.session.solve()
        except (ValueError, FloatingPointError) as error:
            self.note.show(f"Could not solve: {error}", "danger")
            return
        self.note.clear()
        s = solution
        self.badge.value = badge(s.outcome)
        self.summary.value = math_html(
            f"{s.describe()} — {s.iterations} L-BFGS-B iterations, {s.seconds * 1000:.0f} ms")
        self.window = plane_window(s.u)
        self._show_preset()
        self.show_step(0)

    def _show_preset(self):
        """The selector names the authors' case the settings are, or "custom" once a setting
        was changed by hand (it kept saying "Record")."""
        self._showing_preset = True
        try:
            self.preset.value = self.session.matching_preset() or CUSTOM
        finally:
            self._showing_preset = False

    @drawn_by_the_document_owner
    def show_step(self, step: int):
        s = self.session.solution
        if s is None:
            return
        horizon = len(s.controls)
        self.step = max(0, min(step, horizon))
        xi = s.controls[min(self.step, horizon - 1)]
        xs, ys, pts = self._grid(self.window)
        energy = self.model.energy(pts, xi)
        label = "E of the symmetric part"
        if energy is None:  # the step activation has no energy: show the speed
            energy, label = np.linalg.norm(self.model.flow(pts, xi), axis=1), "speed |u̇|"
        step = GRID // 12
        arrows = pts.reshape(GRID, GRID, 2)[step // 2::step, step // 2::step].reshape(-1, 2)
        rows, cols = np.nonzero(s.bounds)
        series = {f"ξ{i + 1}{j + 1}": s.controls[:, i, j] for i, j in zip(rows, cols,
                                                                         strict=True)}
        bound = float(s.bounds.max()) if s.bounds.size else 0.0
        with frozen_document(), pn.io.hold():
            self.plane_pipe.send({
                "background": (xs, ys, energy.reshape(GRID, GRID), label),
                "field": (arrows, self.model.flow(arrows, xi)),
                "trajectory": np.column_stack([s.u, s.times]),
                "marker": (s.u[self.step:self.step + 1], s.u[:1])})
            self.controls_pipe.send((s.times[:-1], series, bound, float(s.times[self.step])))
            self.playback.step = self.step

    def _advance(self, n):
        s = self.session.solution
        target = self.step + n
        done = s is None or target >= len(s.controls)

        def draw():
            self.show_step(target)
            if done:
                self.playback.pause()
        return draw

    # -- layout -----------------------------------------------------------------------------------
    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.model, self.model_widgets.parameters),
                linked(self.session, self.session_widgets.parameters),
                linked(self.playback, PLAYBACK_URL, "plane.")]

    def controls(self):
        return pn.Column(heading("Controlled network"), self.preset, self.model_widgets,
                         self.session_widgets, width=320)

    def main(self):
        return pn.Column(
            pn.Row(self.badge, self.summary), self.note,
            text_pane("u<sub>k+1</sub> = u<sub>k</sub> + Δt[(A + ξ<sub>k</sub>) g(u<sub>k</sub>)"
                      " − u<sub>k</sub>], &nbsp; J = Σ<sub>k</sub> e<sup>−λkΔt</sup>[(1 − μ)"
                      "|u<sub>k+1</sub> − u<sub>k</sub>|²/Δt + μ|ξ<sub>k</sub>|²Δt]. "
                      "Background: the energy of the symmetric part of A + ξ(t) (the landscape "
                      "the controls reshape); arrows: the flow; dots: the trajectory (dark "
                      "early, bright late); □ u(0), ★ the state at t. Click to set u(0). Play "
                      "to watch the landscape change as the controls act."),
            self.playback, plot_pane(self.plane), plot_pane(self.controls_plot),
            sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())

    def stop(self):
        self.playback.stop()
