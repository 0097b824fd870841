"""/plasticity's network tab: an evolution strategy searches a feed-forward rule A and a
lateral rule B so that M outputs span their inputs' top M principal components (seed 002's
network level; docs/plasticity.md)."""

import html

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.plasticity.network import NETWORK_SETTINGS, NetworkSession
from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_row, text_pane
from .charts import loss_against_known
from .one_neuron import COLORS, generations_shown

KNOWN = "Oja + anti-Hebb"


class NetworkView(PlayedPage):
    """The meta-loss and the subspace alignment over generations, the searched coefficients
    against Rubner & Tavan's pair, and which principal component each output found."""

    settings_names = tuple(NETWORK_SETTINGS)
    controls_title = "Network search"
    url_prefix = "net."

    def __init__(self, sync_url=False, **settings):
        super().__init__(NetworkSession(**settings), "Speed (generations per frame)", 2)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in ("curves", "bars", "cos")}
        self.loss_plot = hv.DynamicMap(self._loss, streams=[self.pipes["curves"]])
        self.alignment_plot = hv.DynamicMap(self._alignment, streams=[self.pipes["curves"]])
        self.bars = hv.DynamicMap(self._bars, streams=[self.pipes["bars"]])
        self.cos = hv.DynamicMap(self._cos, streams=[self.pipes["cos"]])
        self.start(sync_url)

    # -- plots ------------------------------------------------------------------------------
    def _loss(self, data):
        data = data or {"generation": np.zeros(1), "loss": np.ones(1), "known_loss": 1.0}
        return loss_against_known(dict(data, known=data["known_loss"]), "ES pair", KNOWN,
                                  self._px, width=420)

    def _alignment(self, data):
        data = data or {"generation": np.zeros(1), "alignment": np.zeros(1),
                        "known_alignment": 1.0}
        g = data["generation"]
        es = hv.Curve((g, data["alignment"]), "generation", "subspace alignment",
                      label="ES pair").opts(color=COLORS["ES"], line_width=2.5,
                                            framewise=True)
        known = hv.Curve((g[[0, -1]], [data["known_alignment"]] * 2), "generation",
                         "subspace alignment", label=KNOWN).opts(
            color=COLORS["Oja"], line_dash="dashed", framewise=True)
        now = hv.Scatter((g[-1:], data["alignment"][-1:]), "generation",
                         "subspace alignment").opts(color=COLORS["ES"], size=self._px(7),
                                                    framewise=True)
        return (es * known * now).redim.range(
            generation=generations_shown(g)).opts(
            width=self._px(420), height=self._px(300), ylim=(0, 1.05), framewise=True,
            legend_position="bottom_right",
            title="span of the outputs vs the top M PCs")

    def _bars(self, data):
        data = data or {"terms": ["A[xy]"], "found": np.zeros(1), "known": np.zeros(1)}
        rows = [(t, "ES", v) for t, v in zip(data["terms"], data["found"], strict=True)]
        rows += [(t, KNOWN, v) for t, v in zip(data["terms"], data["known"], strict=True)]
        top = max(1.2, float(np.abs(np.r_[data["found"], data["known"]]).max()) * 1.1)
        return hv.Bars(rows, ["coefficient", "pair"], "value").opts(
            color="pair", cmap=[COLORS["ES"], COLORS["Oja"]], width=self._px(420),
            height=self._px(300), ylim=(-top, top),
            multi_level=False, framewise=True, line_color=None, show_legend=False,
            xrotation=45 if len(data["terms"]) > 6 else 0,
            title="coefficients (green: the known pair)")

    def _cos(self, data):
        data = data or {"cos": np.zeros((2, 5)), "diverged": -1}
        cos = data["cos"]
        m, n = cos.shape
        rows = [(f"PC{k + 1}", f"output {j + 1}", float(cos[j, k]))
                for j in range(m) for k in range(n)]
        heat = hv.HeatMap(rows, ["component", "output"], "|cos|").opts(
            cmap="Blues", clim=(0, 1), colorbar=True, tools=["hover"],
            invert_yaxis=True)
        labels = hv.Labels([(c, o, f"{v:.2f}") for c, o, v in rows],
                           ["component", "output"], "text").opts(
            text_font_size=f"{self._px(10)}pt", text_color="black")
        title = "|cos(output weights, PC)|"
        if data["diverged"] >= 0:
            title = f"the pair diverges at presentation {data['diverged']}"
        return (heat * labels).opts(width=self._px(420), height=self._px(300),
                                    framewise=True, title=title)

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        with frozen_document(), pn.io.hold():
            self.pipes["curves"].send(session.loss_curves())
            self.pipes["bars"].send(session.coefficients())
            self.pipes["cos"].send(session.components())
            self.playback.step = session.generation
            self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        summary = self.session.summary()
        rows = []
        for name, color in (("ES", COLORS["ES"]), (KNOWN, COLORS["Oja"])):
            v = summary[name]
            loss = "diverged" if v["diverged"] else f"{v['loss']:.4f}"
            rows.append(f"<tr><td style='color:{color}'><b>{html.escape(name)}</b></td>"
                        f"<td>{loss}</td><td>{v['alignment']:.3f}</td>"
                        f"<td>{v['held_out']:.3f}</td></tr>")
        diverged = summary["diverged_members"]
        note = (f"<small>{diverged} of {summary['members']} ES members diverged this "
                "generation (scored the ceiling).</small>" if diverged else "")
        return ("<table style='font-size:0.9em'><tr><th></th><th>loss</th><th>span</th>"
                "<th>held out</th></tr>" + "".join(rows) + "</table>" + note)

    def main(self):
        intro = text_pane(
            "<p>M outputs y<sub>j</sub> = w<sub>j</sub>·x + Σ<sub>k&lt;j</sub> "
            "l<sub>jk</sub> y<sub>k</sub>: a rule A trains the feed-forward weights w, a rule "
            "B in y<sub>k</sub>, y<sub>j</sub> and l the lateral weights l. The "
            "<span style='color:#1f77b4'><b>evolution strategy</b></span> starts from zero "
            "rules and scores how well the outputs span the top M principal components. "
            "<span style='color:#2ca02c'><b>Oja + anti-Hebb</b></span> (A = xy − y²w, "
            "B = −y<sub>k</sub>y<sub>j</sub>) is Rubner &amp; Tavan's answer. The span can be "
            "right while each output mixes components: the heat map shows which.</p>",
            sizing_mode="stretch_width")
        return pn.Column(
            intro, self.playback,
            plot_row(self.loss_plot, self.alignment_plot),
            plot_row(self.bars, self.cos),
            sizing_mode="stretch_width")
