"""A recall session: the model behind the page's recall view (no GUI code).

Patterns (character bitmaps or random), a network storing them, a corrupted cue, and the state
advanced a few neuron updates at a time so the page can animate asynchronous recall inside a
sweep. Overlaps with every stored pattern and the energy are recorded as the state moves.
"""

from __future__ import annotations

import math

import numpy as np
import param

from ...hopfield import patterns as pattern_sets
from ...hopfield.network import RULES, HopfieldNetwork
from ...kernels.hopfield import async_updates
from ...params import Count, FiniteNumber


class RecallSession(param.Parameterized):
    """Store patterns, corrupt one into a cue, recall it step by step."""

    source = param.Selector(default="digits", objects=["digits", "letters", "random"],
                            doc="Character bitmaps (20 × 20) or random patterns.")
    n_patterns = Count(3, bounds=(1, 200), softbounds=(1, 60),
                       doc="How many patterns to store.")
    rule = param.Selector(default="hebbian", objects=list(RULES), doc="Storage rule.")
    mode = param.Selector(default="async", objects=["async", "sync"],
                          doc="One neuron at a time, or all at once.")
    threshold = FiniteNumber(0.0, softbounds=(-1.0, 1.0), doc="Threshold a.")
    # fixed bounds (the most patterns there can be), so that target and n_patterns can be set
    # together in any order; a target beyond the stored patterns is brought back to the last
    target = Count(0, bounds=(0, 199), doc="Which stored pattern the cue comes from.")
    noise = FiniteNumber(0.2, bounds=(0.0, 1.0), step=0.01,
                         doc="Fraction of the cue's bits flipped.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of patterns, noise, order.")

    SIDE = pattern_sets.SIDE

    def __init__(self, **params):
        super().__init__(**params)
        self._build()

    # -- patterns and cue -------------------------------------------------------------------
    def _pattern_set(self) -> np.ndarray:
        if self.source == "random":
            return pattern_sets.random_patterns(self.n_patterns, self.SIDE**2, self.seed)
        chars = pattern_sets.CHARACTER_SETS[self.source]
        return pattern_sets.characters(chars[:min(self.n_patterns, len(chars))])

    @param.depends("source", "n_patterns", "rule", "threshold", watch=True)
    def _build(self):
        patterns = self._pattern_set()
        self.network = HopfieldNetwork(patterns.shape[1], rule=self.rule,
                                       threshold=self.threshold).store(patterns)
        self.new_cue()

    @property
    def patterns(self) -> np.ndarray:
        return self.network.patterns

    @param.depends("target", "noise", "seed", watch=True)
    def new_cue(self):
        """A fresh cue: the target pattern with a fraction ``noise`` of its bits flipped."""
        if self.target >= self.network.n_patterns:
            with param.parameterized.discard_events(self):
                self.target = self.network.n_patterns - 1
        self.cue = pattern_sets.corrupt(self.patterns[self.target], self.noise, self.seed)
        self.restart()

    def toggle(self, index: int) -> None:
        """Flip bit ``index`` of the cue (a click on the picture) and restart from it."""
        if not 0 <= index < self.cue.size:
            raise ValueError(f"bit {index} is outside the pattern (0..{self.cue.size - 1})")
        self.cue[index] *= -1
        self.restart()

    # -- stepping ----------------------------------------------------------------------------
    def restart(self) -> None:
        """Put the state back on the cue."""
        net = self.network
        self.state = self.cue.astype(np.float64)
        # fields are kept as scale·TV (see HopfieldNetwork.asynchronous_operands)
        if self.mode == "async":
            self.columns, self.fields, self.scale = net.asynchronous_operands(self.state)
        else:
            self.columns, self.fields, self.scale = None, net.local_fields(self.state), 1.0
        self._pattern_columns = net.pattern_columns
        self.overlaps = self._pattern_columns.T @ self.state / net.n_neurons
        self.position = 0
        self.updates = 0
        self._sweep_flips = 0  # flips since the current sweep began
        self.rng = np.random.default_rng(self.seed + 1)
        self.order = self.rng.permutation(net.n_neurons)
        self.sweeps = [0.0]
        self.overlap_history = [self.overlaps.copy()]
        self.energy_history = [self.energy()]
        self.state_history = [self.state.astype(np.int8)]
        self._seen = {self.state.tobytes(): 0}  # a synchronous state → the sweep it came at
        self.status = "running"

    def energy(self) -> float:
        return float(-0.5 * self.state @ self.fields / self.scale
                     + self.network.threshold * self.state.sum())

    @property
    def done(self) -> bool:
        return self.status != "running"

    def step(self, updates: int) -> None:
        """Asynchronous: ``updates`` single-neuron updates. Synchronous: one sweep."""
        if self.done:
            return
        net = self.network
        n = net.n_neurons
        if self.mode == "sync":
            new = np.where(self.fields >= net.threshold, 1.0, -1.0)
            self.state = new
            self.fields = net.local_fields(new)
            self.overlaps = self._pattern_columns.T @ new / n
            self.updates += n
            # the kernel's rule (sync_recall): the previous state again is a fixed point, an
            # earlier one a cycle
            sweep = self.updates // n
            seen = self._seen.setdefault(new.tobytes(), sweep)
            if seen == sweep - 1:
                self.status = "converged"
            elif seen != sweep:
                self.status = "cycle"
        else:
            remaining = int(updates)
            while remaining > 0 and not self.done:
                count = min(remaining, n - self.position)
                start = self.position
                self.position, flips = async_updates(
                    self.columns, self.state, self.fields, float(net.threshold) * self.scale,
                    self.order, start, count, self._pattern_columns, self.overlaps)
                self.updates += count
                remaining -= count
                self._sweep_flips += flips
                if self.position == 0:  # a sweep ended: the kernel's rule (async_recall)
                    if self._sweep_flips == 0:  # every neuron checked, none flipped
                        self.status = "converged"
                    self._sweep_flips = 0
                    self.order = self.rng.permutation(n)
        self.sweeps.append(self.updates / n)
        self.overlap_history.append(self.overlaps.copy())
        self.energy_history.append(self.energy())
        self.state_history.append(self.state.astype(np.int8))

    # -- summaries ------------------------------------------------------------------------------
    def image(self, vector) -> np.ndarray:
        """A state as a SIDE × SIDE picture (the first SIDE² neurons)."""
        side = self.SIDE
        return np.asarray(vector, dtype=float)[: side * side].reshape(side, side)

    def recognized(self) -> tuple[int, float]:
        """(index, overlap) of the stored pattern nearest the current state."""
        if len(self.overlaps) == 0:
            return -1, math.nan
        k = int(np.argmax(np.abs(self.overlaps)))
        return k, float(self.overlaps[k])

    def progress(self) -> str:
        """Where recall stands, for the status line (the verdict is ``describe``)."""
        k, m = self.recognized()
        sweeps = self.updates / self.network.n_neurons
        cue = f"overlap with #{self.target} (the cue's pattern): {self.overlaps[self.target]:+.3f}"
        if self.updates == 0:
            return f"the cue: {cue}. Press Play to recall."
        if not self.done:
            return f"recalling, sweep {sweeps:.2f}: {cue}"
        return f"{self.status} after {sweeps:.2f} sweeps"

    def describe(self) -> str:
        k, m = self.recognized()
        sweeps = self.updates / self.network.n_neurons
        what = "its inverse " if m < 0 else ""
        quality = ("the stored pattern" if abs(m) > 0.999 else
                   "close to the stored pattern" if abs(m) > 0.9 else
                   "a spurious or mixture state (no pattern is close)")
        return (f"{self.status} after {sweeps:.2f} sweeps; nearest stored pattern: {what}#{k} "
                f"(overlap {m:+.3f}): {quality}")
