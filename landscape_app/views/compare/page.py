"""Side-by-side comparison of two to four samplers on one landscape, stepping together.

``Compare(landscape="muller_brown", samplers=["MALA", "HMC"])`` is a Panel ``Viewer`` (the body
of the /compare page and a notebook widget). Same seed, same starts, linked axes, one set of
playback controls, a live summary table and the distance to the exact density against cost.
"""

import math

import holoviews as hv
import panel as pn

from ...page_models.compare import Comparison
from ...page_models.sampling import sampler_specific_parameters
from ...samplers import METHODS
from ..common import charts, elements
from ..common.export import download_buttons, figure_html, figure_png
from ..common.landscape_plot import LandscapePlot
from ..common.playback import Playback, drawn_by_the_document_owner, frozen_document
from ..common.url import PLAYBACK_URL, UrlSync, show_refused
from ..common.widgets import MessageBox, format_number, heading, param_widgets, text_pane

#: frames between two recomputations of ESS (ArviZ) while playing
TABLE_EVERY = 25
URL_PARAMETERS = {"landscape": "landscape", "expression": "expression", "samplers": "methods",
                  "temperature": "temperature", "n_chains": "n_chains", "seed": "seed"}
#: headers wrap onto two lines rather than being cut (a single word longer than its column
#: still is: "Accepted", not "Acceptance")
TABLE_CSS = """
.tabulator-col-title { white-space: normal !important; text-overflow: clip !important;
                       font-size: 0.88em !important; }
"""
COLUMNS = {
    "method": "Sampler",
    "acceptance_rate": "Accepted",
    "ess_per_grad_eval": "ESS / eval",
    "tv_to_exact": "TV to exact",
    "fraction_in_global_basin": "In global basin",
    "mean_exit_step": "Steps to leave start",
    "fraction_left_start_basin": "Left start basin",
    "grad_evals": "Gradient evals",
    "energy_evals": "Energy evals",
    "diverged": "Diverged",
}


