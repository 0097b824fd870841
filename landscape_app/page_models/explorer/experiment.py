"""Experiments: samplers running live on a landscape, stepped on demand (no GUI code here).

``Experiment`` is the model behind the explorer page and behind each column of the comparison:
one landscape (a ``Scene``), one sampler, its chains, and what the views show about them: the
recent tail of every chain, a window of recent samples, the energy trace, acceptance, costs,
divergences, the distance to the exact density at the current temperature, basin statistics.
``Comparison`` runs several experiments on one shared scene with the same starts.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import param

from ... import landscapes, samplers
from ...params import Count, FiniteNumber, FinitePoint
from ...samplers.diagnostics import arviz_ready, ess_and_rhat
from ...samplers.schedules import SCHEDULES
from ..scene import Scene

LANDSCAPE_CHOICES = [*landscapes.names(), "expression"]
OPTIMIZERS = ("GradientDescent", "Momentum", "EvolutionStrategy")
#: parameters an experiment passes to whichever sampler is active
SHARED_SAMPLER_PARAMS = ("temperature", "schedule", "cooling_rate", "anneal_steps",
                         "final_temperature", "n_chains", "seed")
DEFAULT_EXPRESSION = "x**2 - y**2 + 0.1*(x**4 + y**4)"
#: the view of a typed landscape: holds the default expression's minima at (0, ±√5)
EXPRESSION_WINDOW = (-3.0, 3.0, -3.0, 3.0)


class RingBuffer:
    """The last ``capacity`` records of a (records, chains, 2) stream, without reallocation."""

    def __init__(self, capacity: int, n_chains: int):
        self.capacity = int(capacity)
        self.data = np.full((self.capacity, n_chains, 2), np.nan)
        self.count = 0
        self.head = 0  # next row to write

    def append(self, block: np.ndarray) -> None:
        block = block[-self.capacity:]
        k = block.shape[0]
        first = min(k, self.capacity - self.head)
        self.data[self.head:self.head + first] = block[:first]
        self.data[:k - first] = block[first:]
        self.head = (self.head + k) % self.capacity
        self.count = min(self.capacity, self.count + k)

    def ordered(self) -> np.ndarray:
        """The stored records, oldest first: (count, chains, 2)."""
        if self.count < self.capacity:
            return self.data[:self.count].copy()
        return np.concatenate([self.data[self.head:], self.data[:self.head]])


def build_landscape(name: str, expression: str):
    """The landscape ``name`` (or the typed ``expression``), or the message of why not."""
    if name != "expression":
        return landscapes.get(name)
    # sympy (0.3 s to import) only for typed expressions
    from ...landscapes.expression import ExpressionError

    try:
        return landscapes.from_expression(expression, window=EXPRESSION_WINDOW)
    except ExpressionError as error:
        return f"Expression not valid: {error}"


def _shape_error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if not isinstance(error, ValueError) else str(error)


class Experiment(param.Parameterized):
    """A sampler's chains on a landscape, advanced on demand, with live diagnostics."""

    landscape = param.Selector(default="muller_brown", objects=LANDSCAPE_CHOICES,
                               doc="A landscape of the library, or 'expression'.")
    expression = param.String(default=DEFAULT_EXPRESSION,
                              doc="E(x, y) used when landscape is 'expression'.")
    # a plain tuple, checked in ``_on_window``: a window typed wrong is reported, not raised
    window = param.NumericTuple((-1.5, 1.2, -0.4, 2.0), length=4,
                                doc="The view window (x_min, x_max, y_min, y_max).")
    method = param.Selector(default="HMC", objects=list(samplers.METHODS),
                            doc="The sampler or optimizer.")
    temperature = FiniteNumber(18.6, bounds=(0.0, None), softbounds=(0.0, 50.0),
                               doc="Temperature T (the initial T when annealing).")
    schedule = param.Selector(default="constant", objects=list(SCHEDULES),
                              doc="Annealing schedule T(k).")
    cooling_rate = FiniteNumber(0.999, bounds=(0.0, 1.0), inclusive_bounds=(False, True),
                                softbounds=(0.99, 1.0), step=0.0005,
                                doc="Factor a of the exponential schedule T₀aᵏ.")
    anneal_steps = Count(2000, bounds=(1, None), softbounds=(10, 20000),
                         doc="Steps of the linear schedule.")
    final_temperature = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 10.0),
                                     doc="Floor of the annealing schedule.")
    n_chains = Count(100, bounds=(1, 5000), softbounds=(1, 1000),
                     doc="Number of chains.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of the starts and noise.")
    start_point = FinitePoint(default=None, allow_None=True,
                              doc="Common start of every chain; None: random starts.")
    tail_length = Count(40, bounds=(2, 500), doc="Recent records drawn per chain.")
    sample_window = Count(400, bounds=(10, 20000),
                          doc="Recent records used for histograms, TV and ESS.")
    autotune = param.Boolean(True, doc="Adopt settings suited to each new landscape.")

    error = param.String("", doc="The last problem to show (empty when all is well).")
    notice = param.String("", doc="Divergences and other events of the last step.")

    def __init__(self, scene: Scene | None = None, **params):
        self._given_params = set(params)
        self._samplers: dict[str, samplers.Sampler] = {}
        self._state = None
        self.scene = scene
        super().__init__(**params)
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

    @param.depends("method", watch=True)
    def _on_method(self):
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
        self.trace_steps: list = []
        self.trace_mean: list = []
        self.trace_low: list = []
        self.trace_high: list = []
        self.tv_history: list = []  # (evaluations, TV)
        self.last_proposal = None
        self.last_path = None
        self.last_accepted = None
        self.history_chunks = [(np.array([0]), positions[None].copy(), self.energies[None].copy())]
        self.history_records = 1
        self._start_basins = None
        self._exit_step = np.full(n, -1, dtype=np.int64)
        self.messages: list[str] = []
        self.error = ""
        self._record_trace(np.array([0]), self.energies[None])

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
        new = run.positions[1:]
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
        self._record_trace(run.steps[1:], run.energies[1:])
        self._record_history(run)
        self._record_basin_exits(run)
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

    def _record_trace(self, steps, energies):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(energies, axis=1)
            low, high = np.nanpercentile(energies, [10, 90], axis=1)
        self.trace_steps.extend(steps.tolist())
        self.trace_mean.extend(mean.tolist())
        self.trace_low.extend(low.tolist())
        self.trace_high.extend(high.tolist())
        if len(self.trace_steps) > 4000:  # keep the trace light: halve its resolution
            for name in ("trace_steps", "trace_mean", "trace_low", "trace_high"):
                setattr(self, name, getattr(self, name)[::2])

    MAX_HISTORY_VALUES = 4_000_000

    def _record_history(self, run):
        self.history_chunks.append((run.steps[1:], run.positions[1:], run.energies[1:]))
        self.history_records += run.n_steps
        while (self.history_records * self.n_chains > self.MAX_HISTORY_VALUES
               and len(self.history_chunks) > 1):
            dropped = self.history_chunks.pop(0)
            self.history_records -= len(dropped[0])

    def _record_basin_exits(self, run):
        if self._start_basins is None:
            return
        pending = self._exit_step < 0
        if not pending.any():
            return
        positions = run.positions[1:, pending]
        labels = self.scene.basins.label_of(positions.reshape(-1, 2)).reshape(positions.shape[:2])
        left = (labels != self._start_basins[pending]) & (labels >= 0)
        has_left = left.any(axis=0)
        first = left.argmax(axis=0)
        idx = np.flatnonzero(pending)[has_left]
        self._exit_step[idx] = run.steps[1:][first[has_left]]

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
        pts = self.recent.ordered().reshape(-1, 2)
        return pts[np.all(np.isfinite(pts), axis=1)]

    def tv_to_exact(self) -> float:
        """TV between the recent samples and p_T at the current temperature (NaN at T = 0)."""
        grid = self.exact()
        if grid is None or self.recent.count == 0:
            return math.nan
        pts = self.recent_samples()
        return grid.tv_distance(pts) if len(pts) else math.nan

    def marginals(self):
        """Per axis ("x", "y"): (bin edges, sample fractions, exact fractions or None)."""
        grid = self.exact()
        pts = self.recent_samples()
        if grid is not None:
            sx, sy = grid.marginal_histograms(pts) if len(pts) else (None, None)
            return {"x": (grid.x_edges, sx, grid.marginal_x),
                    "y": (grid.y_edges, sy, grid.marginal_y)}
        x0, x1, y0, y1 = self.scene.window
        out = {}
        for axis, lo, hi, col in (("x", x0, x1, 0), ("y", y0, y1, 1)):
            edges = np.linspace(lo, hi, 51)
            counts = np.histogram(pts[:, col], bins=edges)[0] if len(pts) else np.zeros(50)
            out[axis] = (edges, counts / max(counts.sum(), 1), None)
        return out

    def ensure_basins(self):
        """Start tracking basins (global-minimum fraction, time to leave the start basin)."""
        if self._start_basins is None:
            self._start_basins = self.scene.basins.label_of(self.starts)
            # chains may already have moved: check the stored history once
            for steps, positions, _ in self.history_chunks[1:]:
                fake = _HistoryRun(steps, positions)
                self._record_basin_exits(fake)

    def basin_statistics(self) -> dict:
        self.ensure_basins()
        basins = self.scene.basins
        labels = basins.label_of(self.positions)
        live = np.all(np.isfinite(self.positions), axis=1)
        in_global = float(np.mean(labels[live] == basins.global_label)) if live.any() else math.nan
        left = self._exit_step >= 0
        return {
            "fraction_in_global_basin": in_global,
            "fraction_left_start_basin": float(left.mean()),
            "mean_exit_step": float(self._exit_step[left].mean()) if left.any() else math.nan,
        }

    def ess(self, block: bool = True) -> tuple[float, float]:
        """(bulk ESS, R̂) of the recent window, min/max over the coordinates (ArviZ).

        With ``block=False`` it returns NaNs while ArviZ is still being imported.
        """
        if not block and not arviz_ready():
            return math.nan, math.nan
        draws = self.recent.ordered()
        live = np.all(np.isfinite(draws), axis=(0, 2))
        draws = draws[:, live]
        if draws.shape[0] < 4 or draws.shape[1] < 1:
            return math.nan, math.nan
        draws = draws[:, :500]
        values = [ess_and_rhat(draws[:, :, k].T) for k in range(2)]
        scale = live.sum() / draws.shape[1]
        return min(v[0] for v in values) * scale, max(v[2] for v in values)

    def summary(self, with_ess: bool = False, block: bool = True) -> dict:
        """The numbers the views display (``block=False``: see ``ess``)."""
        out = {
            "method": self.method,
            "step": self.steps_done,
            "temperature": self.current_temperature,
            "acceptance_rate": self.acceptance_rate,
            "recent_acceptance": self.recent_acceptance,
            "grad_evals": self.grad_evals,
            "evaluations": self.grad_evals + self.energy_evals,
            "tv_to_exact": self.tv_to_exact(),
            "diverged": 0 if self._state is None else int((~self._state.live).sum()),
            "mean_energy": float(np.nanmean(self.energies)) if np.isfinite(self.energies).any()
            else math.nan,
        }
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
        lines = ["step,chain,x,y,energy"]
        for steps, positions, energies in self.history_chunks:
            n_rec, n = energies.shape
            block = np.column_stack([
                np.repeat(steps, n), np.tile(np.arange(n), n_rec),
                positions[..., 0].ravel(), positions[..., 1].ravel(), energies.ravel()])
            lines.extend(f"{int(s)},{int(c)},{x:.10g},{y:.10g},{e:.10g}" for s, c, x, y, e in block)
        return "\n".join(lines) + "\n"


