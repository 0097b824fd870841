"""The /stiff page's two-parameter race: Adam on the exact gradient, the antithetic ES and
CMA-ES (``cma``) fit a Morris–Lecar neuron's (I_app, g_Ca) to a voltage trace made at
(110, 4.4), from the same start, one step each per frame (seed 004; docs/stiff.md).

The methods work in scaled coordinates z = (I_app, g_Ca / 0.04), in which the drawn window is
square and one ES σ fits both parameters. GUI-free: the view draws ``landscape()``,
``positions()``, ``race()``, ``traces()`` and ``summary()``.
"""

from __future__ import annotations

import functools

import cma
import numpy as np
import param

from ...biophysics import MorrisLecarFit
from ...biophysics.fitting import Adam
from ...biophysics.landscape import loss_landscape
from ...limits import seed_value
from ...plasticity.search import EvolutionStrategy

FITTED = ("I_app", "g_Ca")
TRUTH = np.array([110.0, 4.4])
#: parameter = z × SCALE: the window is 40 × 40 in z
SCALE = np.array([1.0, 0.04])
#: the drawn window (parameter units) and its grid (points per side); the methods are kept
#: within BOUNDS
WINDOW = ((90.0, 130.0), (3.6, 5.2))
GRID = 49
BOUNDS = np.array([[60.0, 160.0], [2.0, 8.0]])
Z_BOUNDS = (BOUNDS / SCALE[:, None]).T
METHODS = ("gd", "es", "cma")
PLANE_SETTINGS = ("trace_s", "start_current", "start_g_ca", "sigma", "pairs", "es_rate",
                  "gd_rate", "seed")


@functools.lru_cache(maxsize=4)
def _fit(duration_ms: float) -> MorrisLecarFit:
    return MorrisLecarFit(fitted=FITTED, truth=tuple(TRUTH), duration_ms=duration_ms)


@functools.lru_cache(maxsize=4)
def _landscape(duration_ms: float) -> np.ndarray:
    """The loss on the window's grid (GRID², ~1 s for 1 s traces), once per process for a trace
    length (read-only: every session draws the same deterministic values)."""
    x, y = (np.linspace(*side, GRID) for side in WINDOW)
    values = loss_landscape(_fit(duration_ms), x, y)
    values.flags.writeable = False
    return values


class PlaneRaceSettings(param.Parameterized):
    """The trace, the shared start and each method's step (σ in units of I_app; g_Ca's is
    0.04 × σ)."""

    trace_s = param.Selector(default=1.0, objects=[0.25, 1.0], label="trace length (s)",
                             doc="Longer traces: more and narrower valleys.")
    start_current = param.Number(120.0, bounds=(90.0, 130.0), step=0.5,
                                 label="start I₀ (µA/cm²)")
    start_g_ca = param.Number(3.9, bounds=(3.6, 5.2), step=0.02, label="start g_Ca (mS/cm²)")
    sigma = param.Number(4.0, bounds=(0.5, 15.0), step=0.5, label="ES and CMA-ES σ",
                         doc="In units of I_app (g_Ca: 0.04 σ); CMA-ES adapts its own.")
    pairs = param.Integer(4, bounds=(1, 16), label="population: pairs P",
                          doc="The ES scores 2P + 1 runs a step, CMA-ES as many.")
    es_rate = param.Number(0.5, bounds=(0.05, 5.0), step=0.05, label="ES learning rate")
    gd_rate = param.Number(0.5, bounds=(0.05, 5.0), step=0.05, label="gradient learning rate",
                           doc="Adam's step on the exact gradient.")
    seed = param.Integer(0, bounds=(0, 10**6))


