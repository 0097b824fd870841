"""/synaptic-sampling: reward-based synaptic sampling with and without CaMKII momentum, many
networks at once on the two-pathway task (docs/synaptic_sampling.md)."""

import html
import math
from functools import partial

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.synaptic_sampling.session import POPULATIONS, SETTINGS, SynapticSamplingSession
from ...synaptic_sampling import theory
from ..common.live_chart import LiveChart, LiveLayers
from ..common.playback import drawn_by_the_document_owner, frozen_document
from ..common.played_page import PlayedPage
from ..common.widgets import plot_pane, text_pane
from .tau_sweep import TauSweepView

COLORS = {"plain": "#1f77b4", "CaMKII": "#d62728"}
#: the close-up's plots: curves ((key, label, colour)), their axis, title, level lines
CLOSE_UP = {
    "theta": ([("theta_a", "θ_A", "#2ca02c"), ("theta_b", "θ_B", "#9467bd")], "θ",
              "one CaMKII network: θ (≤ 0 retracted)", (0.0,)),
    "weights": ([("w_a", "w_A", "#2ca02c"), ("w_b", "w_B", "#9467bd")], "w",
                "its weights w", ()),
    "traces": ([("g_a", "g_A", "#2ca02c"), ("g_b", "g_B", "#9467bd"),
                ("e_a", "e_A", "#98df8a"), ("e_b", "e_B", "#c5b0d5")], "trace",
               "its CaMKII trace g, eligibility e", ()),
    "spikes": None,
}
GRID = 161


