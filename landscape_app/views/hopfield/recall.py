"""Recall in a Hopfield network, live: stored patterns, the cue, the state, overlaps, energy."""

import html

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.hopfield.recall import RecallSession
from ..common.pictures import pattern_picture
from ..common.playback import Playback, drawn_by_the_document_owner, frozen_document
from ..common.url import PLAYBACK_URL, linked
from ..common.widgets import heading, param_widgets, plot_pane, text_pane

#: the recall's settings kept in the page's URL (a bookmark reopens them)
RECALL_URL = ("source", "n_patterns", "rule", "mode", "threshold", "target", "noise", "seed")


def gallery(patterns, session, target):
    """The stored patterns side by side in one image (one glyph, whatever their number)."""
    side = session.SIDE
    shown = patterns[:12]
    gap = 2
    width = len(shown) * (side + gap) - gap
    canvas = np.zeros((side, max(width, 1)))
    for k, p in enumerate(shown):
        canvas[:, k * (side + gap):k * (side + gap) + side] = session.image(p)
    more = f" (first 12 of {len(patterns)})" if len(patterns) > 12 else ""
    # square cells: wide enough for the title, narrow enough for twelve patterns in 760 px
    cell = min(max(4.0, 330.0 / canvas.shape[1]), 760.0 / canvas.shape[1])
    return hv.Image(canvas, bounds=(0, 0, canvas.shape[1], side),
                    kdims=["x", "y"], vdims=["V"]).opts(
        cmap=["#111111", "#9e9e9e", "#f5f5f5"], clim=(-1, 1),
        frame_height=int(cell * side), frame_width=int(cell * canvas.shape[1]),
        xaxis=None, yaxis=None, tools=["save"], default_tools=[], toolbar="right",
        autohide_toolbar=True, fontsize={"title": "10pt"},
        title=f"stored patterns #0…#{len(shown) - 1}{more}\nthe cue comes from #{target}")


