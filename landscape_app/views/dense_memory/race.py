"""Beyond the classical capacity: one cue, recalled by a Hopfield network and a dense memory."""

import holoviews as hv
import numpy as np
import panel as pn

from ...page_models.dense_memory.race import RecallRace
from ..common.pictures import pattern_picture
from ..common.playback import Playback, drawn_by_the_document_owner, frozen_document
from ..common.url import PLAYBACK_URL, linked
from ..common.widgets import heading, param_widgets, plot_pane, text_pane

COLORS = {"classical": "#7f7f7f", "dense": "#d62728"}


class RecallRaceView(pn.viewable.Viewer):
    """Play both recalls sweep by sweep; overlaps with the cue's pattern traced live."""

    def __init__(self):
        super().__init__()
        self.race = RecallRace()
        self.frame_index = 0
        self.playback = Playback(on_frame=self.advance, on_reset=self.reset,
                                 on_pause=lambda: None)
        self.playback.param.speed.label = "Speed (sweeps per frame)"
        self.playback.speed = 1
        self.pipes = {name: hv.streams.Pipe(data=None) for name in ("cue", "classical", "dense",
                                                                    "overlaps")}
        # wide enough for the titles, which carry the sweep and the overlap
        self.cue = hv.DynamicMap(lambda data: pattern_picture(data, "cue", width=300),
                                 streams=[self.pipes["cue"]])
        self.states = {name: hv.DynamicMap(lambda data: pattern_picture(*data, width=300),
                                           streams=[self.pipes[name]])
                       for name in ("classical", "dense")}
        self.overlaps = hv.DynamicMap(self._overlaps, streams=[self.pipes["overlaps"]])
        self.status = text_pane("")
        self.widgets = param_widgets(self.race, ["source", "n_patterns", "interaction",
                                                 "degree", "target", "noise", "seed"])
        self.race.param.watch(lambda *e: self.reset(), list(self.widgets.parameters))
        self.reset()

    def _overlaps(self, data):
        sweeps = max(len(data[name]) for name in ("classical", "dense")) - 1
        xlim = (-0.1, max(3.0, float(sweeps)))
        layers = []
        for name in ("classical", "dense"):
            values = data[name]
            layers.append(hv.Curve((np.arange(len(values)), values), "sweeps",
                                   "overlap with the cue's pattern", label=name).opts(
                color=COLORS[name], line_width=3, xlim=xlim))
            # the current value as a dot: before Play the plot shows where both start
            layers.append(hv.Scatter(([len(values) - 1], values[-1:]), "sweeps",
                                     "overlap with the cue's pattern").opts(
                color=COLORS[name], size=9, xlim=xlim))
        return hv.Overlay(layers).opts(width=560, height=260, ylim=(-0.05, 1.05),
                                       legend_position="right",
                                       title="overlap m with the stored pattern")

    @drawn_by_the_document_owner
    def redraw(self):
        frame = self.race.frame(self.frame_index)
        with frozen_document(), pn.io.hold():
            for name in ("classical", "dense"):
                f = frame[name]
                label = ("classical Hopfield" if name == "classical" else
                         f"dense, {self.race.interaction.replace('_', ' ')}"
                         + (f" n = {self.race.degree}" if self.race.interaction != "exponential"
                            else ""))
                # two lines: one was cut at the picture's width
                self.pipes[name].send((f["image"], f"{label}: sweep {f['sweep']}\n"
                                                   f"m = {f['overlap']:.2f}"))
            self.pipes["overlaps"].send({name: frame[name]["overlaps"]
                                         for name in ("classical", "dense")})
            self.playback.step = self.frame_index
            finished = self.frame_index >= self.race.n_frames - 1
            # the verdict is shown once, under the buttons, when the race ends
            size = f"N = {self.race.n_neurons}, P = {len(self.race.patterns)}"
            self.status.value = (f"{size}: both recalls have ended." if finished else
                                 f"{size}: press Play." if self.frame_index == 0 else
                                 f"{size}: sweep {self.frame_index}…")

    def advance(self, n_sweeps):
        self.frame_index = min(self.frame_index + n_sweeps, self.race.n_frames - 1)
        done = self.frame_index >= self.race.n_frames - 1

        def draw():
            self.redraw()
            if done:
                self.playback.pause()
                self.playback.show(self.race.describe(), "info")
        return draw

    def reset(self):
        self.frame_index = 0
        self.pipes["cue"].send(self.race.cue.reshape(self.race.SIDE, self.race.SIDE))
        self.playback.show("")
        self.redraw()

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.race, self.widgets.parameters, "race."),
                linked(self.playback, PLAYBACK_URL, "race.")]

    def controls(self):
        return pn.Column(heading("Recall beyond capacity"), self.widgets, width=320)

    def main(self):
        return pn.Column(
            self.playback, self.status,
            pn.Row(plot_pane(self.cue), plot_pane(self.states["classical"]),
                   plot_pane(self.states["dense"])),
            plot_pane(self.overlaps), sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())

    def stop(self):
        self.playback.stop()
