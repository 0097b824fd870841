"""The explorer: one sampler's chains on a landscape, live, with diagnostics.

``Explorer(landscape="muller_brown", sampler="HMC")`` is a Panel ``Viewer``: the same object is
the body of the served /explorer page and a live widget in a notebook cell.
"""

import html
import time

import panel as pn

from ...page_models.explorer.experiment import Experiment
from ...page_models.sampling import sampler_specific_parameters
from ..common import elements
from ..common.export import download_buttons, figure_html, figure_png
from ..common.landscape_plot import LandscapePlot
from ..common.playback import Playback, drawn_by_the_document_owner, frozen_document
from ..common.url import PLAYBACK_URL, UrlSync, show_refused
from ..common.widgets import (
    MessageBox,
    docstring_html,
    heading,
    param_widgets,
    text_pane,
)
from .diagnostics import DiagnosticsPanel

#: parameters of the experiment kept in the page's URL (query name: parameter)
URL_PARAMETERS = {
    "landscape": "landscape", "expression": "expression", "sampler": "method",
    "temperature": "temperature", "schedule": "schedule", "cooling_rate": "cooling_rate",
    "anneal_steps": "anneal_steps", "final_temperature": "final_temperature",
    "n_chains": "n_chains", "seed": "seed", "start": "start_point",
}
#: seconds between redraws of the energy trace, marginals and numbers while playing: each is a
#: full HoloViews update (~0.1 s). Counted in frames (once 40, ~3 s at the frame rates a served
#: page reaches) the numbers trailed the step counter by ~200 steps.
DIAGNOSTICS_PERIOD_S = 0.6


