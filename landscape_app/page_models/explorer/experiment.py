"""The explorer's page model: one sampler's chains on a landscape, stepped on demand.

``Experiment`` wires its parameters (``page_models.sampling.ExplorerSettings``) to the active
sampler and a ``Scene`` (the landscape and what is derived from it), keeps the chains' records
(``history``) and answers the live diagnostics (``live_diagnostics``) that the views show. Each
column of the comparison (``page_models.compare``) is an ``Experiment`` on a shared scene. No
GUI code here.
"""

from __future__ import annotations

import math

import numpy as np
import param

from ... import samplers
from ...params import Count, FinitePoint
from ...samplers.settings import SCHEDULE_PARAMETERS
from ..sampling import OPTIMIZERS, ExplorerSettings, build_landscape
from ..scene import Scene
from . import live_diagnostics as diagnostics
from .history import ChainHistory, EnergyTrace, RingBuffer

#: parameters an experiment passes to whichever sampler is active
SHARED_SAMPLER_PARAMS = SCHEDULE_PARAMETERS


def _shape_error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if not isinstance(error, ValueError) else str(error)


def adopt_temperature_bounds(settings, methods, scene) -> None:
    """Give ``settings.temperature`` the strictest bounds of the samplers ``methods`` (NUTS,
    MCLMC, SVGD and parallel tempering need T > 0), so that a value one of them would refuse
    is refused when set (by a widget, a link or a lecture scene), not when the chains start;
    a current value outside them is replaced by ``scene``'s suggested temperature."""
    declared = [samplers.METHODS[m].param["temperature"] for m in methods]
    exclusive = any(not p.inclusive_bounds[0] for p in declared)
    bounds, inclusive = (0.0, None), (not exclusive, True)
    own = settings.param["temperature"]
    if (own.bounds, own.inclusive_bounds) == (bounds, inclusive):
        return
    if exclusive and settings.temperature <= 0:
        settings.temperature = scene.suggestions["temperature"]
    own.bounds, own.inclusive_bounds = bounds, inclusive


