"""/stiff's network tab: the ES trains a recurrent network of Morris–Lecar neurons to count
input pulses and hold the count (seed 004's working-memory task; docs/stiff.md, "The network")."""

import html

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.stiff.network import NETWORK_SETTINGS, NetworkTraining
from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_pane, plot_row, text_pane
from .charts import COLORS

#: one colour per trial (0 … 3 pulses)
TRIAL_COLORS = ("#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")


class NetworkView(PlayedPage):
    """The readout of every trial against its count, the loss over generations against the
    one-bit references, and the network's synaptic activity on the last trial."""

    settings_names = tuple(NETWORK_SETTINGS)
    controls_title = "Network training"
    url_prefix = "net."
    widgets_in_order = True

    def __init__(self, sync_url=False, **settings):
        super().__init__(NetworkTraining(**settings), "Speed (generations per frame)", 1)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in
                      ("outputs", "curve", "activity", "gradient")}
        self.outputs_plot = hv.DynamicMap(self._outputs, streams=[self.pipes["outputs"]])
        self.curve_plot = hv.DynamicMap(self._curve, streams=[self.pipes["curve"]])
        self.activity_plot = hv.DynamicMap(self._activity, streams=[self.pipes["activity"]])
        self.gradient_plot = hv.DynamicMap(self._gradient, streams=[self.pipes["gradient"]])
        self.gradient_button = pn.widgets.Button(
            label="Gradient through this network (≈ 1.5 s)", color="primary", width=300)
        self.gradient_button.on_click(lambda event: self.take_gradient())
        self.gradient_note = text_pane(
            "<small>The exact gradient of the loss by forward sensitivities of all N² + 2N "
            "parameters, at the ES mean of the current generation.</small>")
        self.start(sync_url)

    # -- plots ------------------------------------------------------------------------------
    def _outputs(self, data):
        if not data:
            data = {"time": np.array([0.0, 700.0]), "y": np.zeros((4, 2)),
                    "targets": np.arange(4) / 3, "hold_from": 400.0,
                    "pulses": [100.0, 200.0, 300.0], "pulse_ms": 20.0}
        axes = ("time (ms)", "readout y")
        t = data["time"]
        layers = [hv.VSpan(start, start + data["pulse_ms"]).opts(color="#dddddd", alpha=0.6)
                  for start in data["pulses"]]
        for n, (y, target) in enumerate(zip(data["y"], data["targets"], strict=True)):
            color = TRIAL_COLORS[n % len(TRIAL_COLORS)]
            layers.append(hv.Curve((t, y), *axes, label=f"{n} pulse{'s' * (n != 1)}").opts(
                color=color, line_width=2, framewise=True))
            layers.append(hv.Curve(([data["hold_from"], t[-1]], [target, target]), *axes).opts(
                color=color, line_dash="dashed", line_width=1.5))
        return hv.Overlay(layers).opts(
            width=self._px(480), height=self._px(320), ylim=(-0.3, 1.3), xlim=(0, t[-1]),
            xlabel="time (ms)", ylabel="readout y",
            framewise=True, legend_position="top_left", legend_cols=2,
            title="readout per trial (dashed: the count to hold)")

    def _curve(self, data):
        if not data:
            data = {"generation": np.zeros(1), "loss": np.ones(1), "best": np.ones(1),
                    "one_bit": 0.05, "uncoupled": 0.1}
        axes = ("generation", "loss")
        g = data["generation"]
        loss = hv.Curve((g, data["loss"]), *axes, label="ES mean").opts(
            color=COLORS["es"], line_width=2.5, framewise=True)
        best = hv.Curve((g, data["best"]), *axes, label="best of the generation").opts(
            color="#9ecae1", line_width=1.5, framewise=True)
        span = [0, max(10, int(g[-1]))]
        ideal = hv.Curve((span, [data["one_bit"]] * 2), *axes, label="one bit, ideal").opts(
            color="black", line_dash="dashed", line_width=1)
        uncoupled = hv.Curve((span, [data["uncoupled"]] * 2), *axes, label="uncoupled").opts(
            color="#7f7f7f", line_dash="dotted", line_width=1.5)
        values = np.r_[data["loss"], data["best"], data["uncoupled"]]
        values = values[np.isfinite(values) & (values > 0)]
        low = min(float(values.min()) / 1.5 if values.size else 1e-3, data["one_bit"] / 1.5)
        high = float(values.max()) * 1.5 if values.size else 1.0
        return (loss * best * ideal * uncoupled).redim.range(
            generation=(0, max(10, int(g[-1])))).opts(
            width=self._px(380), height=self._px(320), logy=True, framewise=True,
            ylim=(low, high), legend_position="bottom_left", title="the task loss")

    def _activity(self, data):
        if not data:
            data = {"time": np.array([5.0, 700.0]), "s": np.zeros((2, 2))}
        t, s = data["time"], data["s"]
        n = s.shape[0]
        image = hv.Image((t, np.arange(n) + 1, s), ["time (ms)", "neuron"],
                         "synaptic gate s").opts(
            cmap="magma", clim=(0.0, 0.7), colorbar=True, width=self._px(560),
            height=self._px(220), framewise=True, yticks=list(range(1, n + 1)),
            title="each neuron's synaptic gate, last trial")
        return image

    def _gradient(self, data):
        axes = ("time (ms)", "‖∂s/∂θ‖")
        if not data:
            # the same four curves as a measured frame (a DynamicMap keeps its first layers)
            data = {"time": np.array([0.0, 700.0]), "sensitivity": np.full((4, 2), np.nan),
                    "generation": None}
        t, sens = data["time"], data["sensitivity"]
        curves = []
        for n, row in enumerate(sens):
            shown = np.where(row > 0, row, np.nan)
            curves.append(hv.Curve((t, shown), *axes, label=f"{n}").opts(
                color=TRIAL_COLORS[n % len(TRIAL_COLORS)], line_width=2, framewise=True))
        positive = sens[np.isfinite(sens) & (sens > 0)]
        low = max(float(positive.min()), float(positive.max()) * 1e-6) if positive.size else 1e-2
        high = float(positive.max()) * 2 if positive.size else 1e4
        return hv.Overlay(curves).opts(
            width=self._px(400), height=self._px(220), logy=True, framewise=True,
            ylim=(low, high), xlim=(0, float(t[-1])), legend_position="bottom_right",
            legend_cols=4, title="‖∂s(t)/∂θ‖ per trial: press the button →"
            if data["generation"] is None else
            f"‖∂s(t)/∂θ‖ per trial, generation {data['generation']}")

    def take_gradient(self):
        """Compute the gradient through the current mean network and show it."""
        self.gradient_button.disabled = True
        try:
            result = self.session.take_gradient()
            self.pipes["gradient"].send(result)
            self.gradient_note.value = self._gradient_html(result)
        except ValueError as error:
            self.gradient_note.value = f"<b>Not computed:</b> {html.escape(str(error))}"
        finally:
            self.gradient_button.disabled = False

    @staticmethod
    def _gradient_html(r) -> str:
        if np.any(r["diverged_at"] >= 0):
            steps = ", ".join(str(int(k)) for k in r["diverged_at"] if k >= 0)
            return (f"<b>The gradient blew up</b>: a tangent or the state left the finite range "
                    f"at step {steps}. The ES needs no gradient.")
        rows = "".join(f"<tr><td>{h:.0e}</td><td>{v:.3g}</td></tr>" for h, v in r["checks"])
        return ("<table style='font-size:0.85em'><tr><th>generation</th><th>loss</th>"
                "<th>|∇L|</th></tr>"
                f"<tr><td>{r['generation']}</td><td>{r['loss']:.4f}</td><td>{r['norm']:.3g}</td>"
                "</tr></table><table style='font-size:0.85em'><tr><th>step h along ∇L</th>"
                f"<th>(L(θ+h) − L(θ−h))/2h</th></tr>{rows}</table>"
                "<small>Equal to |∇L| only where the loss is smooth on the scale of h: the "
                "sensitivities grow with every spike, and a step that Adam would take (≈ 0.05 "
                "per parameter) already sees another loss.</small>")

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        with frozen_document(), pn.io.hold():
            self.pipes["outputs"].send(session.outputs())
            self.pipes["curve"].send(session.curve())
            self.pipes["activity"].send(session.activity())
            self.playback.step = session.generation
            self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        v = self.session.summary()
        return ("<table style='font-size:0.9em'><tr><th>generation</th><th>loss</th>"
                "<th>best</th><th>networks run</th></tr>"
                f"<tr><td>{v['generation']}</td><td>{v['loss']:.4f}</td><td>{v['best']:.4f}</td>"
                f"<td>{v['simulations']:,}</td></tr></table>"
                f"<small>one bit (ideal) {v['one_bit']:.4f}; the uncoupled bistable network "
                f"{v['uncoupled']:.4f}</small>")

    def main(self):
        intro = text_pane(
            "<p>Seed 004's task: a network of Morris–Lecar neurons gets 0 to 3 pulses "
            "(grey bands) and must hold the count afterwards — its readout y = Σ rᵢsᵢ + c "
            "(fitted by least squares) must sit at n/3 from 400 ms on. The "
            "<span style='color:#1f77b4'><b>evolution strategy</b></span> searches every "
            "bias, pulse gain and coupling with forward simulations only. Each neuron near "
            "I ≈ 90 is bistable, so a pulse can switch it on for good: an uncoupled network "
            "remembers one bit (did a pulse come?); counting needs neurons that switch on "
            "only with others already on. Measured in docs/stiff.md over 5 seeds. "
            f"{html.escape('(A generation runs 33 networks on 4 trials: about 0.1 s.)')}</p>",
            sizing_mode="stretch_width")
        gradient = pn.Column(self.gradient_button, self.gradient_note, width=self._px(330))
        return pn.Column(intro, self.playback, plot_row(self.outputs_plot, self.curve_plot),
                         self.activity_plot,
                         pn.FlexBox(plot_pane(self.gradient_plot), gradient,
                                    sizing_mode="stretch_width"),
                         sizing_mode="stretch_width")