class Compare(pn.viewable.Viewer):
    """Several samplers side by side: same landscape, seed and starts, one Play/Pause/Step/Reset."""

    def __init__(self, landscape="muller_brown", samplers=("MALA", "HMC", "RandomWalkMetropolis"),
                 sync_url=False, **settings):
        super().__init__()
        self.comparison = Comparison(landscape=landscape, methods=list(samplers), **settings)
        self.playback = Playback(on_frame=self.advance, on_reset=self.reset,
                                 on_pause=self._on_pause)
        self._frame_count = 0
        #: the landscape plots' marker size, times the usual (a lecture's: larger)
        self.marker_scale = 1.0
        self.plots_pane = pn.pane.HoloViews(sizing_mode="fixed")
        self.sampler_params = pn.Accordion(width=320)
        import pandas as pd  # the comparison's table only: kept out of the explorer's start-up

        self.table = pn.widgets.Tabulator(pd.DataFrame(columns=list(COLUMNS.values())),
                                          disabled=True, show_index=False, layout="fit_columns",
                                          sizing_mode="stretch_width",
                                          stylesheets=[TABLE_CSS], widths={"Sampler": 150},
                                          configuration={"columnDefaults": {
                                              "headerWordWrap": True, "headerSort": False}})
        self.tv_pipe = hv.streams.Pipe(data={})
        self.tv_plot = hv.DynamicMap(charts.tv_chart, streams=[self.tv_pipe]).opts(
            width=720, height=300, title="Distance to the exact density against cost",
            framewise=True)
        self.error_alert = MessageBox()
        self._build_widgets()
        self._build_plots()
        c = self.comparison
        c.param.watch(self._on_landscape, ["landscape", "expression"])
        c.param.watch(self._on_methods, ["methods"])
        c.param.watch(self._on_shared, ["temperature", "n_chains", "seed"])
        c.param.watch(self._on_error, ["error"])
        self.url = UrlSync() if sync_url else None
        if self.url is not None and self.url.active:
            refused = self.url.bind(c, {v: k for k, v in URL_PARAMETERS.items()})
            refused += self.url.bind(self.playback, {p: p for p in PLAYBACK_URL})
            show_refused(self.playback, refused)
            self.url.write_on_load()
        self.redraw(table=True)

    def _build_widgets(self):
        c = self.comparison
        self.landscape_select = pn.widgets.Select.from_param(c.param.landscape, label="Landscape")
        self.expression_input = pn.widgets.TextInput.from_param(c.param.expression,
                                                                label="E(x, y) =")
        self.methods_choice = pn.widgets.MultiChoice.from_param(
            c.param.methods, label="Samplers (two to four)", max_items=4, options=list(METHODS))
        self.shared_params = param_widgets(c, ["temperature", "n_chains", "seed"])
        self.expression_input.visible = c.landscape == "expression"

    def _build_plots(self):
        experiments = self.comparison.experiments
        # two columns beside the 320 px settings in a 1280 px window (two plots of 520
        # overflowed it: the second one's right half was cut)
        size = 420 if len(experiments) > 2 else 440
        self.plots = [LandscapePlot(exp, width=size, height=size - 40, title=exp.method,
                                    colorbar=False, source_prefix=f"sampler{k}",
                                    marker_scale=self.marker_scale)
                      for k, exp in enumerate(experiments)]
        # one Layout: HoloViews links the axes of its plots
        self.plots_pane.object = hv.Layout([p.overlay for p in self.plots]).cols(2)
        # emptied first: an Accordion given as many new objects as it had kept its old
        # headers in the browser (a link with three samplers showed the default three's names)
        self.sampler_params.objects = []
        self.sampler_params.objects = [
            param_widgets(exp.sampler, sampler_specific_parameters(exp.sampler),
                          name=exp.method)
            for exp in experiments]
        self.sampler_params.active = [0]

    # -- reactions -------------------------------------------------------------------------------
    def _on_landscape(self, *events):
        self.expression_input.visible = self.comparison.landscape == "expression"
        for plot in self.plots:
            plot.refresh_scene()
        self.redraw(table=True)

    def _on_methods(self, *events):
        self._build_plots()
        self.redraw(table=True)

    def _on_shared(self, *events):
        self.redraw(table=True)

    def _on_error(self, event):
        self.error_alert.show(event.new, "danger")

    # -- frames ----------------------------------------------------------------------------------
    def advance(self, n_steps: int):
        """Step every sampler; returns the function that draws the result."""
        messages = self.comparison.advance(n_steps)
        self._frame_count += 1
        playing = self.playback.playing
        table = not playing or self._frame_count % TABLE_EVERY == 0

        def draw():
            self.redraw(table=table, live=playing)
            if messages:
                self.playback.show("; ".join(messages[:6]))
        return draw

    def reset(self):
        self.comparison.reset()
        self.redraw(table=True)

    def _on_pause(self):
        self.redraw(table=True)

    @drawn_by_the_document_owner
    def redraw(self, table=False, live=False):
        with frozen_document(enabled=table or not live), pn.io.hold():
            for plot in self.plots:
                plot.push(live=live)
            self.playback.step = self.comparison.steps_done
            if table:
                self.tv_pipe.send({exp.method: exp.tv_history
                                   for exp in self.comparison.experiments})
                self.table.value = self.summary_frame()

    def summary_frame(self):
        """The summary table as a pandas DataFrame (one row per sampler)."""
        import pandas as pd

        rows = []
        # never wait for ArviZ's first import in the page: ESS shows once it is loaded
        for row in self.comparison.summary(with_ess=True, block=False):
            rows.append({label: self._cell(key, row.get(key)) for key, label in COLUMNS.items()})
        return pd.DataFrame(rows, columns=list(COLUMNS.values()))

    @staticmethod
    def _cell(key, value):
        if key == "method":
            return value
        if key in ("fraction_in_global_basin", "fraction_left_start_basin"):
            return "—" if value is None or not math.isfinite(value) else f"{value:.0%}"
        return format_number(value)

    # -- layout ----------------------------------------------------------------------------------
    def download_widgets(self):
        def csv():
            return "".join(exp.trajectories_csv().replace("step,", f"# {exp.method}\nstep,", 1)
                           for exp in self.comparison.experiments)

        def layout():
            return hv.Layout([p.static(p.experiment.method) for p in self.plots]).cols(2)

        def png():
            experiments = self.comparison.experiments
            return figure_png(experiments, [e.method for e in experiments])

        return download_buttons(
            csv=csv,
            png=png,
            html=lambda: figure_html(layout(), "comparison"), stem="comparison")

    def controls(self):
        return pn.Column(heading("Landscape"), self.landscape_select, self.expression_input,
                         heading("Samplers"), self.methods_choice, self.shared_params,
                         heading("Settings of each sampler"), self.sampler_params, width=320)

    def main(self):
        return pn.Column(self.playback, self.error_alert, self.plots_pane,
                         text_pane(elements.legend_html()),
                         heading("Summary"), self.table,
                         text_pane("<small>Evaluations are of ∇E (with E) for samplers that "
                                   "use the gradient and of E alone for gradient-free ones "
                                   "(random-walk Metropolis, the stretch move, DE-MCMC): "
                                   "each one's own cost unit.</small>"),
                         pn.pane.HoloViews(self.tv_plot), self.download_widgets(),
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())

    def apply_settings(self, query: dict) -> list[str]:
        """Apply ``query`` ({URL name: text}, a story's scene) as a link would; returns the
        names refused."""
        url = self.url or UrlSync(location=False)
        refused = url.apply(self.comparison, {v: k for k, v in URL_PARAMETERS.items()},
                            query=query)
        refused += url.apply(self.playback, {p: p for p in PLAYBACK_URL}, query=query)
        self.reset()
        return refused

    def player(self):
        """The page's Play/Pause (what the lecture's Space key plays and pauses)."""
        return self.playback

    def stop(self):
        self.playback.stop()