class Experiment(ExplorerSettings):
    """A sampler's chains on a landscape, advanced on demand, with live diagnostics."""

    # a plain tuple, checked in ``_on_window``: a window typed wrong is reported, not raised
    window = param.NumericTuple((-1.5, 1.2, -0.4, 2.0), length=4,
                                doc="The view window (x_min, x_max, y_min, y_max).")
    method = param.Selector(default="HMC", objects=list(samplers.METHODS),
                            doc="The sampler or optimizer.")
    start_point = FinitePoint(default=None, allow_None=True,
                              doc="Common start of every chain; None: random starts.")
    tail_length = Count(40, bounds=(2, 500), doc="Recent records drawn per chain.")
    sample_window = Count(400, bounds=(10, 20000),
                          doc="Recent records used for histograms, TV and ESS.")
    autotune = param.Boolean(True, doc="Adopt settings suited to each new landscape.")

    error = param.String("", doc="The last problem to show (empty when all is well).")
    notice = param.String("", doc="Divergences and other events of the last step.")

    #: stored numbers of the history beyond which its oldest runs are dropped
    MAX_HISTORY_VALUES = 4_000_000

    def __init__(self, scene: Scene | None = None, **params):
        self._given_params = set(params)
        self._samplers: dict[str, samplers.Sampler] = {}
        self._state = None
        self.scene = scene
        super().__init__(**params)
        if "temperature" in params:  # T = 0 for a sampler that needs T > 0: say so now
            samplers.METHODS[self.method].param["temperature"]._validate(self.temperature)
        if self.scene is None:
            self._load_scene(initial=True)
        else:
            self._adopt_scene(self.scene, initial=True)
        self.reset()

    # -- landscape ------------------------------------------------------------------------
    def _load_scene(self, initial=False) -> bool:
        land = build_landscape(self.landscape, self.expression)
        if isinstance(land, str):
            self.error = land
            return False
        self._adopt_scene(Scene(land), initial=initial)
        return True

    def _adopt_scene(self, scene: Scene, initial=False):
        self.scene = scene
        self.error = ""
        with param.parameterized.discard_events(self):
            self.window = scene.window
        for sampler in self._samplers.values():
            sampler.landscape = scene.landscape
        if self.autotune:
            self._apply_suggestions(keep_temperature=initial and "temperature" in self._given)
        if not initial:
            self.reset()

    def set_scene(self, scene: Scene) -> None:
        """Use a scene shared with other experiments (the comparison does this)."""
        self._adopt_scene(scene)

    @param.depends("landscape", "expression", watch=True)
    def _on_landscape(self):
        if self._load_scene():
            self.param.trigger("window")

    @param.depends("window", watch=True)
    def _on_window(self):
        window = tuple(float(v) for v in self.window)
        if window == self.scene.window:
            return
        try:
            self.scene.landscape.window = window
        except ValueError as error:
            self.error = f"Window not changed: {error}"
            with param.parameterized.discard_events(self):
                self.window = self.scene.window
            self.param.trigger("window")
        else:
            self.error = ""

    # -- samplers --------------------------------------------------------------------------
    @property
    def _given(self) -> set:
        return getattr(self, "_given_params", set())

    def _apply_suggestions(self, keep_temperature=False):
        try:
            suggestions = self.scene.suggestions
        except Exception:  # odd user landscapes: keep the current settings
            return
        if not keep_temperature:
            self.temperature = 0.0 if self.method in OPTIMIZERS else suggestions["temperature"]
        for name, sampler in self._samplers.items():
            sampler.param.update(**suggestions.get(name, {}))

    def _make_sampler(self, method: str) -> samplers.Sampler:
        cls = samplers.METHODS[method]
        settings = {}
        if self.autotune:
            try:
                settings = dict(self.scene.suggestions.get(method, {}))
            except Exception:
                settings = {}
        # the experiment owns the shared settings (a suggested cooling rate included)
        settings.update({k: getattr(self, k) for k in SHARED_SAMPLER_PARAMS})
        return cls(landscape=self.scene.landscape, **settings)

    @property
    def sampler(self) -> samplers.Sampler:
        """The active sampler (one instance per method, kept so tuned settings survive)."""
        if self.method not in self._samplers:
            self._samplers[self.method] = self._make_sampler(self.method)
        return self._samplers[self.method]

    def _apply_shared(self):
        self.sampler.param.update(**{k: getattr(self, k) for k in SHARED_SAMPLER_PARAMS})

    def _adopt_temperature_bounds(self):
        adopt_temperature_bounds(self, [self.method], self.scene)

    @param.depends("method", watch=True)
    def _on_method(self):
        self._adopt_temperature_bounds()
        if self.autotune:
            was_optimizer = getattr(self, "_last_method", None) in OPTIMIZERS
            if self.method in OPTIMIZERS:
                self.temperature = 0.0
            elif was_optimizer or self.temperature == 0.0:
                self.temperature = self.scene.suggestions["temperature"]
            if self.method == "SimulatedAnnealing" and self.schedule == "constant":
                self.schedule = "exponential"
                self.temperature = 4 * self.scene.suggestions["temperature"]
        self._last_method = self.method
        self.reset()

    @param.depends("n_chains", "seed", "start_point", "tail_length", "sample_window", watch=True)
    def _on_chains(self):
        self.reset()

    # -- stepping ----------------------------------------------------------------------------
    def reset(self) -> None:
        """Put every chain back at its start and clear the history."""
        self._last_method = self.method
        self._adopt_temperature_bounds()
        self.notice = ""
        try:
            self._apply_shared()
            start = None if self.start_point is None else np.array(self.start_point, float)
            self._state = self.sampler.init_state(start)
        except Exception as error:  # a user function that fails at the start, …
            self._state = None
            self.error = _shape_error(error)
            return
        n = self.n_chains
        self.steps_done = 0
        self.grad_evals = n if self.sampler.uses_gradient else 0
        self.energy_evals = 0 if self.sampler.uses_gradient else n
        self.accepted_total = 0
        self.proposals_total = 0
        self.recent_acceptance = math.nan
        self.current_temperature = float(self.sampler.temperatures(0, 1)[0])
        positions = self._state.positions.copy()
        positions[~self._state.live] = np.nan
        self.positions = positions
        self.energies = np.where(self._state.live, self._state.energy, np.nan)
        self.starts = positions.copy()
        self.tails = RingBuffer(self.tail_length, n)
        self.tails.append(positions[None])
        self.recent = RingBuffer(self.sample_window, n)
        self.trace = EnergyTrace()
        self.trace.append(np.array([0]), self.energies[None])
        self.history = ChainHistory(positions, self.energies, self.MAX_HISTORY_VALUES)
        self.tv_history: list = []  # (evaluations, TV)
        self.last_proposal = None
        self.last_path = None
        self.last_accepted = None
        self.basin_exits: diagnostics.BasinExits | None = None
        self.messages: list[str] = []
        self.error = ""

    @property
    def started(self) -> bool:
        """Whether the chains exist (False: the settings were refused at the start, ``error``
        says why)."""
        return self._state is not None

    @property
    def all_stopped(self) -> bool:
        return self._state is None or not self._state.live.any()

    def advance(self, n_steps: int = 1) -> list[str]:
        """Run every chain ``n_steps`` further; returns messages about chains that stopped."""
        if self._state is None:
            return []
        if self.all_stopped:
            self.notice = "Every chain has stopped (diverged): press Reset."
            return []
        self._apply_shared()
        before = self._state.live.copy()
        run = self.sampler.run(int(n_steps), resume=self._state)
        self._state = run.final_state
        steps, new = run.steps[1:], run.positions[1:]
        self.steps_done = int(self._state.step)
        self.positions = run.positions[-1]
        self.energies = run.energies[-1]
        self.tails.append(new)
        self.recent.append(new)
        self.grad_evals += run.grad_evals
        self.energy_evals += run.energy_evals
        if run.is_metropolis:
            self.accepted_total += int(run.accept_count.sum())
            self.proposals_total += int(run.live_steps.sum())
            self.recent_acceptance = run.acceptance_rate
            self.last_accepted = run.accepted[-1]
        self.last_proposal = run.last_proposal
        self.last_path = run.last_path
        self.current_temperature = float(run.temperatures[-1])
        self.trace.append(steps, run.energies[1:])
        self.history.append(steps, new, run.energies[1:])
        if self.basin_exits is not None:
            self.basin_exits.update(steps, new)
        stopped = before & ~self._state.live
        messages = [f"chain {i} diverged at step {run.diverged_at[i]}"
                    for i in np.flatnonzero(stopped)[:5]]
        if stopped.sum() > 5:
            messages.append(f"… and {int(stopped.sum()) - 5} more chains diverged")
        if messages:
            self.messages = (self.messages + messages)[-20:]
            self.notice = "; ".join(messages)
        self._record_tv()
        return messages

    def _record_tv(self):
        """Add a point to the TV-against-cost history when the cost has grown by 10 %.

        Log-spaced points suit the chart's logarithmic axis and keep the histogramming (a few
        ms) off most frames.
        """
        cost = self.grad_evals + self.energy_evals
        if self.tv_history and cost < 1.1 * self.tv_history[-1][0]:
            return
        tv = self.tv_to_exact()
        if math.isfinite(tv):
            self.tv_history.append((cost, tv))

    # -- what the views show -------------------------------------------------------------------
    @property
    def acceptance_rate(self) -> float | None:
        if not self.sampler.is_metropolis:
            return None
        return self.accepted_total / self.proposals_total if self.proposals_total else math.nan

    def exact(self):
        return self.scene.exact(self.current_temperature)

    def recent_samples(self) -> np.ndarray:
        """Pooled recent positions of the chains, (n, 2), without NaNs."""
        return diagnostics.pooled(self.recent.ordered())

    def tv_to_exact(self) -> float:
        """TV between the recent samples and p_T at the current temperature (NaN at T = 0)."""
        return diagnostics.tv_to_exact(self.exact(), self.recent_samples())

    def marginals(self):
        """Per axis ("x", "y"): (bin edges, sample fractions, exact fractions or None)."""
        return diagnostics.marginals(self.exact(), self.recent_samples(), self.scene.window)

    def ensure_basins(self):
        """Start tracking basins (global-minimum fraction, time to leave the start basin)."""
        if self.basin_exits is None:
            self.basin_exits = diagnostics.BasinExits(self.scene.basins, self.starts)
            # chains may already have moved: check the stored history once
            for steps, positions, _ in self.history.after_start():
                self.basin_exits.update(steps, positions)

    def basin_statistics(self) -> dict:
        self.ensure_basins()
        return self.basin_exits.statistics(self.positions)

    def ess(self, block: bool = True) -> tuple[float, float]:
        """(bulk ESS, R̂) of the recent window (``live_diagnostics.ess_of_window``)."""
        return diagnostics.ess_of_window(self.recent.ordered(), block=block)

    def summary(self, with_ess: bool = False, block: bool = True) -> dict:
        """The numbers the views display (``block=False``: see ``ess``)."""
        out = {
            "method": self.method,
            "step": self.steps_done,
            "temperature": self.current_temperature,
            "acceptance_rate": self.acceptance_rate,
            "recent_acceptance": self.recent_acceptance,
            "grad_evals": self.grad_evals,
            "energy_evals": self.energy_evals,
            "evaluations": self.grad_evals + self.energy_evals,
            "tv_to_exact": self.tv_to_exact(),
            "diverged": 0 if self._state is None else int((~self._state.live).sum()),
            "mean_energy": float(np.nanmean(self.energies)) if np.isfinite(self.energies).any()
            else math.nan,
        }
        if hasattr(self.sampler, "swap_rates") and self._state is not None:
            out["ladder"] = self.current_temperature * self.sampler.ladder()
            out["swap_rates"] = self.sampler.swap_rates(self._state)
        if hasattr(self.sampler, "tree_statistics") and self._state is not None:
            out["tree"] = self.sampler.tree_statistics(self._state)
        if hasattr(self.sampler, "momentum_lengths") and self._state is not None:
            out["microcanonical"] = {
                "step_size": float(np.mean(self.sampler.step_sizes(self._state))),
                "length": float(np.mean(self.sampler.momentum_lengths(self._state))),
                "tuned": bool(self.sampler.tune_length) and self._state.step
                >= int(self.sampler.adapt_steps) > 0}
        grid = self.exact()
        n = len(self.recent_samples())
        if with_ess:
            ess, rhat = self.ess(block=block)
            out["ess_bulk"] = ess
            out["rhat"] = rhat
            cost = self.grad_evals if self.grad_evals else self.energy_evals
            out["ess_per_grad_eval"] = ess / cost if cost else math.nan
            n = min(n, ess) if math.isfinite(ess) else n
        out["tv_noise_floor"] = grid.tv_noise_floor(n) if grid is not None and n else math.nan
        return out

    def trajectories_csv(self) -> str:
        """Every stored record as CSV rows step,chain,x,y,energy."""
        return self.history.to_csv()
