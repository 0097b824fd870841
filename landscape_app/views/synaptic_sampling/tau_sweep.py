"""/synaptic-sampling's sweep over τ_g: the fraction of networks that reach the reward level
and their median time to it, against the CaMKII filter's time constant, both ways the
comparison is made; run on Dask in the background (docs/synaptic_sampling.md, "Against τ_g")."""

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.synaptic_sampling.tau_sweep import TauSweepSettings
from ...synaptic_sampling.tau_sweep import FAIRS, TAU_GS, tau_g_sweep
from ..common.background import BackgroundJob
from ..common.widgets import MessageBox, heading, param_widgets, plot_pane, text_pane

COLORS = {"same gain": "#ff7f0e", "same c_g": "#d62728", "plain": "#1f77b4"}
XLIM = (0.7, 1500.0)


class TauSweepView(pn.viewable.Viewer):
    """A button that runs ``tau_g_sweep`` on the page's settings; two charts of the result."""

    def __init__(self, session, px=lambda size: size):
        super().__init__()
        self.session = session
        self._px = px  # the page's sizes (larger in lecture mode)
        self.settings = TauSweepSettings()
        self.widgets = param_widgets(
            self.settings, ["networks", "ticks"], default_layout=pn.Row,
            widgets={name: {"width": px(240)} for name in ("networks", "ticks")})
        self.run_button = pn.widgets.Button(label="Sweep τ_g", color="primary")
        self.run_button.on_click(lambda event: self.start())
        self.job = BackgroundJob(self.run_button)
        self.message = MessageBox()
        self.summary = text_pane("")
        self.result = None
        self.pipe = hv.streams.Pipe(data=None)
        self.reached_plot = hv.DynamicMap(self._reached, streams=[self.pipe])
        self.median_plot = hv.DynamicMap(self._median, streams=[self.pipe])
        # the charts are built with the first result: two empty figures were a tenth of the
        # page's Bokeh models, built by the browser before the page showed
        self.charts = pn.FlexBox(text_pane(
            "<p style='color:#555'>Press “Sweep τ_g” to draw, against τ_g, the fraction of "
            "networks that got there and their median time to the reward.</p>",
            sizing_mode="stretch_width"), sizing_mode="stretch_width")

    @property
    def running(self) -> bool:
        return self.job.running

    def start(self):
        try:
            model = self.settings.model(self.session.settings)
        except ValueError as error:
            self.message.show(f"The sweep cannot start: {error}", "danger")
            return
        ticks = int(self.settings.ticks)
        if self.job.start(lambda progress: tau_g_sweep(model, TAU_GS, ticks, progress=progress),
                          self._finish):
            self.message.show(f"Running {model.n_networks} networks at {len(TAU_GS)} values of "
                              f"τ_g, both ways, and plain sampling, {ticks:,} ticks each…",
                              "info")

    def _finish(self, sweep, error):
        if error is not None:
            self.message.show(f"The sweep failed: {error}", "danger")
            return
        self.result = sweep
        self.message.show(f"Done in {sweep.seconds:.1f} s on {sweep.engine}.", "info")
        self.pipe.send(sweep)
        if not isinstance(self.charts.objects[0], pn.pane.HoloViews):
            self.charts.objects = [plot_pane(self.reached_plot), plot_pane(self.median_plot)]
        self.summary.value = summary_html(sweep)

    # one overlay of a fixed structure, empty or not (legend items that come and go break
    # Bokeh's updates in the browser)
    def _lines(self, sweep, value, plain_value, ylabel):
        layers = []
        for fair in FAIRS:
            taus = sweep.tau_g if sweep is not None else np.array([np.nan])
            values = value(sweep, fair) if sweep is not None else np.array([np.nan])
            layers.append(hv.Curve((taus, values), "τ_g (ticks)", ylabel,
                                   label=f"CaMKII, {fair}").opts(color=COLORS[fair],
                                                                 line_width=2.5))
            layers.append(hv.Scatter((taus, values), "τ_g (ticks)", ylabel).opts(
                color=COLORS[fair], size=self._px(7)))
        level = plain_value(sweep) if sweep is not None else np.nan
        layers.append(hv.Curve((np.array(XLIM), np.array([level, level])), "τ_g (ticks)",
                               ylabel, label="plain (no filter)").opts(
            color=COLORS["plain"], line_dash="dashed", line_width=2))
        text = "" if sweep is not None else "Press “Sweep τ_g”"
        return layers, text

    def _reached(self, data):
        sweep = data
        layers, text = self._lines(sweep, lambda s, fair: s.reached[fair],
                                   lambda s: s.plain_reached, "reached")
        layers.append(hv.Text(30, 0.5, text, fontsize=self._px(12)).opts(color="#555555"))
        ticks = f"{sweep.n_ticks:,}" if sweep is not None else f"{self.settings.ticks:,}"
        return hv.Overlay(layers).opts(
            logx=True, xlim=XLIM, ylim=(-0.03, 1.05), width=self._px(480),
            height=self._px(260), legend_position="right",
            title=f"there by tick {ticks}")

    def _median(self, data):
        sweep = data

        def finite(values):
            return np.where(np.isfinite(values), values, np.nan)

        layers, text = self._lines(sweep, lambda s, fair: finite(s.quartiles[fair][:, 1]),
                                   lambda s: finite(s.plain_quartiles[1:2])[0],
                                   "median ticks to reward")
        top = float(sweep.n_ticks) if sweep is not None else 2e4
        layers.append(hv.Text(30, np.sqrt(top * 30), text, fontsize=self._px(12)).opts(
            color="#555555"))
        return hv.Overlay(layers).opts(
            logx=True, logy=True, xlim=XLIM, ylim=(30, 1.3 * top), width=self._px(370),
            height=self._px(260), show_legend=False, title="median ticks to reward")

    def __panel__(self):
        intro = text_pane(
            "<p>The page's networks (its gain, T, β, seed) at each τ_g, the filter run both "
            "ways: <b>same gain</b> (c_g = c/τ_g) and <b>same c_g</b> (a gain τ_g times "
            "larger); dashed: plain sampling. At τ_g = 1 tick the filter is g = G: plain "
            "sampling exactly, the same networks. A gap in the medians: fewer than half got "
            "there. Runs on Dask (a local cluster by default).</p>", sizing_mode="stretch_width")
        return pn.Column(
            heading("Against τ_g"), intro,
            # a FlexBox: the button goes under the sliders in a notebook's narrower cell
            pn.FlexBox(self.widgets, self.run_button, align_items="center"), self.job.status,
            self.message, self.summary,
            self.charts,
            sizing_mode="stretch_width")


def summary_html(sweep) -> str:
    """One line per way of comparing: where the filter stands against plain sampling at the
    largest τ_g swept."""
    k = len(sweep.tau_g) - 1
    tau = f"{sweep.tau_g[k]:g}"
    rows = [f"plain sampling: {sweep.plain_reached:.0%} of {sweep.n_networks} networks there"
            + _median_text(sweep.plain_quartiles[1])]
    for fair in FAIRS:
        speedup = sweep.median_speedup(fair)[k]
        rows.append(f"τ_g = {tau}, {fair}: {sweep.reached[fair][k]:.0%} there"
                    + _median_text(sweep.quartiles[fair][k, 1])
                    + (f", {speedup:.1f}× plain's median" if np.isfinite(speedup) else ""))
    return "<small>" + "<br>".join(rows) + "</small>"


def _median_text(median) -> str:
    return f", median {median:,.0f} ticks" if np.isfinite(median) else ", median not reached"
