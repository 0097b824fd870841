"""/stiff: where backpropagation breaks (seed 004; docs/stiff.md) — Adam on the exact gradient
and an evolution strategy fit a Morris–Lecar neuron's current to a voltage trace, racing from
the same start on a loss with many local minima."""

import html

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.stiff.neuron import NEURON_SETTINGS, WINDOW, NeuronRace
from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_row, text_pane

COLORS = {"gd": "#d62728", "es": "#1f77b4", "raw": "#555555", "target": "#111111"}
#: the voltage traces shown: their last stretch, where a wrong current is out of phase
SHOWN_MS = 500.0


class Stiff(PlayedPage):
    """The loss over I_app (raw and as the ES sees it, smoothed), both methods on it, their
    loss against the simulations run, the gradient's size, and the voltage traces."""

    settings_names = tuple(NEURON_SETTINGS)
    controls_title = "Race"

    def __init__(self, sync_url=False, **settings):
        super().__init__(NeuronRace(**settings), "Speed (steps per frame)", 1)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in
                      ("landscape", "positions", "race", "traces")}
        self.landscape = (hv.DynamicMap(self._landscape, streams=[self.pipes["landscape"]])
                          * hv.DynamicMap(self._positions, streams=[self.pipes["positions"]]))
        self.race_plot = hv.DynamicMap(self._race, streams=[self.pipes["race"]])
        self.gradient_plot = hv.DynamicMap(self._gradient, streams=[self.pipes["race"]])
        self.traces_plot = hv.DynamicMap(self._traces, streams=[self.pipes["traces"]])
        self._landscape_drawn = None
        self.start(sync_url)

    def _size(self, width=450, height=320, **extra) -> dict:
        return dict(width=self._px(width), height=self._px(height), **extra)

    # -- plots ------------------------------------------------------------------------------
    def _landscape(self, data):
        if not data:
            grid = np.linspace(*WINDOW, 3)
            data = {"current": grid, "raw": np.ones(3), "smoothed": np.ones(3),
                    "truth": 110.0}
        axes = ("I_app (µA/cm²)", "loss (mV²)")
        raw = hv.Curve((data["current"], data["raw"]), *axes, label="loss").opts(
            color=COLORS["raw"], line_width=1.5)
        smooth = hv.Curve((data["current"], data["smoothed"]), *axes,
                          label=f"smoothed at σ = {self.session.settings.sigma:g}").opts(
            color=COLORS["es"], line_dash="dashed", line_width=2)
        truth = hv.VLine(data["truth"]).opts(color="black", line_dash="dotted")
        size = self._size(title="the loss, and as the ES sees it",
                          xlim=WINDOW, ylim=(0, float(np.max(data["raw"])) * 1.08))
        return hv.Overlay([layer.opts(**size) for layer in (raw, smooth, truth)])

    def _positions(self, data):
        axes = ("I_app (µA/cm²)", "loss (mV²)")
        data = data or {"gd": (100.0, 0.0), "es": (100.0, 0.0),
                        "population": np.zeros((0, 2))}
        population = hv.Points(data["population"], list(axes), label="ES population").opts(
            color="#9ecae1", size=self._px(6), line_color=COLORS["es"])
        gd = hv.Points([data["gd"]], list(axes), label="gradient (Adam)").opts(
            color=COLORS["gd"], size=self._px(13), line_color="white")
        es = hv.Points([data["es"]], list(axes), label="ES mean").opts(
            color=COLORS["es"], size=self._px(13), line_color="white", marker="square")
        size = self._size(title="the loss, and as the ES sees it",
                          legend_position="bottom", legend_cols=2)
        return hv.Overlay([layer.opts(**size) for layer in (population, gd, es)])

    def _race(self, data):
        data = data or {"gd_evaluations": np.ones(1), "gd_loss": np.ones(1),
                        "es_evaluations": np.ones(1), "es_loss": np.ones(1)}
        axes = ("simulations run", "loss (mV²)")
        gd = hv.Curve((data["gd_evaluations"], data["gd_loss"]), *axes,
                      label="gradient (Adam)").opts(color=COLORS["gd"], line_width=2.5,
                                                    framewise=True)
        es = hv.Curve((data["es_evaluations"], data["es_loss"]), *axes, label="ES mean").opts(
            color=COLORS["es"], line_width=2.5, framewise=True)
        # the current step as points: at step 0 each curve is a single point
        now = [hv.Scatter((data[f"{k}_evaluations"][-1:], data[f"{k}_loss"][-1:]), *axes).opts(
            color=COLORS[k], size=self._px(7), framewise=True) for k in ("gd", "es")]
        values = np.r_[data["gd_loss"], data["es_loss"]]
        values = values[np.isfinite(values) & (values > 0)]
        low = float(values.min()) / 2 if values.size else 1e-3
        high = float(values.max()) * 2 if values.size else 10.0
        top = max(10.0, float(np.r_[data["gd_evaluations"], data["es_evaluations"]].max()))
        return (gd * es * now[0] * now[1]).redim.range(**{axes[0]: (0, top)}).opts(
            **self._size(380, 320), logy=True, framewise=True, ylim=(max(low, 1e-6), high),
            legend_position="top_right", title="loss per simulation run")

    def _gradient(self, data):
        data = data or {"step": np.zeros(1), "gradient": np.ones(1)}
        values = data["gradient"][np.isfinite(data["gradient"]) & (data["gradient"] > 0)]
        high = float(values.max()) * 2 if values.size else 10.0
        low = float(values.min()) / 2 if values.size else 1e-3
        curve = hv.Curve((data["step"], data["gradient"]), "step", "|dL/dI|").opts(
            color=COLORS["gd"], line_width=2, framewise=True)
        now = hv.Scatter((data["step"][-1:], data["gradient"][-1:]), "step", "|dL/dI|").opts(
            color=COLORS["gd"], size=self._px(7), framewise=True)
        return (curve * now).redim.range(step=(0, max(10, int(data["step"][-1])))).opts(
            **self._size(380, 320), logy=True, framewise=True, ylim=(max(low, 1e-8), high),
            title="the gradient's size |dL/dI|")

    def _traces(self, data):
        if not data:
            data = {"time": np.array([0.0, 1.0]), "target": np.zeros(2), "gd": np.zeros(2),
                    "es": np.zeros(2)}
        t = data["time"]
        shown = t >= t[-1] - SHOWN_MS
        axes = ("time (ms)", "V (mV)")
        layers = [hv.Curve((t[shown], data[key][shown]), *axes, label=label).opts(
            color=COLORS[color], line_width=width, line_dash=dash, framewise=True)
            for key, label, color, width, dash in (
                ("target", "target (I*)", "target", 3, "solid"),
                ("gd", "gradient", "gd", 1.5, "solid"),
                ("es", "ES", "es", 1.5, "dashed"))]
        return hv.Overlay(layers).opts(
            **self._size(450, 320), ylim=(-65, 45), framewise=True,
            legend_position="bottom", legend_cols=3,
            title=f"the voltage, last {SHOWN_MS:g} ms of the trace")

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        with frozen_document(), pn.io.hold():
            landscape = session.landscape()
            key = (id(landscape["raw"]), session.settings.sigma)
            if full or key != self._landscape_drawn:
                self._landscape_drawn = key
                self.pipes["landscape"].send(landscape)
            self.pipes["positions"].send(session.positions())
            self.pipes["race"].send(session.race())
            self.pipes["traces"].send(session.traces())
            self.playback.step = session.step
            self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        summary = self.session.summary()
        rows = []
        for key, name in (("gd", "gradient (Adam)"), ("es", "ES")):
            v = summary[key]
            rows.append(f"<tr><td style='color:{COLORS[key]}'><b>{html.escape(name)}</b></td>"
                        f"<td>{v['current']:.2f}</td><td>{v['error']:.2f}</td>"
                        f"<td>{v['loss']:.1f}</td><td>{v['simulations']}</td></tr>")
        return ("<table style='font-size:0.9em'><tr><th></th><th>I_app</th><th>|I − I*|</th>"
                "<th>loss</th><th>simulations</th></tr>" + "".join(rows) + "</table>")

    def main(self):
        intro = text_pane(
            "<p>A Morris–Lecar neuron spikes periodically; its current I_app sets the rate. "
            "Both methods fit I_app to a voltage trace made at I* = 110 from the same start. "
            "<span style='color:#d62728'><b>Adam on the exact gradient</b></span> "
            "(sensitivities of the simulation) follows the loss into the nearest minimum: a "
            "wrong current drifts the spikes out of phase, and every period of mismatch adds "
            "a minimum. The <span style='color:#1f77b4'><b>evolution strategy</b></span> "
            "uses forward simulations only and descends the loss smoothed at its σ (dashed), "
            "which steps over minima narrower than σ. A resting neuron (I &lt; 88) scores "
            "better than a mistimed one: the smoothed loss slopes that way too "
            "(docs/stiff.md).</p>", sizing_mode="stretch_width")
        return pn.Column(intro, self.playback,
                         plot_row(self.landscape, self.race_plot),
                         plot_row(self.traces_plot, self.gradient_plot),
                         sizing_mode="stretch_width")
