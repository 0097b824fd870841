"""/plasticity's spiking tab: an evolution strategy searches a rule for a LIF neuron's
inhibitory synapses so that it fires at a target rate while its excitation triples (seed 002's
spiking level after Vogels et al. 2011; docs/plasticity.md)."""

import html

import holoviews as hv
import numpy as np
import panel as pn
from scipy.interpolate import RegularGridInterpolator

from ...page_models.plasticity.spiking import SPIKING_SETTINGS, SpikingSession
from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_row, text_pane
from .charts import loss_against_known
from .one_neuron import COLORS, LANDSCAPE_SIZE

KNOWN = "Vogels et al."
AXES = ("α_pre", "β_post")


class SpikingView(PlayedPage):
    """The meta-loss over (α_pre, β_post) with the ES moving on it and the mean-field family of
    solving rules, the loss over generations, the neuron's rate over the protocol, and the
    searched coefficients against Vogels et al.'s."""

    settings_names = tuple(SPIKING_SETTINGS)
    controls_title = "Spiking search"
    url_prefix = "spike."

    def __init__(self, sync_url=False, **settings):
        super().__init__(SpikingSession(**settings), "Speed (generations per frame)", 2)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in
                      ("landscape", "populations", "curves", "traces", "bars")}
        self.landscape = (hv.DynamicMap(self._landscape, streams=[self.pipes["landscape"]])
                          * hv.DynamicMap(self._populations,
                                          streams=[self.pipes["populations"]]))
        self.curves = hv.DynamicMap(self._curves, streams=[self.pipes["curves"]])
        self.rates = hv.DynamicMap(self._rates, streams=[self.pipes["traces"]])
        self.bars = hv.DynamicMap(self._bars, streams=[self.pipes["bars"]])
        self._landscape_drawn = None
        self.start(sync_url)

    def _size(self) -> dict:
        return {"width": self._px(LANDSCAPE_SIZE[0]), "height": self._px(LANDSCAPE_SIZE[1]),
                "title": "meta-loss over α_pre and β_post"}

    # -- plots ------------------------------------------------------------------------------
    def _landscape(self, data):
        if not data:
            data = {"x": np.linspace(-0.5, 0.1, 2), "y": np.linspace(-0.5, 3, 2),
                    "values": np.ones((2, 2)), "family": (np.zeros(2), np.zeros(2))}
        values = np.log10(np.maximum(data["values"], 1e-3))
        # each grid point is a simulation (289 of them): drawn bilinearly at 4 × the grid,
        # not as 17 × 17 blocks
        x, y = (np.linspace(v[0], v[-1], 4 * len(v) - 3) for v in (data["x"], data["y"]))
        fine = np.stack(np.meshgrid(y, x, indexing="ij"), axis=-1)
        values = RegularGridInterpolator((data["y"], data["x"]), values)(fine)
        image = hv.Image((x, y, values), list(AXES),
                         "log₁₀ meta-loss").opts(cmap="viridis", colorbar=True,
                                                 tools=["hover"])
        contours = hv.operation.contours(image, levels=12, overlaid=False).opts(
            cmap=["#ffffff"], alpha=0.45, line_width=0.8, show_legend=False)
        family = hv.Curve(np.column_stack(data["family"]), *AXES,
                          label="mean-field ρ* = ρ₀").opts(color="white", line_dash="dashed",
                                                          line_width=1.5)
        return hv.Overlay([layer.opts(**self._size()) for layer in
                           (image, contours, family)]).opts(framewise=True)

    def _populations(self, data):
        data = data or {"members": np.zeros((0, 2)), "path": np.zeros((1, 2)),
                        "mean": np.zeros(2)}
        members = hv.Points(data["members"], list(AXES), label="ES population").opts(
            color="#9ecae1", size=self._px(5), line_color=COLORS["ES"])
        path = hv.Curve(data["path"], *AXES, label="ES path").opts(color=COLORS["ES"],
                                                                  line_width=2)
        mean = hv.Points([data["mean"]], list(AXES), label="ES rule").opts(
            color=COLORS["ES"], size=self._px(13), line_color="white")
        legend = {"legend_position": "bottom", "legend_cols": 4}
        return hv.Overlay([path.opts(**self._size())]
                          + [layer.opts(**self._size(), **legend) for layer in (members, mean)])

    def _curves(self, data):
        data = data or {"generation": np.zeros(1), "loss": np.ones(1), "vogels": 1.0}
        return loss_against_known(dict(data, known=data["vogels"]), "ES rule", KNOWN,
                                  self._px)

    def _rates(self, data):
        if not data:
            data = {"time": np.array([0.25]), "rate": np.zeros((3, 1)), "target": 5.0,
                    "phases": [(0.0, 5.0)]}
        t = data["time"]
        # 1 s bins for the picture: a quarter-second bin holds one or two spikes
        width = max(int(round(1.0 / (t[0] or 1.0))), 1)
        n = len(t) // width * width or len(t)
        shown_t = t[:n].reshape(-1, width)[:, -1] if n >= width else t
        layers = []
        for row, name, color in ((0, "ES rule", COLORS["ES"]), (1, KNOWN, COLORS["Oja"])):
            rate = data["rate"][row]
            shown = rate[:n].reshape(-1, width).mean(axis=1) if n >= width else rate
            layers.append(hv.Curve((shown_t, shown), "time (s)", "output rate (Hz)",
                                   label=name).opts(color=color, line_width=2,
                                                    interpolation="steps-pre",
                                                    framewise=True))
        layers.append(hv.HLine(data["target"]).opts(color="black", line_dash="dotted"))
        top = 4.0 * data["target"]
        for start, level in data["phases"]:
            layers.append(hv.VLine(start).opts(color="#999999", line_width=1))
            layers.append(hv.Text(start + 0.3, top * 0.93, f"input {level:g} Hz",
                                  halign="left", fontsize=self._px(9)))
        return hv.Overlay(layers).opts(
            width=self._px(470), height=self._px(300), ylim=(0, top), framewise=True,
            xlim=(0, float(t[-1])), legend_position="right",
            title="the neuron's output rate")

    def _bars(self, data):
        data = data or {"terms": list(AXES), "found": np.zeros(2), "known": np.zeros(2)}
        rows = [(t, "ES", v) for t, v in zip(data["terms"], data["found"], strict=True)]
        rows += [(t, KNOWN, v) for t, v in zip(data["terms"], data["known"], strict=True)]
        top = max(1.2, float(np.abs(np.r_[data["found"], data["known"]]).max()) * 1.1)
        return hv.Bars(rows, ["coefficient", "rule"], "value").opts(
            color="rule", cmap=[COLORS["ES"], COLORS["Oja"]], width=self._px(400),
            height=self._px(300), ylim=(-top, top), multi_level=False, framewise=True,
            line_color=None, show_legend=False,
            title=f"coefficients (green: {KNOWN})")

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        with frozen_document(), pn.io.hold():
            landscape = session.landscape()
            if full or landscape["values"] is not self._landscape_drawn:
                self._landscape_drawn = landscape["values"]
                self.pipes["landscape"].send(landscape)
            self.pipes["populations"].send(session.populations())
            self.pipes["curves"].send(session.loss_curves())
            self.pipes["traces"].send(session.traces())
            self.pipes["bars"].send(session.coefficients())
            self.playback.step = session.generation
            self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        summary = self.session.summary()
        rows = []
        for name, color in (("ES", COLORS["ES"]), (KNOWN, COLORS["Oja"]),
                            ("static", "#555555")):
            v = summary[name]
            rates = " / ".join(f"{r:.1f}" for r in v["rates"])
            held = " / ".join(f"{r:.1f}" for r in v["held_out_rates"])
            predicted = "–" if np.isnan(v["predicted"]) else f"{v['predicted']:.1f}"
            rows.append(f"<tr><td style='color:{color}'><b>{html.escape(name)}</b></td>"
                        f"<td>{v['loss']:.3f}</td><td>{rates}</td><td>{held}</td>"
                        f"<td>{predicted}</td></tr>")
        return ("<table style='font-size:0.9em'><tr><th></th><th>loss</th>"
                "<th>rates (Hz)</th><th>held out</th><th>ρ*</th></tr>" + "".join(rows)
                + "</table><small>rates: the second half of each phase; ρ*: the mean-field "
                  "fixed point.</small>")

    def main(self):
        intro = text_pane(
            "<p>A leaky integrate-and-fire neuron gets 800 excitatory afferents whose rate "
            "steps from 5 to 10 to 15 Hz, and 50 inhibitory ones whose weights follow a rule: "
            "Δw = η(α<sub>pre</sub> + β<sub>pre</sub> x<sub>post</sub>) at a presynaptic "
            "spike, η(α<sub>post</sub> + β<sub>post</sub> x<sub>pre</sub>) at a "
            "postsynaptic one (x: exponential traces). The "
            "<span style='color:#1f77b4'><b>evolution strategy</b></span> starts from static "
            "synapses and scores how close the rate stays to the target ρ₀; "
            "<span style='color:#2ca02c'><b>Vogels et al. 2011</b></span>'s rule is one "
            "answer. Every rule on a plane of the four coefficients holds the rate at ρ₀ in "
            "the mean field (the dashed line); the measured valley bends away from it where "
            "post spikes follow gaps in the inhibition.</p>",
            sizing_mode="stretch_width")
        return pn.Column(
            intro, self.playback,
            plot_row(self.landscape, self.curves),
            plot_row(self.rates, self.bars),
            sizing_mode="stretch_width")
