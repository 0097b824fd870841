"""A race of three fitting methods on a loss over two parameters, one step each per frame:
Adam on the exact gradient, the antithetic ES and CMA-ES (``cma``), from the same start (seed
004; docs/stiff.md). What /stiff's two-parameter tabs share: ``PlaneRace`` (a Morris–Lecar
neuron's I_app and g_Ca) and ``ReactionRace`` (Robertson's log₁₀ k₂ and log₁₀ k₃).

The methods work in scaled coordinates z = θ / scale, in which the drawn window is about square
and one σ serves both parameters. GUI-free: a view draws ``landscape()``, ``positions()``,
``race()``, ``traces()`` and ``summary()``.
"""

from __future__ import annotations

import cma
import numpy as np
import param

from ...biophysics.fitting import Adam
from ...limits import seed_value
from ...plasticity.search import EvolutionStrategy

METHODS = ("gd", "es", "cma")
RACE_SETTINGS = ("sigma", "pairs", "es_rate", "gd_rate", "seed")


class RaceSettings(param.Parameterized):
    """Each method's step; subclasses add the problem's start (and its other settings)."""

    sigma = param.Number(4.0, bounds=(0.01, 15.0), step=0.5, label="ES and CMA-ES σ",
                         doc="The ES's fixed σ and CMA-ES's initial one (scaled units).")
    pairs = param.Integer(4, bounds=(1, 16), label="population: pairs P",
                          doc="The ES scores 2P + 1 runs a step, CMA-ES as many.")
    es_rate = param.Number(0.5, bounds=(0.005, 5.0), step=0.05, label="ES learning rate")
    gd_rate = param.Number(0.5, bounds=(0.005, 5.0), step=0.05, label="gradient learning rate",
                           doc="Adam's step on the exact gradient.")
    seed = param.Integer(0, bounds=(0, 10**6))


class TwoParameterRace(param.Parameterized):
    """Subclasses give ``settings_class``, ``settings_names``, ``truth``, ``scale``,
    ``bounds`` (2, 2), ``window`` ((x0, x1), (y0, y1)), ``fit`` (``evaluate``, ``__call__``,
    ``traces`` on rows of θ), ``start_values()`` and ``landscape_values()``."""

    settings_class = RaceSettings
    settings_names: tuple[str, ...] = RACE_SETTINGS
    truth = np.zeros(2)
    scale = np.ones(2)
    bounds = np.array([[-1.0, 1.0], [-1.0, 1.0]])
    window = ((-1.0, 1.0), (-1.0, 1.0))
    grid = 41

    def __init__(self, **settings):
        super().__init__()
        self.settings = self.settings_class(**settings)
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(self.settings_names))

    @property
    def z_bounds(self):
        return tuple((self.bounds / self.scale[:, None]).T)

    def start_values(self) -> np.ndarray:
        raise NotImplementedError

    def landscape_values(self) -> np.ndarray:
        """The loss on the window's grid (rows: y, columns: x), read-only."""
        raise NotImplementedError

    @property
    def fit(self):
        raise NotImplementedError

    def reset(self) -> None:
        s = self.settings
        start = np.asarray(self.start_values(), dtype=float) / self.scale
        self.fit.parameters(start[None] * self.scale)  # refuses a start outside the model
        seed = seed_value(s.seed)
        size = 2 * s.pairs + 1
        self.es = EvolutionStrategy(None, start, s.sigma, s.pairs, s.es_rate, seed, block=2)
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0xC3A]))
        self.cma = cma.CMAEvolutionStrategy(
            start, s.sigma, {"popsize": size, "bounds": list(self.z_bounds),
                             "randn": lambda *shape: rng.standard_normal(shape),
                             "verbose": -9})
        self.adam = Adam(2, s.gd_rate)
        self.gd_z = start.copy()
        self.step = 0
        self.paths = {m: [] for m in METHODS}
        self.losses = {m: [] for m in METHODS}
        self.evaluations = {m: [] for m in METHODS}
        self.gradient_norm = []
        self.population = np.zeros((0, 2))
        self._score()

    def _score(self) -> None:
        """One simulation with sensitivities for the gradient method; a population each for
        the ES and CMA-ES, scored in one call with the CMA mean's own run."""
        result = self.fit.evaluate(self.gd_z * self.scale)
        self._record("gd", self.gd_z, float(result["loss"][0]), len(self.losses["gd"]) + 1)
        self.gd_gradient = result["gradient"][0] * self.scale  # dL/dz
        self.gradient_norm.append(float(np.linalg.norm(result["gradient"][0])))
        rules = np.clip(self.es.ask(), *self.z_bounds)
        candidates = np.array(self.cma.ask())
        # CMA's mean may leave the bounds its samples are mapped into: drawn at the nearest
        # point inside them
        mean = np.clip(self.cma.mean, *self.z_bounds)
        values = self.fit(np.vstack([rules, candidates, mean[None]]) * self.scale)
        values = np.where(np.isfinite(values), values, np.inf)
        n = rules.shape[0]
        self.es.tell(values[:n])
        self.cma.tell(list(candidates), list(values[n:-1]))
        self.population = rules[1:] * self.scale
        self._record("es", rules[0], float(values[0]), self.es.evaluations)
        cma_runs = (self.evaluations["cma"][-1] if self.evaluations["cma"] else 0) \
            + candidates.shape[0] + 1
        self._record("cma", mean, float(values[-1]), cma_runs)

    def _record(self, method, z, loss, evaluations) -> None:
        self.paths[method].append(np.asarray(z, dtype=float) * self.scale)
        self.losses[method].append(loss if np.isfinite(loss) else np.nan)
        self.evaluations[method].append(float(evaluations))

    def advance(self, n_steps: int) -> None:
        """``n_steps`` steps of each method."""
        for _ in range(int(n_steps)):
            if not np.all(np.isfinite(self.gd_gradient)):
                raise ValueError("the gradient method's simulation diverged at step "
                                 f"{self.step}")
            self.gd_z = np.clip(self.gd_z + self.adam.step(self.gd_gradient), *self.z_bounds)
            self.es.update()
            self.step += 1
            self._score()

    # -- what the view draws ----------------------------------------------------------------
    def landscape(self) -> dict:
        """The loss over the window (rows: the second parameter), and the truth."""
        x, y = (np.linspace(*side, self.grid) for side in self.window)
        return {"x": x, "y": y, "values": self.landscape_values(), "truth": tuple(self.truth)}

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
        """The fit's target and each method's current trajectory (``fit.traces``)."""
        v = self.fit.traces(np.array([self.paths[m][-1] for m in METHODS]))
        return {"target": self.fit.target, **dict(zip(METHODS, v, strict=True))}

    def summary(self) -> dict:
        """Per method: ``x``, ``y`` (parameter units), ``loss``, ``error`` (distance to the
        truth in scaled units), ``simulations``; and ``step``."""
        return {m: {"x": float(self.paths[m][-1][0]), "y": float(self.paths[m][-1][1]),
                    "loss": self.losses[m][-1],
                    "error": float(np.linalg.norm((self.paths[m][-1] - self.truth)
                                                  / self.scale)),
                    "simulations": int(self.evaluations[m][-1])} for m in METHODS} | {
            "step": self.step}