class PlaneRace(param.Parameterized):
    """The three methods from the start; a change of a setting starts them again."""

    def __init__(self, **settings):
        super().__init__()
        self.settings = PlaneRaceSettings(**settings)
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(PLANE_SETTINGS))

    @property
    def fit(self) -> MorrisLecarFit:
        return _fit(1000.0 * self.settings.trace_s)

    def reset(self) -> None:
        s = self.settings
        start = np.array([s.start_current, s.start_g_ca]) / SCALE
        seed = seed_value(s.seed)
        size = 2 * s.pairs + 1
        self.es = EvolutionStrategy(None, start, s.sigma, s.pairs, s.es_rate, seed, block=2)
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0xC3A]))
        self.cma = cma.CMAEvolutionStrategy(
            start, s.sigma, {"popsize": size, "bounds": list(Z_BOUNDS),
                             "randn": lambda *shape: rng.standard_normal(shape),
                             "verbose": -9, "CMA_elitist": False})
        self.adam = Adam(2, s.gd_rate)
        self.gd_z = start.copy()
        self.step = 0
        self.paths = {m: [] for m in METHODS}
        self.losses = {m: [] for m in METHODS}
        self.evaluations = {m: [] for m in METHODS}
        self.gradient_norm = []
        self.population = np.zeros((0, 2))
        self._cma_mean_loss = np.nan
        self._score()

    def _score(self) -> None:
        """One simulation with sensitivities for the gradient method; a population each for
        the ES and CMA-ES, scored in one call with the CMA mean's own run."""
        result = self.fit.evaluate(self.gd_z * SCALE)
        self._record("gd", self.gd_z, float(result["loss"][0]), len(self.losses["gd"]) + 1)
        self.gd_gradient = result["gradient"][0] * SCALE  # dL/dz
        self.gradient_norm.append(float(np.linalg.norm(result["gradient"][0])))
        rules = np.clip(self.es.ask(), *Z_BOUNDS)
        candidates = np.array(self.cma.ask())
        # CMA's mean may leave the bounds its samples are mapped into: drawn at the nearest
        # point inside them
        mean = np.clip(self.cma.mean, *Z_BOUNDS)
        values = self.fit(np.vstack([rules, candidates, mean[None]]) * SCALE)
        values = np.where(np.isfinite(values), values, np.inf)
        n = rules.shape[0]
        self.es.tell(values[:n])
        self.cma.tell(list(candidates), list(values[n:-1]))
        self.population = rules[1:] * SCALE
        self._record("es", rules[0], float(values[0]), self.es.evaluations)
        cma_runs = (self.evaluations["cma"][-1] if self.evaluations["cma"] else 0) \
            + candidates.shape[0] + 1
        self._record("cma", mean, float(values[-1]), cma_runs)

    def _record(self, method, z, loss, evaluations) -> None:
        self.paths[method].append(np.asarray(z, dtype=float) * SCALE)
        self.losses[method].append(loss if np.isfinite(loss) else np.nan)
        self.evaluations[method].append(float(evaluations))

    def advance(self, n_steps: int) -> None:
        """``n_steps`` steps of each method."""
        for _ in range(int(n_steps)):
            if not np.all(np.isfinite(self.gd_gradient)):
                raise ValueError("the gradient method's simulation diverged at step "
                                 f"{self.step}")
            self.gd_z = np.clip(self.gd_z + self.adam.step(self.gd_gradient),
                                *Z_BOUNDS)
            self.es.update()
            self.step += 1
            self._score()

    # -- what the view draws ----------------------------------------------------------------
    def landscape(self) -> dict:
        """The loss over the window (rows: g_Ca, columns: I_app), and the truth."""
        x, y = (np.linspace(*side, GRID) for side in WINDOW)
        return {"x": x, "y": y, "values": _landscape(1000.0 * self.settings.trace_s),
                "truth": tuple(TRUTH)}

    def positions(self) -> dict:
        """Each method's path (steps + 1, 2) in parameter units, and the ES population."""
        return {**{m: np.array(self.paths[m]) for m in METHODS},
                "population": self.population}

    def race(self) -> dict:
        """Per step: each method's loss against the simulations it has run, and the gradient's
        norm |∇L| (parameter units) at the gradient method's values."""
        out = {"step": np.arange(len(self.gradient_norm)),
               "gradient": np.array(self.gradient_norm)}
        for m in METHODS:
            out[f"{m}_evaluations"] = np.array(self.evaluations[m])
            out[f"{m}_loss"] = np.array(self.losses[m])
        return out

    def traces(self) -> dict:
        """The target voltage and each method's current one (ms, mV)."""
        fit = self.fit
        v = fit.traces(np.array([self.paths[m][-1] for m in METHODS]))
        return {"time": fit.times, "target": fit.target, **dict(zip(METHODS, v, strict=True))}

    def summary(self) -> dict:
        return {m: {"current": float(self.paths[m][-1][0]),
                    "g_ca": float(self.paths[m][-1][1]),
                    "loss": self.losses[m][-1],
                    "error": float(np.linalg.norm((self.paths[m][-1] - TRUTH) / SCALE)),
                    "simulations": int(self.evaluations[m][-1])} for m in METHODS} | {
            "step": self.step}
