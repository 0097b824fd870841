"""The explorer's live diagnostics: the table of numbers, the energy trace and the marginals.

What is measured is the page model's (``page_models.explorer.live_diagnostics``); this only
draws it.
"""

import math

from ..common import charts
from ..common.live_chart import LiveChart
from ..common.widgets import format_number, plot_pane, text_pane


class DiagnosticsPanel:
    """The numbers, the energy trace and the x and y marginals of an ``Experiment``."""

    def __init__(self, experiment):
        self.experiment = experiment
        self.numbers = text_pane("", min_width=300)
        # written straight into their data sources while playing (``LiveChart``)
        self.trace_chart = LiveChart(
            charts.energy_trace, {}, width=420, height=230, title="Energy over chains",
            xlabel="step", ylabel="E", framewise=True)
        self.trace = self.trace_chart.dmap
        self.marginal_charts = {
            axis: LiveChart(lambda data, axis=axis: charts.marginal(axis, *data), None,
                            width=440, height=230, title=f"Marginal of {axis}: chains vs exact",
                            framewise=True)
            for axis in "xy"}
        self.marginals = {axis: chart.dmap for axis, chart in self.marginal_charts.items()}
        self.send_marginals()

    def send(self, live=False):
        """Draw the experiment's current numbers, trace and marginals (``live``: a frame of a
        playing page, written into the charts' data sources)."""
        exp = self.experiment
        self.trace_chart.send(exp.trace.as_dict(), live=live)
        self.send_marginals(live=live)
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
        if "ladder" in s:
            ladder = ", ".join(f"{t:.3g}" for t in s["ladder"])
            rates = ", ".join("–" if not math.isfinite(r) else f"{r:.2f}"
                              for r in s["swap_rates"])
            rows += [("Replica temperatures", f"<small>{ladder}</small>"),
                     ("Swap acceptance (neighbours)", f"<small>{rates}</small>")]
        if "tree" in s:
            tree = s["tree"]
            rows += [("Step size ε (dual averaging)", format_number(tree["step_size"])),
                     ("Mean acceptance statistic", format_number(tree["accept_stat"])),
                     ("Mean tree depth", format_number(tree["tree_depth"])),
                     ("Leapfrog steps a step", format_number(tree["leapfrogs_per_step"]))]
        if "microcanonical" in s:
            mc = s["microcanonical"]
            rows += [("Step size ε (mean over chains)", format_number(mc["step_size"])),
                     ("Decoherence length L" + (" (tuned, mean)" if mc["tuned"] else ""),
                      format_number(mc["length"]))]
        body = "".join(f"<tr><td>{k}</td><td style='text-align:right'><b>{v}</b></td></tr>"
                       for k, v in rows)
        self.numbers.value = f"<table style='width:100%'>{body}</table>"

    def send_marginals(self, live=False):
        marginals = self.experiment.marginals()
        for axis in "xy":
            self.marginal_charts[axis].send(marginals[axis], live=live)

    def plots(self):
        """The trace and the two marginals, built with the page.

        They used to be deferred to the page's load, which made the landscape show sooner but
        then built them on the server's event loop (about a second a tab, in front of a first
        Play pressed as soon as the page showed); the page is now usually built ahead
        (``app/spares``), so they are too."""
        # axes of their own: linked by Panel, the two marginals shared one "probability"
        # axis, and the x marginal's exact peak was cut at the y marginal's top
        return [plot_pane(self.trace), plot_pane(self.marginals["x"]),
                plot_pane(self.marginals["y"])]
