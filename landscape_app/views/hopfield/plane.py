"""The energy of the recall network on the plane through two patterns, with the recall path."""

import holoviews as hv
import numpy as np
import panel as pn

from ...hopfield.plane import energy_plane
from ...page_models.hopfield.plane import PlaneSettings
from ...page_models.hopfield.recall import RecallSession
from ..common import elements
from ..common.url import linked
from ..common.widgets import heading, param_widgets, plot_pane, text_pane


class EnergyPlaneView(pn.viewable.Viewer):
    """E(a ξ¹ + b ξ²) for the network of the recall view, and its recall path on that plane."""

    def __init__(self, session: RecallSession):
        super().__init__()
        self.session = session
        self.settings = PlaneSettings()
        self.stream = hv.streams.Pipe(data=None)
        self.plot = hv.DynamicMap(self._plot, streams=[self.stream])
        self.caption = text_pane("")
        self.widgets = param_widgets(self.settings, ["through", "first", "second", "gain"])
        self.refresh_button = pn.widgets.Button(label="Show the latest recall", color="primary")
        self.refresh_button.on_click(lambda e: self.refresh())
        self.settings.param.watch(lambda *e: self.refresh(), ["through", "first", "second",
                                                               "gain"])
        self.refresh()

    def _basis(self):
        s, p = self.session, self.settings
        n = s.network.n_patterns
        first = min(p.first, n - 1)
        if p.through == "cue and pattern":
            return s.cue, s.patterns[first], "cue", f"ξ{first}"
        second = min(p.second, n - 1)
        if second == first:
            second = (first + 1) % max(n, 1)
        return s.patterns[first], s.patterns[second], f"ξ{first}", f"ξ{second}"

    def refresh(self):
        s = self.session
        u, v, name_u, name_v = self._basis()
        plane = energy_plane(s.network.weights, u, v, threshold=s.network.threshold,
                             gain=self.settings.gain, resolution=241)
        path = plane.project(np.array(s.state_history))
        self.stream.send((plane, path, name_u, name_v))
        self.caption.value = (
            f"E on the plane V = a·{name_u} + b·{name_v} (|a| + |b| ≤ 1), continuous energy with "
            f"gain β = {self.settings.gain:g}; the line is the latest recall "
            f"({len(path) - 1} steps) projected onto the plane, from ○ to ●.")

    def _plot(self, data):
        plane, path, name_u, name_v = data
        image = elements.energy_image(plane.a, plane.b, plane.energy).opts(
            frame_width=440, frame_height=440, xlabel=f"a (along {name_u})",
            ylabel=f"b (along {name_v})",
            framewise=True, clipping_colors={"NaN": "#ffffff", "max": "#fde725"})
        corners = hv.Labels({"x": [1, 0, -1, 0], "y": [0, 1, 0, -1],
                             "text": [name_u, name_v, "−" + name_u, "−" + name_v]},
                            ["x", "y"], "text").opts(text_color="black", text_font_size="11pt",
                                                     yoffset=0.06)
        line = hv.Curve((path[:, 0], path[:, 1]), "a", "b").opts(color="#d62728",
                                                                  line_width=2)
        start = hv.Points([tuple(path[0])], ["a", "b"]).opts(color="white", size=10,
                                                             line_color="black")
        end = hv.Points([tuple(path[-1])], ["a", "b"]).opts(color="#d62728", size=10,
                                                            line_color="black")
        contours = elements.contour_lines(plane.a, plane.b, plane.energy)
        return (image * contours * elements.diamond_edge() * line * start * end
                * corners).opts(**elements.DIAMOND_LIMITS)

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.settings, self.widgets.parameters, "plane.")]

    def controls(self):
        return pn.Column(heading("Energy plane"), self.widgets, self.refresh_button, width=320)

    def main(self):
        return pn.Column(self.caption, plot_pane(self.plot), sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