class SynapticSampling(PlayedPage):
    """The reward landscape with both populations moving on it, their reward over time, the
    times to reward, and one network up close."""

    settings_names = tuple(SETTINGS)
    controls_title = "Networks"

    def __init__(self, sync_url=False, **settings):
        super().__init__(SynapticSamplingSession(**settings), "Speed (ticks per frame)", 100)
        self.pipes = {name: hv.streams.Pipe(data=None) for name in ("background", "positions")}
        self.live_points = LiveLayers()
        self._background_key = None
        self.background = hv.DynamicMap(self._background, streams=[self.pipes["background"]])
        self.landscape = self.background * hv.DynamicMap(self._positions,
                                                         streams=[self.pipes["positions"]])
        # written straight into their data sources while playing (``LiveChart``)
        self.charts = {"bands": LiveChart(self._bands), "times": LiveChart(self._times)}
        self.charts.update({name: LiveChart(partial(self._close_up_panel, name))
                            for name in CLOSE_UP})
        self.rewards = self.charts["bands"].dmap
        self.histogram = self.charts["times"].dmap
        self.tau_sweep = TauSweepView(self.session, px=self._px)
        self.start(sync_url)

    # -- plots ------------------------------------------------------------------------------
    def _background(self, data):
        model = self.session.populations["plain"]
        lo = model.theta_min
        temperature = model.temperature if data is None else data
        if temperature > 0:
            axis, values = theory.log_target(model, GRID, temperature=temperature)
            values = values - values.max()
            label, clim = "log p*", (max(float(values.min()), -40.0), 0.0)
            title = f"target log p* at T = {temperature:.2g}, and the networks"
        else:  # T = 0: no density, the reward itself
            axis, values = theory.reward_grid(model, GRID)
            label, clim = "R", (0.0, 1.0)
            title = "reward R(θ) (T = 0), and the networks"
        image = hv.Image((axis, axis, values.T), ["θ_A", "θ_B"], label).opts(
            cmap="viridis", clim=clim, colorbar=True, width=self._px(480), height=self._px(450),
            tools=["hover", "save"], toolbar="right", title=title)
        contours = hv.operation.contours(image, levels=10, overlaid=False).opts(
            cmap=["#ffffff"], line_width=0.8, alpha=0.5, show_legend=False)
        retracted = (hv.VSpan(lo, 0.0) * hv.HSpan(lo, 0.0)).opts(
            hv.opts.VSpan(color="#888888", alpha=0.18), hv.opts.HSpan(color="#888888",
                                                                       alpha=0.18))
        found = theory.modes(model) if model.temperature > 0 else []
        names = ["global", "second", "third"]
        marks = hv.Points([(m["theta"][0], m["theta"][1], names[i] if i < 3 else "")
                           for i, m in enumerate(found[:3])], ["θ_A", "θ_B"], "mode").opts(
            marker="star", size=16, color="#ffd700", line_color="black")
        return image * contours * retracted * marks

    def _positions(self, data):
        return hv.Overlay([self._points(name, data) for name in POPULATIONS]).opts(
            legend_position="bottom_right")

    def _points(self, name, data):
        points = data[name] if data else np.empty((0, 2))
        # plain as rings over CaMKII's dots: both start from the same θ(0) (one seed)
        style = (dict(fill_alpha=0.0, size=self._px(7), line_width=1.2)
                 if name == "plain" else dict(size=self._px(4), alpha=0.8, line_width=0))
        return hv.Points(points, ["θ_A", "θ_B"], label=name).opts(
            color=COLORS[name], hooks=[self.live_points.hook(name)], **style)

    def _bands(self, data):
        layers = []
        for name in POPULATIONS:
            band = data[name] if data else np.zeros((1, 4))
            layers.append(hv.Area((band[:, 0], band[:, 1], band[:, 3]), "tick",
                                  ["R", "R_hi"]).opts(color=COLORS[name], alpha=0.2,
                                                      framewise=True))
            layers.append(hv.Curve((band[:, 0], band[:, 2]), "tick", "R",
                                   label=f"{name} (median)").opts(color=COLORS[name],
                                                                  line_width=2.5,
                                                                  framewise=True))
        level = self.session.settings.reward_level * self.session.populations[
            "plain"]._task.best_reward()
        layers.append(hv.HLine(level).opts(color="black", line_dash="dashed", line_width=1))
        return hv.Overlay(layers).opts(
            width=self._px(390), height=self._px(225), ylim=(0, 1.02), show_legend=False,
            title="reward R(θ): median, quartiles")

    def _times(self, data):
        layers = []
        top = max([1.0] + [float(v.max()) for v in (data or {}).values() if len(v)])
        edges = np.linspace(0, top, 31)
        for name in POPULATIONS:
            values = data[name] if data else np.empty(0)
            counts, _ = np.histogram(values, bins=edges)
            layers.append(hv.Histogram((edges, counts), kdims=["ticks to reward"],
                                       vdims=["networks"], label=name).opts(
                color=COLORS[name], alpha=0.5, line_color=None, framewise=True))
        return hv.Overlay(layers).opts(width=self._px(390), height=self._px(225), show_legend=False,
                                       title="time to the reward level (dashed)")

    def _close_up_panel(self, name, data):
        """One of the close-up's four plots (``CLOSE_UP``) of the CaMKII network 0."""
        tick = np.array(data["tick"]) if data else np.zeros(1)
        xlim = (float(tick[0]), float(max(tick[-1], tick[0] + 1)))
        size = dict(width=self._px(420), height=self._px(190))
        if name == "spikes":
            raster = (np.array(data["raster"]) if data and len(data["raster"])
                      else np.zeros((0, 2)))
            last = float(raster[-1, 0]) if len(raster) else 1.0
            return hv.Scatter(raster, "tick", "output").opts(
                marker="dash", angle=90, size=10, color="black", framewise=True,
                xlim=(max(0.0, last - 400), max(last, 1.0)), ylim=(-0.5, 1.5),
                xticks=5, yticks=[(0, "0 (paid)"), (1, "1")],
                title="its output spikes (last 400 ticks)", **size)
        keys, dim, title, extra = CLOSE_UP[name]
        curves, values = [], []
        for key, label, color in keys:
            v = np.array(data[key]) if data else np.zeros(1)
            values.append(v)
            curves.append(hv.Curve((tick, v), "tick", dim, label=label).opts(
                color=color, line_width=2))
        # limits from the data, set each frame (a plot's ranges do not follow by themselves)
        stacked = np.concatenate(values + [np.asarray(extra, dtype=float)])
        lo, hi = float(stacked.min()), float(stacked.max())
        pad = 0.08 * (hi - lo) if hi > lo else 0.5
        overlay = hv.Overlay(curves + [hv.HLine(v).opts(color="#888888", line_dash="dotted")
                                       for v in extra])
        return overlay.opts(hv.opts.Curve(xlim=xlim, ylim=(lo - pad, hi + pad),
                                          framewise=True),
                            hv.opts.Overlay(title=title, legend_position="right",
                                            framewise=True, **size))

    # -- frames -----------------------------------------------------------------------------
    @drawn_by_the_document_owner
    def redraw(self, full=False):
        session = self.session
        # a frame of a playing page writes the charts' data sources (``LiveChart``); the
        # freeze (and Bokeh's walk of every model after it) only around HoloViews updates
        live = not full and self.playback.playing
        with frozen_document(enabled=not live), pn.io.hold():
            self._send_background()
            positions = session.positions()
            if not (live and self.live_points.write(
                    {name: self._points(name, positions) for name in POPULATIONS})):
                self.pipes["positions"].send(positions)
            self.charts["bands"].send(session.reward_bands(), live=live)
            self.charts["times"].send(session.times_to_reward(), live=live)
            close = {k: list(v) for k, v in session.close_up.items()}
            close["raster"] = list(session.raster)
            for name in CLOSE_UP:
                self.charts[name].send(close, live=live)
            self.playback.step = session.ticks
            self.summary.value = self._summary_html()

    def _send_background(self) -> None:
        """Redraw the target when the settings change or, while annealing, when T has moved
        by a quarter since it was drawn (the density sharpens as T falls)."""
        s = self.session.settings
        temperature = self.session.current_temperature()
        band = (round(math.log(temperature) / math.log(1.25)) if temperature > 0 else None)
        key = (s.gain, s.tau_g, s.fair, s.temperature, s.schedule, band)
        if key != self._background_key:
            self._background_key = key
            self.pipes["background"].send(temperature)

    def _summary_html(self) -> str:
        s = self.session.settings
        distance = self.session.target_distance()
        rows = []
        for name, values in self.session.summary().items():
            q = ", ".join("–" if np.isnan(v) else f"{v:.0f}" for v in values["quartiles"])
            tv = f"{distance[name]:.2f}" if distance else "–"
            rows.append(f"<tr><td style='color:{COLORS[name]}'><b>{name}</b></td>"
                        f"<td>{values['reached']:.0%}</td><td>{q}</td><td>{tv}</td></tr>")
        camkii = self.session.populations["CaMKII"]
        floor = (f" TV: distance of the (θ_A, θ_B) histogram from plain sampling's target "
                 f"(20 × 20 cells); an exact sample of as many networks shows "
                 f"{distance['floor']:.2f}." if distance else "")
        return (f"<small>{s.n_networks} networks each; CaMKII: c_g = {camkii.c_g:.3g} "
                f"({html.escape(s.fair)}), effective gain c_g·τ_g = "
                f"{camkii.effective_gain:.3g}; plain: c = {s.gain:.3g}.</small>"
                "<table style='font-size:0.9em'><tr><th></th><th>reached</th>"
                "<th>ticks to reward (quartiles)</th><th>TV</th></tr>" + "".join(rows)
                + f"</table><small>{floor}</small>")

    def main(self):
        intro = text_pane(
            "<p>Each dot is one network learning the <i>two-pathway</i> task: growing synapse "
            "A (the stronger input) or B makes the paid output win. <b>Plain</b> synaptic "
            "sampling follows the reward gradient directly; <b>CaMKII</b> filters it over "
            "τ_g (momentum). One tick is 100 ms; β is sped up 1,000× "
            "(docs/synaptic_sampling.md).</p><p><span style='color:#1f77b4'>●</span> plain "
            "&nbsp; <span style='color:#d62728'>●</span> CaMKII &nbsp; stars: the target's "
            "local maxima; grey bands: θ ≤ 0, the synapse retracted (w = 0).</p>",
            sizing_mode="stretch_width")
        right = pn.Column(plot_pane(self.rewards), plot_pane(self.histogram))
        # a FlexBox: side by side in a wide page, one under the other in a notebook's cell
        return pn.Column(intro, self.playback, pn.FlexBox(plot_pane(self.landscape), right),
                         self.close_up(), self.tau_sweep, sizing_mode="stretch_width")

    def close_up(self):
        """One CaMKII network's four plots, two by two (their axes not shared: the raster
        spans its last 400 ticks, the curves the whole run)."""
        panes = [plot_pane(self.charts[name].dmap) for name in CLOSE_UP]
        return pn.Column(pn.FlexBox(*panes[:2], sizing_mode="stretch_width"),
                         pn.FlexBox(*panes[2:], sizing_mode="stretch_width"),
                         sizing_mode="stretch_width")

    def stop(self):
        super().stop()
        self.tau_sweep.job.cancel()
