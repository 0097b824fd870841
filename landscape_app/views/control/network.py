"""N controlled neurons: the state over time, and ξ_∞ as a matrix with silent synapses marked."""

import html

import holoviews as hv
import numpy as np
import panel as pn
from bokeh.palettes import RdBu11

from ...page_models.control.session import NetworkSession
from ..common.background import BackgroundJob
from ..common.url import linked
from ..common.widgets import MessageBox, heading, param_widgets, plot_pane, text_pane
from .plane import badge


def placeholder(data, xs, ys, text):
    """Before the first solve, a line in the middle of an empty plot saying what comes."""
    x = 0.5 * (float(xs[0]) + float(xs[-1]))
    y = 0.5 * (float(ys[0]) + float(ys[-1]))
    return hv.Text(x, y, "" if data is not None else text, fontsize=12).opts(
        color="#333333")


class NetworkView(pn.viewable.Viewer):
    def __init__(self):
        super().__init__()
        self.session = NetworkSession()
        self.model = self.session.model
        self.network_widgets = param_widgets(self.session, ["n_neurons", "density",
                                                            "coupling_seed"])
        self.model_widgets = param_widgets(self.model, ["K", "k", "mu", "discount", "eps", "dt",
                                                        "horizon", "controls"])
        self.button = pn.widgets.Button(label="Solve", color="primary")
        self.button.on_click(lambda e: self.run())
        self.job = BackgroundJob(self.button)
        self.states_pipe = hv.streams.Pipe(data=None)
        self.matrix_pipe = hv.streams.Pipe(data=None)
        self.states = hv.DynamicMap(self._states, streams=[self.states_pipe])
        self.matrix = hv.DynamicMap(self._matrix, streams=[self.matrix_pipe])
        self.badge = text_pane("")
        self.summary = text_pane("Press Solve: N = 20 with 100 steps takes about a second.")
        self.note = MessageBox()

    def _states(self, data):
        u = np.zeros((2, 3)) if data is None else data
        times = np.arange(u.shape[0]) * self.model.dt
        neurons = np.arange(u.shape[1])
        image = hv.Image((times, neurons, u.T), kdims=["t", "neuron"], vdims=["u"]).opts(
            cmap=list(reversed(RdBu11)), colorbar=True, width=560, height=300,
            framewise=True, title="state u(t) of every neuron", symmetric=True)
        return image * placeholder(data, times, neurons, "Press Solve: every neuron's state "
                                                         "over time")

    def _matrix(self, data):
        if data is None:
            xi, A, bound = np.zeros((3, 3)), np.ones((3, 3)), 0.5
        else:
            xi, A, bound = data
        n = len(xi)
        image = hv.Image((np.arange(n), np.arange(n), xi), kdims=["j (from)", "i (to)"],
                         vdims=["ξ_∞"]).opts(
            cmap=list(reversed(RdBu11)), clim=(-bound, bound), colorbar=True, width=420,
            height=380, invert_yaxis=True, framewise=True,
            title="ξ∞, the controls that stay (✕ silent synapses)")
        silent = np.argwhere((A == 0) & ~np.eye(n, dtype=bool))
        marks = hv.Points(silent[:, ::-1].astype(float), ["j (from)", "i (to)"]).opts(
            marker="x", color="#444444", size=5, alpha=0.5)
        return image * marks * placeholder(data, np.arange(n), np.arange(n),
                                           "Press Solve: the controls\nthat stay, ξ∞")

    def run(self):
        session = self.session

        def work(progress):
            return session.solve()

        def done(solution, error):
            if error is not None:
                self.note.show(f"Could not solve: {error}", "danger")
                return
            self.note.clear()
            self.badge.value = badge(solution.outcome)
            per_step = int((solution.bounds > 0).sum())
            self.summary.value = html.escape(
                f"{solution.describe()} — {solution.iterations} iterations, "
                f"{solution.seconds:.2f} s, {per_step * len(solution.controls):,} controls "
                f"({per_step} per step)")
            bound = max(float(solution.bounds.max()), 1e-3)
            self.states_pipe.send(solution.u)
            self.matrix_pipe.send((solution.xi_inf, self.model.A, bound))
        self.job.start(work, done)

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.session, self.network_widgets.parameters, "network."),
                linked(self.model, self.model_widgets.parameters, "network.")]

    def controls(self):
        return pn.Column(heading("N neurons"), self.network_widgets, self.model_widgets,
                         self.button, self.job.status, width=320)

    def main(self):
        return pn.Column(pn.Row(self.badge, self.summary), self.note,
                         plot_pane(self.states), plot_pane(self.matrix),
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
