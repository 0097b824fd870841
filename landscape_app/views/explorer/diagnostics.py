"""The explorer's live diagnostics: the table of numbers, the energy trace and the marginals.

What is measured is the page model's (``page_models.explorer.live_diagnostics``); this only
draws it.
"""

import math

import holoviews as hv
import panel as pn

from ..common import charts
from ..common.widgets import format_number, text_pane


class DiagnosticsPanel:
    """The numbers, the energy trace and the x and y marginals of an ``Experiment``."""

    def __init__(self, experiment):
        self.experiment = experiment
        self.numbers = text_pane("", min_width=300)
        self.trace_pipe = hv.streams.Pipe(data={})
        self.trace = hv.DynamicMap(charts.energy_trace, streams=[self.trace_pipe]).opts(
            width=420, height=230, title="Energy over chains", xlabel="step", ylabel="E",
            framewise=True)
        self.marginal_pipes = {a: hv.streams.Pipe(data=None) for a in "xy"}
        self.marginals = {
            axis: hv.DynamicMap(lambda data, axis=axis: charts.marginal(axis, *data),
                                streams=[self.marginal_pipes[axis]]).opts(
                width=440, height=230, title=f"Marginal of {axis}: chains vs exact",
                framewise=True)
            for axis in "xy"}
        self.send_marginals()

    def send(self):
        """Draw the experiment's current numbers, trace and marginals."""
        exp = self.experiment
        self.trace_pipe.send(exp.trace.as_dict())
        self.send_marginals()
        s = exp.summary()
        rows = [
            ("Sampler", exp.method),
            ("Diagnostics at step", format_number(exp.steps_done)),
            ("Temperature", format_number(s["temperature"])),
            ("Acceptance rate", format_number(s["acceptance_rate"])),
            ("Gradient evaluations", format_number(s["grad_evals"])),
            ("Landscape evaluations", format_number(s["evaluations"])),
            ("TV distance to exact p<sub>T</sub>", format_number(s["tv_to_exact"])
             + (f" <small>(noise floor {format_number(s['tv_noise_floor'], 2)})</small>"
                if math.isfinite(s["tv_noise_floor"]) else "")),
            ("Mean energy", format_number(s["mean_energy"], 4)),
            ("Diverged chains", format_number(s["diverged"])),
        ]
        body = "".join(f"<tr><td>{k}</td><td style='text-align:right'><b>{v}</b></td></tr>"
                       for k, v in rows)
        self.numbers.value = f"<table style='width:100%'>{body}</table>"

    def send_marginals(self):
        marginals = self.experiment.marginals()
        for axis in "xy":
            self.marginal_pipes[axis].send(marginals[axis])

    def plots(self):
        """The trace and the two marginals, built with the page.

        They used to be deferred to the page's load, which made the landscape show sooner but
        then built them on the server's event loop (about a second a tab, in front of a first
        Play pressed as soon as the page showed); the page is now usually built ahead
        (``app/spares``), so they are too."""
        return [pn.pane.HoloViews(self.trace), pn.pane.HoloViews(self.marginals["x"]),
                pn.pane.HoloViews(self.marginals["y"])]
