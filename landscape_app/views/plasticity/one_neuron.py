"""/plasticity's first tab: an evolution strategy and CMA-ES search the 27 coefficients of a
plasticity rule so that a linear neuron finds its inputs' first principal component — do they
find Oja's rule? (seed 002; docs/plasticity.md)."""

import html

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.plasticity.session import SETTINGS, PlasticitySession
from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_pane, plot_row, text_pane

COLORS = {"ES": "#1f77b4", "CMA-ES": "#ff7f0e", "Oja": "#2ca02c"}
#: the landscape's width and height (px): beside the loss curves within 1280 px
LANDSCAPE_SIZE = (470, 400)


def generations_shown(generations) -> tuple[float, int]:
    """The x range of a chart over generations: from 0 to at least 10, so a search that has
    just started is a point at the left, not a lone point at the centre of (−1, 1)."""
    return -0.5, max(10, int(generations[-1]))


class OneNeuronView(PlayedPage):
    """The meta-loss landscape with both populations, the loss over generations, the
    coefficients as bars, and the inner loop of the ES's current rule."""

    settings_names = tuple(SETTINGS)
    controls_title = "Search"

    def __init__(self, sync_url=False, **settings):
        super().__init__(PlasticitySession(**settings), "Speed (generations per frame)", 1)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in
                      ("landscape", "populations", "curves", "bars", "inner")}
        # the populations move each frame over a landscape drawn again only when it changes
        self.landscape = (hv.DynamicMap(self._landscape, streams=[self.pipes["landscape"]])
                          * hv.DynamicMap(self._populations,
                                          streams=[self.pipes["populations"]]))
        self.curves = hv.DynamicMap(self._curves, streams=[self.pipes["curves"]])
        self.bars = hv.DynamicMap(self._bars, streams=[self.pipes["bars"]])
        self.inner = hv.DynamicMap(self._inner, streams=[self.pipes["inner"]])
        self.alignment = hv.DynamicMap(self._alignment, streams=[self.pipes["inner"]])
        self._landscape_drawn = None
        self._landscape_title = ""
        self.start(sync_url)

    # -- plots ------------------------------------------------------------------------------
    def _axis_names(self):
        s = self.session.settings
        return f"A[{s.x_term}]", f"A[{s.y_term}]"

    def _landscape(self, data):
        x_name, y_name = self._axis_names()
        if not data:
            data = {"x": np.linspace(-2, 2, 2), "y": np.linspace(-2, 2, 2),
                    "values": np.ones((2, 2)), "ceiling": 10.0}
        values = np.log10(np.maximum(data["values"], 1e-4))
        image = hv.Image((data["x"], data["y"], values), [x_name, y_name],
                         "log₁₀ meta-loss").opts(cmap="viridis", colorbar=True,
                                                 tools=["hover"])
        # interpolated contours: smooth lines, not the grid's staircase
        contours = hv.operation.contours(image, levels=14, overlaid=False).opts(
            cmap=["#ffffff"], alpha=0.45, line_width=0.8, show_legend=False)
        layers = [image, contours]
        s = self.session.settings
        if {s.x_term, s.y_term} == {"xy", "y²w"}:
            # the valley of Oja-like rules: A_xy = −A_y²w (only the ratio is identified)
            reach = float(max(abs(data["x"]).max(), abs(data["y"]).max()))
            valley = hv.Curve([(0, 0), (reach, -reach)] if s.x_term == "xy"
                              else [(0, 0), (-reach, reach)], x_name, y_name).opts(
                color="white", line_dash="dashed", line_width=1.5)
            layers.append(valley)
        self._landscape_title = f"meta-loss over the coefficients of {s.x_term} and {s.y_term}"
        return hv.Overlay([layer.opts(width=self._px(LANDSCAPE_SIZE[0]),
                                      height=self._px(LANDSCAPE_SIZE[1]),
                                      title=self._landscape_title) for layer in layers]).opts(
            framewise=True)

    def _populations(self, data):
        x_name, y_name = self._axis_names()
        empty = np.zeros((0, 2))
        data = data or {"es": empty, "cma": empty, "es_mean": np.zeros(2),
                        "cma_best": np.zeros(2), "oja": np.array([1.0, -1.0])}
        es = hv.Points(data["es"], [x_name, y_name], label="ES population").opts(
            color="#9ecae1", size=self._px(5), line_color="#1f77b4")
        cma = hv.Points(data["cma"], [x_name, y_name], label="CMA-ES population").opts(
            color="#fdd0a2", size=self._px(5), line_color="#ff7f0e", marker="square")
        mean = hv.Points([data["es_mean"]], [x_name, y_name], label="ES rule").opts(
            color=COLORS["ES"], size=self._px(13), line_color="white")
        best = hv.Points([data["cma_best"]], [x_name, y_name], label="CMA-ES best").opts(
            color=COLORS["CMA-ES"], size=self._px(15), marker="star", line_color="black")
        oja = hv.Points([data["oja"]], [x_name, y_name], label="Oja").opts(
            color="white", size=self._px(16), marker="cross", line_color="black")
        # an overlay of live layers takes its title, size and legend from its last layer's
        # elements: every layer here repeats them
        size = {"width": self._px(LANDSCAPE_SIZE[0]), "height": self._px(LANDSCAPE_SIZE[1]),
                "title": self._landscape_title, "legend_position": "bottom",
                "legend_cols": 3}
        return hv.Overlay([layer.opts(**size) for layer in (es, cma, mean, best, oja)])

    def _curves(self, data):
        if not data:
            data = {"generation": np.zeros(1), "es": np.ones(1), "cma": np.ones(1),
                    "oja": 1.0}
        es = hv.Curve((data["generation"], data["es"]), "generation", "meta-loss",
                      label="ES rule").opts(color=COLORS["ES"], line_width=2.5, framewise=True)
        cma = hv.Curve((data["generation"], data["cma"]), "generation", "meta-loss",
                       label="CMA-ES best").opts(color=COLORS["CMA-ES"], line_width=2.5,
                                                 framewise=True)
        oja = hv.Curve((data["generation"][[0, -1]], [data["oja"]] * 2), "generation",
                       "meta-loss", label="Oja's rule").opts(color=COLORS["Oja"],
                                                             line_dash="dashed",
                                                             framewise=True)
        # the current generation as points: at generation 0 the curves are one point each
        now = hv.Scatter((data["generation"][-1:], data["es"][-1:]), "generation",
                         "meta-loss").opts(color=COLORS["ES"], size=self._px(7))
        now_cma = hv.Scatter((data["generation"][-1:], data["cma"][-1:]), "generation",
                             "meta-loss").opts(color=COLORS["CMA-ES"], size=self._px(7))
        top = max(float(np.nanmax(np.r_[data["es"], data["cma"]])), data["oja"]) * 2
        low = min(float(np.nanmin(np.r_[data["es"], data["cma"]])), data["oja"]) / 2
        return (es * cma * oja * now * now_cma).redim.range(
            generation=generations_shown(data["generation"])).opts(
            width=self._px(400), height=self._px(300), logy=True, framewise=True,
            ylim=(max(low, 1e-4), top), legend_position="top", legend_cols=3,
            title="meta-loss per generation")

    def _bars(self, data):
        terms = self.session.coefficients()["terms"] if not data else data["terms"]
        es = data["es"] if data else np.zeros(len(terms))
        cma = data["cma"] if data else np.zeros(len(terms))
        rows = [(t, "ES", v) for t, v in zip(terms, es, strict=True)]
        rows += [(t, "CMA-ES", v) for t, v in zip(terms, cma, strict=True)]
        top = max(1.2, float(np.abs(np.r_[es, cma]).max()) * 1.1)
        return hv.Bars(rows, ["term", "search"], "coefficient").opts(
            color="search", cmap=[COLORS["ES"], COLORS["CMA-ES"]],
            responsive=True, min_width=self._px(560),  # the page's width, or a notebook cell's
            height=self._px(260), ylim=(-top, top), xrotation=90, show_legend=False,
            multi_level=False, framewise=True, line_color=None,
            # short enough for a notebook's cell; the colours are the intro's
            title="the 27 coefficients (Oja: xy = +1, y²w = −1)")

    def _inner(self, data):
        if not data:
            data = {"inputs": np.zeros((0, 2)), "path": np.zeros((1, 2)), "diverged": -1}
        cloud = hv.Points(data["inputs"], ["PC1", "PC2"]).opts(
            color="#bbbbbb", size=self._px(3), alpha=0.6)
        reach = 1.3 * max(1.0, float(np.abs(data["inputs"]).max(initial=1.0)))
        axis = hv.Curve([(-reach, 0), (reach, 0)], "PC1", "PC2").opts(
            color=COLORS["Oja"], line_dash="dashed")
        path = hv.Path([data["path"]], ["PC1", "PC2"]).opts(color=COLORS["ES"], line_width=2)
        end = hv.Points(data["path"][-1:], ["PC1", "PC2"]).opts(
            color=COLORS["ES"], size=self._px(10), line_color="white")
        title = "inner loop: w(t) among the inputs"
        if data["diverged"] >= 0:
            title = f"the rule diverges at presentation {data['diverged']}"
        return (cloud * axis * path * end).opts(
            width=self._px(420), height=self._px(300), xlim=(-reach, reach),
            ylim=(-reach, reach), framewise=True, title=title)

    def _alignment(self, data):
        cos = data["cos"] if data else np.zeros(1)
        curve = hv.Curve((np.arange(len(cos)), cos), "presentation", "|cos(w, PC1)|").opts(
            color=COLORS["ES"], line_width=2)
        return (curve * hv.HLine(1.0).opts(color=COLORS["Oja"], line_dash="dashed")).opts(
            width=self._px(420), height=self._px(300), ylim=(0, 1.05), framewise=True,
            title="inner loop: w's alignment with PC1")

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        with frozen_document(), pn.io.hold():
            landscape = session.landscape()
            if full or landscape["values"] is not self._landscape_drawn \
                    or session.settings.space != "two terms":
                self._landscape_drawn = landscape["values"]
                self.pipes["landscape"].send(landscape)
            self.pipes["populations"].send(session.populations())
            self.pipes["curves"].send(session.loss_curves())
            self.pipes["bars"].send(session.coefficients())
            self.pipes["inner"].send(session.inner_loop())
            self.playback.step = session.generation
            self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        summary = self.session.summary()
        rows = []
        for name in ("ES", "CMA-ES", "Oja"):
            v = summary[name]
            ratio = "–" if np.isnan(v["ratio"]) else f"{v['ratio']:.2f}"
            loss = "diverged" if v["diverged"] else f"{v['loss']:.4f}"
            rows.append(f"<tr><td style='color:{COLORS[name]}'><b>{html.escape(name)}</b></td>"
                        f"<td>{loss}</td><td>{v['alignment']:.3f}</td>"
                        f"<td>{v['held_out']:.3f}</td><td>{ratio}</td></tr>")
        diverged = summary["diverged_members"]
        note = (f"<small>{diverged} of {summary['members']} ES members diverged this "
                "generation (scored the ceiling).</small>" if diverged else "")
        return ("<table style='font-size:0.9em'><tr><th></th><th>loss</th><th>|cos|</th>"
                "<th>held out</th><th>xy / −y²w</th></tr>" + "".join(rows) + "</table>"
                + note)

    def main(self):
        intro = text_pane(
            "<p>A rule Δw = η Σ A<sub>abc</sub> x<sup>a</sup> y<sup>b</sup> w<sup>c</sup> "
            "(a, b, c ∈ {0, 1, 2}: 27 coefficients) trains a linear neuron y = w·x; the "
            "meta-loss 1 − |cos(w, PC1)| + ν ln²‖w‖ + λ‖A‖₁ scores how well the neuron found "
            "its inputs' first principal component. An "
            "<span style='color:#1f77b4'><b>evolution strategy</b></span> and "
            "<span style='color:#ff7f0e'><b>CMA-ES</b></span> search the coefficients; "
            "<span style='color:#2ca02c'><b>Oja's rule</b></span> (xy − y²w) is the answer "
            "the thesis rediscovers. What holds and what does not: docs/plasticity.md.</p>",
            sizing_mode="stretch_width")
        return pn.Column(
            intro, self.playback,
            plot_row(self.landscape, self.curves),
            plot_pane(self.bars),
            plot_row(self.inner, self.alignment),
            sizing_mode="stretch_width")