class RecallView(pn.viewable.Viewer):
    """Store patterns, corrupt one, watch the network recall it (or something else)."""

    def __init__(self, session: RecallSession | None = None):
        super().__init__()
        self.session = session or RecallSession()
        s = self.session
        self.playback = Playback(on_frame=self.advance, on_reset=self.reset,
                                 on_pause=self.redraw)
        self.playback.param.speed.label = "Speed (neuron updates per frame)"
        self.playback.speed = 40
        self.gallery_pipe = hv.streams.Pipe(data=None)
        self.cue_pipe = hv.streams.Pipe(data=None)
        self.state_pipe = hv.streams.Pipe(data=None)
        self.overlaps_pipe = hv.streams.Pipe(data=None)
        self.energy_pipe = hv.streams.Pipe(data=None)
        self.gallery = hv.DynamicMap(lambda data: gallery(*data), streams=[self.gallery_pipe])
        self.cue = hv.DynamicMap(
            lambda data: pattern_picture(data, "the cue (click: flip a pixel)"),
            streams=[self.cue_pipe])
        self.state = hv.DynamicMap(lambda data: pattern_picture(*data), streams=[self.state_pipe])
        self.overlap_plot = hv.DynamicMap(self._overlaps, streams=[self.overlaps_pipe])
        self.energy_plot = hv.DynamicMap(self._energy, streams=[self.energy_pipe])
        self.tap = hv.streams.SingleTap(source=self.cue, transient=True)
        self.tap.add_subscriber(self._on_tap)
        self.status = text_pane("")
        self.settings = param_widgets(s, ["source", "n_patterns", "rule", "mode", "threshold"])
        # the slider's end follows how many patterns are stored
        self.target_slider = pn.widgets.IntSlider.from_param(
            s.param.target, end=max(1, s.network.n_patterns - 1), margin=(5, 20))
        self.cue_settings = param_widgets(s, ["noise", "seed"])
        s.param.watch(lambda *e: self.redraw(full=True),
                      ["source", "n_patterns", "rule", "threshold", "target", "noise", "seed"])
        s.param.watch(lambda *e: (s.restart(), self.redraw()), ["mode"])
        self.redraw(full=True)

    # -- drawing ---------------------------------------------------------------------------------
    def _overlaps(self, data):
        sweeps, overlaps, target = data
        # from sweep 0 on (one point before Play: drawn as a dot, not an empty frame)
        xlim = (-0.03, max(1.0, float(sweeps[-1]) if len(sweeps) else 1.0))
        layers = []
        for k in range(overlaps.shape[1]):
            style = dict(line_width=3, color="#d62728") if k == target else dict(
                line_width=1, color="#7f7f7f", alpha=0.6)
            layers.append(hv.Curve((sweeps, overlaps[:, k]), "sweeps", "overlap").opts(
                **style, framewise=True, xlim=xlim))
        if len(sweeps):
            now = overlaps[-1]
            layers.append(hv.Scatter((np.full(len(now), sweeps[-1]), now), "sweeps",
                                     "overlap").opts(color="#7f7f7f", size=5, xlim=xlim))
            layers.append(hv.Scatter(([sweeps[-1]], [now[target]]), "sweeps", "overlap").opts(
                color="#d62728", size=8, xlim=xlim))
        return hv.Overlay(layers).opts(
            title="overlaps mᵤ = ξᵤ·V/N (red: the cue's pattern)",
            width=500, height=260, ylim=(-1.05, 1.05), show_legend=False)

    def _energy(self, data):
        sweeps, energies = data
        xlim = (-0.03, max(1.0, float(sweeps[-1]) if len(sweeps) else 1.0))
        curve = hv.Curve((sweeps, energies), "sweeps", "E").opts(
            color="#08519c", line_width=2, framewise=True, xlim=xlim)
        now = hv.Scatter((sweeps[-1:], energies[-1:]), "sweeps", "E").opts(
            color="#08519c", size=7, framewise=True, xlim=xlim)
        return (curve * now).opts(title="energy E(V) = −½ VᵀTV + a ΣV", width=500, height=200)

    @drawn_by_the_document_owner
    def redraw(self, full=False):
        s = self.session
        with frozen_document(), pn.io.hold():
            if full:
                self.target_slider.end = max(1, s.network.n_patterns - 1)
                self.gallery_pipe.send((s.patterns, s, s.target))
                self.cue_pipe.send(s.image(s.cue))
            sweeps = s.updates / s.network.n_neurons
            self.state_pipe.send((s.image(s.state), f"state after {sweeps:.2f} sweeps"))
            sweeps_axis = np.array(s.sweeps)
            self.overlaps_pipe.send((sweeps_axis, np.array(s.overlap_history), s.target))
            self.energy_pipe.send((sweeps_axis, np.array(s.energy_history)))
            self.status.value = (f"<b>N = {s.network.n_neurons}, P = {s.network.n_patterns}, "
                                 f"α = {s.network.load:.3f}</b> &nbsp; "
                                 f"{html.escape(s.progress())}")
            self.playback.step = int(s.updates)

    # -- actions ---------------------------------------------------------------------------------
    def advance(self, n_updates):
        s = self.session
        s.step(n_updates)
        done = s.done

        def draw():
            self.redraw()
            if done:  # the verdict, once: the status line above says only where recall is
                self.playback.pause()
                self.playback.show(s.describe(), "info")
        return draw

    def reset(self):
        self.session.restart()
        self.redraw()

    def _on_tap(self, x=None, y=None):
        if x is None or y is None:
            return
        side = self.session.SIDE
        column, row = int(np.floor(x)), side - 1 - int(np.floor(y))
        if 0 <= column < side and 0 <= row < side:
            self.session.toggle(row * side + column)
            self.redraw(full=True)

    # -- layout ----------------------------------------------------------------------------------
    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.session, RECALL_URL), linked(self.playback, PLAYBACK_URL)]

    def controls(self):
        return pn.Column(heading("Recall"), self.settings, self.target_slider, self.cue_settings,
                         width=320)

    def main(self):
        return pn.Column(
            self.playback, self.status, plot_pane(self.gallery),
            pn.Row(pn.Column(plot_pane(self.cue), plot_pane(self.state)),
                   pn.Column(plot_pane(self.overlap_plot),
                             plot_pane(self.energy_plot))),
            sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())

    def stop(self):
        self.playback.stop()
