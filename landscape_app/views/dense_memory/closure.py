"""The closure check in the page: type T(V) for two neurons, see whether an energy exists."""

import html

import holoviews as hv
import numpy as np
import panel as pn
from bokeh.palettes import Magma256

from ...page_models.dense_memory.closure import ClosureSession
from ..common import elements
from ..common.url import linked
from ..common.widgets import MessageBox, heading, param_widgets, plot_pane, text_pane

DEFAULT_STARTS = [(-0.6, 0.7), (0.5, 0.6), (0.7, -0.4), (-0.5, -0.6), (0.1, 0.05),
                  (-0.05, -0.15)]


class ClosureView(pn.viewable.Viewer):
    """Verdict, energy (or speed) picture, flow and trajectories for a typed 2 × 2 T(V)."""

    def __init__(self):
        super().__init__()
        self.session = ClosureSession()
        self.starts = list(DEFAULT_STARTS)
        self.widgets = param_widgets(self.session, ["preset", "t11", "t12", "t21", "t22",
                                                    "activation", "gain"])
        self.verdict = MessageBox()
        self.details = text_pane("")
        self.stream = hv.streams.Pipe(data=None)
        self.paths_pipe = hv.streams.Pipe(data=elements.flatten_paths(None))
        self.background = hv.DynamicMap(self._background, streams=[self.stream])
        self.contours = hv.DynamicMap(self._contours, streams=[self.stream])
        self.flow = hv.DynamicMap(self._flow, streams=[self.stream])
        self.paths = hv.DynamicMap(
            lambda data: hv.Curve((data["x"], data["y"]), "x", "y").opts(
                color="#e7298a", line_width=2.5), streams=[self.paths_pipe])
        self.tap = hv.streams.SingleTap(source=self.background, transient=True)
        self.tap.add_subscriber(self._on_tap)
        self.clear = pn.widgets.Button(label="Clear trajectories", color="light")
        self.clear.on_click(lambda e: self._set_starts([]))
        self.session.param.watch(lambda *e: self.refresh(),
                                 ["t11", "t12", "t21", "t22", "activation", "gain"])
        self.refresh()

    def refresh(self):
        s = self.session
        if s.error:
            self.verdict.show(f"Not a valid coupling: {s.error}", "danger")
            return
        r = s.result
        self.verdict.show(r.message, "info" if r.holds else "warning")
        t = s.coupling.sympy_matrix
        self.details.value = (
            f"T(V) = [[{html.escape(str(t[0, 0]))}, {html.escape(str(t[0, 1]))}], "
            f"[{html.escape(str(t[1, 0]))}, {html.escape(str(t[1, 1]))}]]. The check evaluates "
            f"C = (T<sub>kj,i</sub> − T<sub>ki,j</sub>)V<sub>k</sub> (the curl of T(V)V) at "
            f"{r.samples} random states. "
            + ("The picture is the energy E = −W + ΣG, W = ∫₀¹ λ xᵀT(λx)x dλ; trajectories "
               "run downhill." if r.holds else
               "No energy: the picture is the speed |X̂| of the flow; trajectories may circle."))
        self.stream.send(s.result)
        self._set_starts(self.starts)

    def _background(self, data):
        result = data
        xs, ys, values, label = self.session.grid(121)
        if result is not None and result.holds:
            image = elements.energy_image(xs, ys, values)
        else:
            image = hv.Image((xs, ys, values), kdims=["x", "y"], vdims=["speed |X̂|"],
                             group="Energy").opts(cmap=list(Magma256[:170]), colorbar=True,
                                                  clim=(0.0, float(np.nanmax(values))))
        return image.relabel("").opts(frame_width=440, frame_height=440, xlabel="V₁", ylabel="V₂",
                                      framewise=True, tools=["hover"],
                                      hooks=[elements.title_colorbar],
                                      **elements.padded_limits(self.session.window))

    def _contours(self, data):
        """Contour lines of the energy when it exists (none over the speed)."""
        xs, ys, values, label = self.session.grid(121)
        holds = data is not None and data.holds
        return elements.contour_lines(xs, ys, values, None if holds else [])

    def _flow(self, data):
        points, field = self.session.flow()
        return elements.gradient_field(points[:, 0], points[:, 1], field[:, 0],
                                       field[:, 1]).opts(color="white", alpha=0.75)

    def _set_starts(self, starts):
        self.starts = list(starts)[-12:]
        paths = []
        notes = []
        for start in self.starts:
            run = self.session.trajectory(start)
            paths.append(run.V)
            if run.diverged:
                notes.append(run.note)
        self.paths_pipe.send(elements.stack_paths(paths))
        if notes:
            self.verdict.show(notes[0], "warning")

    def _on_tap(self, x=None, y=None):
        if x is not None and y is not None and not self.session.error:
            self._set_starts([*self.starts, (float(x), float(y))])

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.session, self.widgets.parameters, "closure.")]

    def controls(self):
        return pn.Column(heading("Closure check"), self.widgets, self.clear, width=320)

    def main(self):
        return pn.Column(
            self.verdict, self.details,
            text_pane("Vector field X̂ = T(V)V − g⁻¹(V); u̇ = X̂, V = g(u). Click the plot to "
                      "start a trajectory."),
            plot_pane(self.background * self.contours * self.flow * self.paths),
            sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