class _HistoryRun:
    """The slice of a Run that ``_record_basin_exits`` reads, rebuilt from stored history."""

    def __init__(self, steps, positions):
        self.steps = np.concatenate([[steps[0] - 1], steps])
        self.positions = np.concatenate([positions[:1], positions])


class Comparison(param.Parameterized):
    """Two to four samplers on one landscape, with the same seed and starts, stepped together."""

    landscape = param.Selector(default="muller_brown", objects=LANDSCAPE_CHOICES,
                               doc="The shared landscape.")
    expression = param.String(default=DEFAULT_EXPRESSION, doc="E(x, y) for 'expression'.")
    methods = param.ListSelector(default=["MALA", "HMC", "RandomWalkMetropolis"],
                                 objects=list(samplers.METHODS),
                                 doc="The samplers compared (two to four).")
    temperature = FiniteNumber(18.6, bounds=(0.0, None), softbounds=(0.0, 50.0),
                               doc="Temperature T.")
    n_chains = Count(100, bounds=(1, 2000), softbounds=(1, 500), doc="Chains each.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Shared seed (same starts).")
    error = param.String("")

    def __init__(self, **params):
        super().__init__(**params)
        self._check_methods(self.methods)
        self.scene = None
        self.experiments: list[Experiment] = []
        self._load_scene()
        self._build_experiments()

    @staticmethod
    def _check_methods(methods):
        if not 2 <= len(methods) <= 4:
            raise ValueError(f"compare two to four samplers, got {len(methods)}")

    def _load_scene(self) -> bool:
        land = build_landscape(self.landscape, self.expression)
        if isinstance(land, str):
            self.error = land
            return False
        self.error = ""
        self.scene = Scene(land)
        self.temperature = self.scene.suggestions["temperature"]
        return True

    @property
    def ordered_methods(self) -> list[str]:
        """The chosen samplers in the registry's order: the order in which the page's sampler
        chips show them (plots and table rows once followed the order of choosing)."""
        return [m for m in samplers.METHODS if m in self.methods]

    def _build_experiments(self):
        self.experiments = [
            Experiment(scene=self.scene, method=m, temperature=self.temperature,
                       n_chains=self.n_chains, seed=self.seed)
            for m in self.ordered_methods]
        for exp in self.experiments:
            exp.ensure_basins()

    @param.depends("landscape", "expression", watch=True)
    def _on_landscape(self):
        if self._load_scene():
            for exp in self.experiments:
                exp.temperature = self.temperature
                exp.set_scene(self.scene)
                exp.ensure_basins()

    @param.depends("methods", watch=True)
    def _on_methods(self):
        self._check_methods(self.methods)
        self._build_experiments()

    @param.depends("temperature", "n_chains", "seed", watch=True)
    def _on_shared(self):
        for exp in self.experiments:
            exp.param.update(temperature=self.temperature, n_chains=self.n_chains, seed=self.seed)
            exp.ensure_basins()

    def reset(self):
        for exp in self.experiments:
            exp.reset()
            exp.ensure_basins()

    def advance(self, n_steps: int = 1) -> list[str]:
        messages = []
        for exp in self.experiments:
            messages += [f"{exp.method}: {m}" for m in exp.advance(n_steps)]
        return messages

    @property
    def steps_done(self) -> int:
        return self.experiments[0].steps_done if self.experiments else 0

    def summary(self, with_ess: bool = True, block: bool = True) -> list[dict]:
        rows = []
        for exp in self.experiments:
            row = exp.summary(with_ess=with_ess, block=block)
            row.update(exp.basin_statistics())
            rows.append(row)
        return rows
