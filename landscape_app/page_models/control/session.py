"""What the /control page solves: a ``ControlledHopfield``, a start u(0) and the solver's
settings, with the authors' cases as presets. No Panel here: the page builds on it."""

from __future__ import annotations

import numpy as np
import param

from ...control.model import ControlledHopfield
from ...params import Count, FiniteNumber

#: the authors' cases (docs/science.md section 5); α = 1 − μ
PRESETS = {
    "Recognize (α = 0: μ = 1)": dict(mu=1.0, discount=0.0, activation="arctan", dt=1.0,
                                     K=0.5, horizon=50, start=(-1.0, 0.5)),
    "Record (α = 0.9995)": dict(mu=0.0005, discount=0.0, activation="arctan", dt=1.0, K=0.5,
                                horizon=50, start=(-1.0, 0.5)),
    "Wander (α = 0.5, λ = 0.25)": dict(mu=0.5, discount=0.25, activation="arctan", dt=1.0,
                                       K=0.5, horizon=50, start=(-1.0, 0.5)),
    "Cycle (step g, Δt = 1, no control)": dict(activation="step", dt=1.0, K=0.0, mu=0.0005,
                                               discount=0.0, horizon=30, start=(1.0, 0.0)),
    "No cycle (step g, Δt = 0.1)": dict(activation="step", dt=0.1, K=0.0, mu=0.0005,
                                        discount=0.0, horizon=200, start=(1.0, 0.0)),
}


#: most learning rounds a link may ask for (each is a solve of 5–40 ms)
MAX_ROUNDS = 40


class LearningStarts(param.List):
    """A list of at most ``MAX_ROUNDS`` starts u(0) = [u₁, u₂], each two finite numbers."""

    def _validate_value(self, value, allow_None):
        super()._validate_value(value, allow_None)
        if value is None:
            return
        if len(value) > MAX_ROUNDS:
            raise ValueError(f"at most {MAX_ROUNDS} learning rounds, not {len(value)}")
        for u0 in value:
            ok = (isinstance(u0, (list, tuple)) and len(u0) == 2
                  and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                          and np.isfinite(v) for v in u0))
            if not ok:
                raise ValueError(f"a learning round starts at [u₁, u₂], two finite numbers, "
                                 f"not {u0!r}")


class ControlSession(param.Parameterized):
    """The model, u(0) and the solver settings of one page; ``solve()`` refreshes ``solution``."""

    u1 = FiniteNumber(-1.0, softbounds=(-1.5, 1.5), label="u₁(0)", doc="Start of neuron 1.")
    u2 = FiniteNumber(0.5, softbounds=(-1.5, 1.5), label="u₂(0)", doc="Start of neuron 2.")
    restarts = Count(4, bounds=(1, 20), doc="Random initial controls tried.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of the initial controls.")
    grid = Count(5, bounds=(2, 15), softbounds=(2, 11), label="Grid (starts per side)",
                 doc="Multistart: starts per side of the grid.")
    window = FiniteNumber(1.5, bounds=(0.0, None), inclusive_bounds=(False, True),
                          softbounds=(0.5, 3.0), step=0.1, label="Window ±",
                          doc="Multistart: the grid covers [−window, window]².")

    rounds = LearningStarts(default=[], doc="Iterated learning: u(0) of every round learned so "
                        "far, in order; set, the rounds are learned again from T = A (a link "
                        "or a story's scene reopens the same memories).")

    def __init__(self, **params):
        super().__init__(**params)
        self.model = ControlledHopfield()
        self.solution = None
        self.last_round = None
        self._learning = False
        if self.rounds:
            self._relearn()

    @param.depends("rounds", watch=True)
    def _relearn(self):
        if self._learning:
            return
        self.model.reset_learning()
        self.last_round = None
        for u0 in self.rounds:
            self.last_round = self.model.learn(np.array(u0), restarts=self.restarts,
                                               seed=self.seed)

    def learn(self):
        """One round of iterated learning from u(0) (appended to ``rounds``)."""
        round_ = self.model.learn(self.start, restarts=self.restarts, seed=self.seed)
        self.last_round = round_
        self._learning = True
        try:
            self.rounds = [*self.rounds, [float(self.u1), float(self.u2)]]
        finally:
            self._learning = False
        return round_

    def reset_learning(self):
        """T ← A, no rounds."""
        self.rounds = []

    @property
    def start(self) -> np.ndarray:
        return np.array([self.u1, self.u2])

    def apply(self, preset: str):
        settings = dict(PRESETS[preset])
        u1, u2 = settings.pop("start")
        self.model.param.update(**settings)
        self.param.update(u1=u1, u2=u2)

    def matching_preset(self) -> str | None:
        """The preset whose settings are the current ones, or None (settings changed by hand)."""
        for name, settings in PRESETS.items():
            settings = dict(settings)
            start = settings.pop("start")
            if (np.allclose(start, self.start)
                    and all(getattr(self.model, k) == v for k, v in settings.items())):
                return name
        return None

    def solve(self):
        self.solution = self.model.solve(self.start, restarts=self.restarts, seed=self.seed)
        return self.solution


class NetworkSession(param.Parameterized):
    """N neurons: a sparse random A (``density``), its silent synapses bounded by k."""

    n_neurons = Count(20, bounds=(3, 60), doc="Neurons N.")
    density = FiniteNumber(0.2, bounds=(0.0, 1.0), step=0.05,
                           doc="Probability that a synapse exists (A ≠ 0).")
    coupling_seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of A and of u(0).")

    def __init__(self, **params):
        super().__init__(**params)
        self.model = ControlledHopfield(A=self.couplings(), eps=0.3, dt=0.5, horizon=100,
                                        mu=0.001, K=0.5, k=0.0)
        self.solution = None

    def couplings(self) -> np.ndarray:
        from ...control.model import random_couplings

        return random_couplings(self.n_neurons, self.density, seed=self.coupling_seed)

    @param.depends("n_neurons", "density", "coupling_seed", watch=True)
    def _rebuild(self):
        self.model.A = self.couplings()
        self.solution = None

    @property
    def start(self) -> np.ndarray:
        return np.random.default_rng(self.coupling_seed + 1).uniform(-1, 1, self.n_neurons)

    def solve(self):
        self.solution = self.model.solve(self.start, restarts=1, seed=self.coupling_seed)
        return self.solution
