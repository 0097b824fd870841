"""The /stiff page's neuron race: Adam on the exact gradient and the antithetic ES fit a
Morris–Lecar neuron's current I_app to a voltage trace made at I* = 110, from the same start,
one step each per frame (seed 004; docs/stiff.md). GUI-free: the view draws ``landscape()``,
``positions()``, ``race()``, ``traces()`` and ``summary()``.
"""

from __future__ import annotations

import functools

import numpy as np
import param
from scipy.ndimage import gaussian_filter1d

from ...biophysics import MorrisLecarFit
from ...biophysics.fitting import Adam
from ...plasticity.search import EvolutionStrategy

TRUE_CURRENT = 110.0
#: the drawn window of I_app and its grid; the methods are kept within BOUNDS
WINDOW, GRID, BOUNDS = (80.0, 140.0), 241, (60.0, 160.0)
NEURON_SETTINGS = ("trace_s", "start", "sigma", "pairs", "es_rate", "gd_rate", "seed")


@functools.lru_cache(maxsize=6)
def _fit(duration_ms: float) -> MorrisLecarFit:
    return MorrisLecarFit(duration_ms=duration_ms)


@functools.lru_cache(maxsize=6)
def _raw_loss(duration_ms: float) -> np.ndarray:
    """The loss on the window's grid, once per process for a trace length (read-only: every
    session draws the same deterministic values)."""
    grid = np.linspace(*WINDOW, GRID)
    values = _fit(duration_ms)(grid[:, None])
    values.flags.writeable = False
    return values


class NeuronRaceSettings(param.Parameterized):
    """The trace, the shared start and each method's step."""

    trace_s = param.Selector(default=1.0, objects=[0.25, 1.0, 4.0], label="trace length (s)",
                             doc="Longer traces: more local minima of the loss (1 / 5 / 23).")
    start = param.Number(100.0, bounds=(85.0, 135.0), step=0.5, label="start I₀ (µA/cm²)")
    sigma = param.Number(6.0, bounds=(0.5, 15.0), step=0.5, label="ES σ",
                         doc="The ES descends the loss smoothed by a Gaussian of this width.")
    pairs = param.Integer(3, bounds=(1, 16), label="ES pairs P")
    es_rate = param.Number(0.5, bounds=(0.05, 5.0), step=0.05, label="ES learning rate")
    gd_rate = param.Number(0.5, bounds=(0.05, 5.0), step=0.05, label="gradient learning rate",
                           doc="Adam's step on the exact gradient dL/dI.")
    seed = param.Integer(0, bounds=(0, 10**6))


class NeuronRace(param.Parameterized):
    """Both methods from ``start``; a change of a setting starts them again."""

    def __init__(self, **settings):
        super().__init__()
        self.settings = NeuronRaceSettings(**settings)
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(NEURON_SETTINGS))

    @property
    def fit(self) -> MorrisLecarFit:
        return _fit(1000.0 * self.settings.trace_s)

    def reset(self) -> None:
        s = self.settings
        self.es = EvolutionStrategy(None, np.array([s.start]), s.sigma, s.pairs, s.es_rate,
                                    s.seed, block=1)
        self.gd_value = float(s.start)
        self.adam = Adam(1, s.gd_rate)
        self.step = 0
        self.gd_path, self.gd_loss, self.gd_gradient = [], [], []
        self.es_path, self.es_loss, self.es_evaluations = [], [], []
        self.population = np.zeros(0)
        self._score()

    def _score(self) -> None:
        """The current values' losses (and the gradient's step count): one simulation with
        its sensitivity for the gradient method, one population for the ES."""
        result = self.fit.evaluate([[self.gd_value]])
        self.gd_path.append(self.gd_value)
        self.gd_loss.append(float(result["loss"][0]))
        self.gd_gradient.append(float(result["gradient"][0, 0]))
        rules = np.clip(self.es.ask(), *BOUNDS)
        values = self.fit(rules)
        self.es.tell(np.where(np.isfinite(values), values, np.inf))
        self.population = rules[1:, 0]
        self.population_loss = values[1:]
        self.es_path.append(float(rules[0, 0]))
        self.es_loss.append(float(values[0]))
        self.es_evaluations.append(self.es.evaluations)

    def advance(self, n_steps: int) -> None:
        """``n_steps`` steps of each method."""
        for _ in range(int(n_steps)):
            k = self.step
            g = self.gd_gradient[-1]
            if not np.isfinite(g):
                raise ValueError(f"the gradient method's simulation diverged at step {k}")
            step = float(self.adam.step(np.array([g]))[0])
            self.gd_value = float(np.clip(self.gd_value + step, *BOUNDS))
            self.es.update()
            self.step += 1
            self._score()

    # -- what the view draws ----------------------------------------------------------------
    def landscape(self) -> dict:
        """The loss over I_app on the window, and smoothed by a Gaussian of the ES's σ (what
        the ES descends; edges held at the window's end values)."""
        grid = np.linspace(*WINDOW, GRID)
        raw = _raw_loss(1000.0 * self.settings.trace_s)
        smooth = gaussian_filter1d(raw, self.settings.sigma / (grid[1] - grid[0]),
                                   mode="nearest")
        return {"current": grid, "raw": raw, "smoothed": smooth, "truth": TRUE_CURRENT}

    def positions(self) -> dict:
        """Where each method is: the gradient method's value and loss, the ES mean's and its
        population's."""
        return {"gd": (self.gd_path[-1], self.gd_loss[-1]),
                "es": (self.es_path[-1], self.es_loss[-1]),
                "population": np.column_stack([self.population, self.population_loss])}

    def race(self) -> dict:
        """Per step: each method's loss against the simulations it has run, and |dL/dI| at
        the gradient method's values."""
        return {"gd_evaluations": np.arange(1, len(self.gd_loss) + 1, dtype=float),
                "gd_loss": np.array(self.gd_loss), "es_evaluations":
                np.array(self.es_evaluations, dtype=float), "es_loss": np.array(self.es_loss),
                "step": np.arange(len(self.gd_gradient)),
                "gradient": np.abs(np.array(self.gd_gradient))}

    def traces(self) -> dict:
        """The target voltage and both methods' current ones (ms, mV)."""
        fit = self.fit
        v = fit.traces([[self.gd_value], [self.es_path[-1]]])
        return {"time": fit.times, "target": fit.target, "gd": v[0], "es": v[1]}

    def summary(self) -> dict:
        return {"gd": {"current": self.gd_path[-1], "loss": self.gd_loss[-1],
                       "error": abs(self.gd_path[-1] - TRUE_CURRENT),
                       "simulations": len(self.gd_loss)},
                "es": {"current": self.es_path[-1], "loss": self.es_loss[-1],
                       "error": abs(self.es_path[-1] - TRUE_CURRENT),
                       "simulations": int(self.es_evaluations[-1])},
                "step": self.step}
