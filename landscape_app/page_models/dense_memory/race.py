"""The same corrupted cue recalled by a classical Hopfield network and by a dense memory.

Past the classical capacity (P > 0.138 N for random patterns, far less for correlated ones such
as character bitmaps), the Hebbian network falls into spurious or mixture states, while the dense
associative memory of degree n (capacity ∝ Nⁿ⁻¹) still retrieves the pattern. Both run
asynchronously from the same cue, with the same seed; the page replays their sweeps side by side.
"""

from __future__ import annotations

import numpy as np
import param

from ...dense_memory.dense import DenseAssociativeMemory
from ...dense_memory.interactions import INTERACTIONS
from ...hopfield import patterns as pattern_sets
from ...hopfield.capacity import ALPHA_CRITICAL
from ...hopfield.network import HopfieldNetwork
from ...params import Count, FiniteNumber


class RecallRace(param.Parameterized):
    """Classical vs dense recall of one cue (the model behind the page's race)."""

    source = param.Selector(default="random", objects=["random", "digits", "letters"],
                            doc="Random patterns, or character bitmaps (20 × 20).")
    n_patterns = Count(60, bounds=(2, 400), softbounds=(2, 200),
                       doc="How many patterns to store (random patterns).")
    interaction = param.Selector(default="polynomial", objects=list(INTERACTIONS),
                                 doc="F of the dense memory.")
    degree = Count(3, bounds=(2, 10), doc="Degree n of the dense memory.")
    target = Count(0, bounds=(0, 399), doc="Which stored pattern the cue comes from.")
    noise = FiniteNumber(0.2, bounds=(0.0, 0.5), step=0.01,
                         doc="Fraction of the cue's bits flipped.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of patterns, noise and order.")

    SIDE = pattern_sets.SIDE
    MAX_SWEEPS = 30

    def __init__(self, **params):
        super().__init__(**params)
        self.run()

    @property
    def n_neurons(self) -> int:
        return self.SIDE * self.SIDE

    def _patterns(self) -> np.ndarray:
        if self.source == "random":
            return pattern_sets.random_patterns(self.n_patterns, self.n_neurons, self.seed)
        return pattern_sets.characters(pattern_sets.CHARACTER_SETS[self.source])

    @param.depends("source", "n_patterns", "interaction", "degree", "target", "noise", "seed",
                   watch=True)
    def run(self):
        """Store, corrupt, and recall with both networks."""
        self.patterns = self._patterns()
        k = len(self.patterns)
        if self.target >= k:
            with param.parameterized.discard_events(self):
                self.target = k - 1
        self.cue = pattern_sets.corrupt(self.patterns[self.target], self.noise, self.seed)
        self.classical = HopfieldNetwork(self.n_neurons).store(self.patterns).recall(
            self.cue, mode="async", max_sweeps=self.MAX_SWEEPS, seed=self.seed)
        dense = DenseAssociativeMemory(self.n_neurons, self.interaction, self.degree)
        self.dense = dense.store(self.patterns).recall(
            self.cue, mode="async", max_sweeps=self.MAX_SWEEPS, seed=self.seed)
        self.dense_capacity = dense.capacity

    @property
    def n_frames(self) -> int:
        return max(len(self.classical.states), len(self.dense.states))

    @staticmethod
    def _at(result, frame):
        return min(frame, len(result.states) - 1)

    def frame(self, index: int) -> dict:
        """States (as images), the overlap with the target and the status of both at sweep
        ``index`` (a finished recall stays at its end)."""
        out = {}
        for name, result in (("classical", self.classical), ("dense", self.dense)):
            f = self._at(result, index)
            done = f == len(result.states) - 1
            out[name] = {
                "image": result.states[f].reshape(self.SIDE, self.SIDE),
                "overlap": float(result.overlaps[f, self.target]),
                "overlaps": result.overlaps[: f + 1, self.target],
                "status": result.status if done else "running",
                "sweep": f,
            }
        return out

    def verdict(self, result) -> str:
        m = result.overlaps[-1]
        best = int(np.argmax(np.abs(m)))
        if m[self.target] > 0.999:
            return "retrieved the pattern"
        if best != self.target and abs(m[best]) > 0.999:
            return f"fell into stored pattern #{best}"
        return f"spurious state (overlap {m[self.target]:.2f} with the target)"

    def describe(self) -> str:
        n, k = self.n_neurons, len(self.patterns)
        cap = ("≈ 2^(N/2)" if not np.isfinite(self.dense_capacity)
               else f"K_max ≈ {self.dense_capacity:,.0f}")
        return (f"N = {n}, P = {k} (classical capacity ≈ {ALPHA_CRITICAL} N = "
                f"{ALPHA_CRITICAL * n:.0f}; "
                f"dense {cap}). Classical: {self.verdict(self.classical)}; "
                f"dense: {self.verdict(self.dense)}.")