class Explorer(pn.viewable.Viewer):
    """A landscape, a sampler and its chains: Play, Pause, Step, Reset, live diagnostics."""

    def __init__(self, landscape="muller_brown", sampler="HMC", sync_url=False, **settings):
        super().__init__()
        experiment_keys = set(Experiment.param) - {"name"}
        exp_settings = {k: v for k, v in settings.items() if k in experiment_keys}
        sampler_settings = {k: v for k, v in settings.items() if k not in experiment_keys}
        self.experiment = Experiment(landscape=landscape, method=sampler, **exp_settings)
        if sampler_settings:
            self.experiment.sampler.param.update(**sampler_settings)
            self.experiment.reset()
        self.plot = LandscapePlot(self.experiment)
        self.plot_pane = pn.pane.HoloViews(self.plot.overlay, linked_axes=False)
        self.legend = text_pane(elements.legend_html())
        self.playback = Playback(on_frame=self.advance, on_reset=self.reset,
                                 on_pause=self._on_pause)
        self._frame_count = 0
        self._diagnosed_at = 0.0
        self._build_widgets()
        self.diagnostics = DiagnosticsPanel(self.experiment)
        self.plot.on_tap(self._on_tap)
        exp = self.experiment
        exp.param.watch(self._on_scene_change, ["landscape", "expression", "window"])
        exp.param.watch(self._on_method_change, ["method"])
        exp.param.watch(self._on_reset_params, ["n_chains", "seed", "start_point",
                                                "tail_length", "sample_window"])
        exp.param.watch(self._on_error, ["error"])
        self._watch_landscape_params()
        self._synced_sampler = None
        self.url = None
        if sync_url:
            self._sync_location()
        self.redraw()

    # -- widgets ---------------------------------------------------------------------------------
    def _build_widgets(self):
        exp = self.experiment
        self.landscape_select = pn.widgets.Select.from_param(exp.param.landscape, label="Landscape")
        self.expression_input = pn.widgets.TextInput.from_param(
            exp.param.expression, label="E(x, y) =", placeholder="e.g. x**2 - y**2")
        self.expression_status = text_pane("")
        self.expression_input.param.watch(self._validate_expression, "value_input")
        self.window_input = pn.widgets.LiteralInput.from_param(
            exp.param.window, label="Window (x_min, x_max, y_min, y_max)")
        self.default_window = pn.widgets.Button(label="Default window", color="light")
        self.default_window.on_click(self._reset_window)
        self.landscape_params = pn.Column()
        self.method_select = pn.widgets.Select.from_param(exp.param.method, label="Sampler")
        self.sampler_params = pn.Column()
        self.sampler_summary = text_pane("")
        self.temperature_params = param_widgets(
            exp, ["temperature", "schedule", "cooling_rate", "anneal_steps",
                  "final_temperature"])
        self.chain_params = param_widgets(exp, ["n_chains", "seed", "tail_length"])
        self.random_starts = pn.widgets.Button(label="Random starts", color="light")
        self.random_starts.on_click(lambda event: setattr(exp, "start_point", None))
        self.start_status = text_pane("")
        self.display_params = param_widgets(
            self.plot, ["show_contours", "show_critical_points", "show_gradient_field",
                        "show_proposals"])
        self.error_alert = MessageBox()
        self._refresh_dynamic_widgets()

    def _refresh_dynamic_widgets(self):
        exp = self.experiment
        land = exp.scene.landscape
        names = [p for p in land.param if p not in ("name", "window", "expression")]
        self.landscape_params.objects = [param_widgets(land, names)] if names else []
        sampler = exp.sampler
        self.sampler_params.objects = [
            param_widgets(sampler, sampler_specific_parameters(sampler))]
        doc = (type(sampler).__doc__ or "").strip().splitlines()[0]
        self.sampler_summary.value = f"<small>{docstring_html(doc)}</small>"
        self.expression_input.visible = exp.landscape == "expression"
        self.expression_status.visible = exp.landscape == "expression"
        start = exp.start_point
        self.start_status.value = (
            "<small>Random starts in the window. Click the plot to start every chain at one "
            "point.</small>" if start is None else
            f"<small>All chains start at ({start[0]:.3g}, {start[1]:.3g}). "
            "Click elsewhere to move it.</small>")

    def _validate_expression(self, event):
        from ...landscapes.expression import ExpressionError, parse_expression

        text = event.new or ""
        try:
            parse_expression(text)
        except ExpressionError as error:
            self.expression_status.value = (f'<span style="color:#b00020">✗ '
                                            f'{html.escape(str(error))}</span>')
        else:
            self.expression_status.value = ('<span style="color:#1b7f3b">✓ valid: press Enter '
                                              'to use it</span>')

    # -- URL -------------------------------------------------------------------------------------
    def _sync_location(self):
        self.url = UrlSync()
        if not self.url.active:
            return
        show_refused(self.playback, self._apply(None, bind=True))
        self.url.write_on_load()

    def _apply(self, query, bind=False):
        """The link's (``query=None``) or a scene's settings; with ``bind`` the URL follows
        the experiment from then on. Returns the refused query names."""
        exp = self.experiment
        mapping = {v: k for k, v in URL_PARAMETERS.items()}
        # the scene first, tuned as if chosen by hand (a hand-written link may give nothing
        # else); then every explicit setting of the link over it, without re-tuning
        with self.url.hold():
            refused = self.url.apply(exp, mapping, names=("landscape", "expression", "method"),
                                     query=query)
            autotune, exp.autotune = exp.autotune, False
            try:
                playback = {p: p for p in PLAYBACK_URL}
                if bind:
                    refused += self.url.bind(exp, mapping)
                    refused += self._bind_sampler(apply=True)
                    refused += self.url.bind(self.playback, playback)
                else:
                    refused += self.url.apply(exp, mapping, query=query)
                    refused += self.url.apply(self.playback, playback, query=query)
                    refused += self.url.apply(
                        exp.sampler, {p: p for p in sampler_specific_parameters(exp.sampler)},
                        query=query)
            finally:
                exp.autotune = autotune
        return refused

    def apply_settings(self, query: dict) -> list[str]:
        """Apply ``query`` ({URL name: text}, a story's scene) as a link would; the chains
        restart from the new settings. Returns the names refused."""
        if self.url is None:
            self.url = UrlSync(location=False)
        refused = self._apply(query)
        self.reset()
        return refused

    def player(self):
        """The page's Play/Pause (what the lecture's Space key plays and pauses)."""
        return self.playback

    def _bind_sampler(self, apply=False):
        sampler = self.experiment.sampler
        if self._synced_sampler is not None:
            self.url.unbind(self._synced_sampler)
        self._synced_sampler = sampler
        names = sampler_specific_parameters(sampler)
        return self.url.bind(sampler, {p: p for p in names}, apply=apply)

    # -- reactions -------------------------------------------------------------------------------
    def _watch_landscape_params(self):
        land = self.experiment.scene.landscape
        names = [p for p in land.param if p not in ("name",)]
        land.param.watch(self._on_landscape_param, names)

    def _on_landscape_param(self, *events):
        self.plot.refresh_scene()  # the new landscape first: the page answers at once
        self.experiment.reset()
        self.redraw()

    def _on_scene_change(self, *events):
        if not self.experiment.error:
            self._watch_landscape_params()
        self._refresh_dynamic_widgets()
        self.plot.refresh_scene()
        self.redraw()

    def _on_method_change(self, *events):
        self._refresh_dynamic_widgets()
        if self._synced_sampler is not None:
            with self.url.hold():
                self._bind_sampler()
        self.redraw()

    def _on_reset_params(self, *events):
        self._refresh_dynamic_widgets()
        self.redraw()

    def _on_error(self, event):
        self.error_alert.show(event.new, "danger")

    def _on_tap(self, x=None, y=None):
        if x is None or y is None:
            return
        self.experiment.start_point = (float(x), float(y))

    def _reset_window(self, event=None):
        self.experiment.window = tuple(type(self.experiment.scene.landscape).param.window.default)

    # -- frames ----------------------------------------------------------------------------------
    def advance(self, n_steps: int):
        """Step the chains; returns the function that draws the result (see ``Playback``)."""
        messages = self.experiment.advance(n_steps)
        self._frame_count += 1
        playing = self.playback.playing
        now = time.monotonic()
        slow = not playing or now - self._diagnosed_at >= DIAGNOSTICS_PERIOD_S
        if slow:
            self._diagnosed_at = now

        def draw():
            self.redraw(diagnostics=slow, live=playing)
            if messages:
                self.playback.show("; ".join(messages))
            if not self.experiment.started:
                self.playback.pause()
                self.playback.show(self.experiment.error or "The chains could not start.",
                                   "danger")
            elif self.experiment.all_stopped:
                self.playback.pause()
                first = "; ".join(self.experiment.messages[:3])
                self.playback.show(f"Every chain has diverged ({first}): lower the step size "
                                   "or press Reset.", "danger")
        return draw

    def reset(self):
        self.experiment.reset()
        self.redraw()

    def _on_pause(self):
        self.redraw()

    @drawn_by_the_document_owner
    def redraw(self, diagnostics=True, live=False):
        """Push the current state to every plot, as one document update."""
        # live frames only write data sources, the diagnostics' too (``LiveChart``); a freeze
        # (and the model walk Bokeh does when it ends) is needed only around HoloViews updates
        with frozen_document(enabled=not live), pn.io.hold():
            self.plot.push(live=live)
            self.playback.step = self.experiment.steps_done
            if diagnostics:
                self.diagnostics.send(live=live)

    # -- exports ---------------------------------------------------------------------------------
    def _title(self):
        exp = self.experiment
        return f"{exp.method} on {exp.scene.landscape.name}, step {exp.steps_done}"

    def download_widgets(self):
        return download_buttons(
            csv=self.experiment.trajectories_csv,
            png=lambda: figure_png([self.experiment], [self._title()], self.plot.show_contours,
                                   self.plot.show_critical_points),
            html=lambda: figure_html(self.plot.static(self._title()), self._title()),
            stem="explorer")

    # -- layout ----------------------------------------------------------------------------------
    def controls(self):
        """The settings column (the served page puts it in the sidebar)."""
        return pn.Column(
            heading("Landscape"), self.landscape_select, self.expression_input,
            self.expression_status, self.landscape_params, self.window_input,
            self.default_window, self.display_params,
            heading("Sampler"), self.method_select, self.sampler_summary, self.sampler_params,
            heading("Temperature"), self.temperature_params,
            heading("Chains"), self.chain_params, self.random_starts, self.start_status,
            width=320)

    def main(self):
        """The plots and the playback controls."""
        # FlexBoxes: side by side in a wide page, one under the other in a notebook's cell
        return pn.Column(
            self.playback, self.error_alert,
            pn.FlexBox(pn.Column(self.plot_pane, self.legend), self.diagnostics.numbers),
            pn.FlexBox(*self.diagnostics.plots()),
            self.download_widgets(),
            sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())

    def stop(self):
        self.playback.stop()
