"""The dense associative memory: E(σ) = −Σ_μ F(ξ_μ·σ) over K stored ±1 patterns.

With F(x) = x² it is the classical Hopfield network (up to a constant and the diagonal); higher
powers and the exponential make the minima around the patterns much sharper, so many more
patterns fit (see ``interactions``). Recall flips a neuron when that lowers E
(``kernels.dense_memory``); the API follows ``HopfieldNetwork``: ``store``, ``recall``,
``energy``.
"""

from __future__ import annotations

import numpy as np
import param

from ..hopfield.network import STATUS, RecallResult, as_pattern_matrix, check_recall_records
from ..hopfield.patterns import StoredPatterns
from ..kernels.dense_memory import dense_recall, dense_unstable_bits
from ..limits import check_memory, count, seed_value
from ..params import Count
from .interactions import INTERACTIONS, F_numpy, interaction_code, k_max

MODES = {"async": 0, "sync": 1}


class DenseAssociativeMemory(StoredPatterns, param.Parameterized):
    """``DenseAssociativeMemory(n_neurons, interaction="polynomial", degree=3)``."""

    n_neurons = Count(100, bounds=(1, None), doc="Number of neurons N.")
    interaction = param.Selector(default="polynomial", objects=list(INTERACTIONS),
                                 doc="F: xⁿ, max(x, 0)ⁿ or eˣ.")
    degree = Count(3, bounds=(1, 30), doc="The power n of the polynomial interactions.")

    def __init__(self, n_neurons=100, interaction="polynomial", degree=3, **params):
        super().__init__(n_neurons=n_neurons, interaction=interaction, degree=degree, **params)
        self._patterns = np.zeros((0, self.n_neurons), dtype=np.int8)
        self._columns = None

    # -- storage ---------------------------------------------------------------------------------
    def store(self, patterns) -> DenseAssociativeMemory:
        """Add ±1 patterns ((K, N) or (N,)); returns the memory. Storing is just keeping them:
        the couplings are the patterns themselves, used through F."""
        new = as_pattern_matrix(patterns, self.n_neurons)
        total = self._patterns.shape[0] + new.shape[0]
        needed = 2 * total * self.n_neurons  # the patterns and their transpose, int8
        check_memory(needed, f"{total:,} patterns of {self.n_neurons:,} neurons")
        self._patterns = np.concatenate([self._patterns, new])
        self._columns = None
        return self

    def clear(self) -> None:
        self._patterns = self._patterns[:0]
        self._columns = None

    @property
    def capacity(self) -> float:
        """K_max for the polynomial interactions (inf for the exponential one)."""
        if self.interaction == "exponential":
            return np.inf
        return k_max(self.n_neurons, self.degree)

    def _pattern_columns(self) -> np.ndarray:
        if self._columns is None:
            self._columns = np.ascontiguousarray(self._patterns.T)
        return self._columns

    # -- energy ----------------------------------------------------------------------------------
    def energy(self, state) -> float | np.ndarray:
        """E(σ) = −Σ_μ F(ξ_μ·σ) for a state (N,) or states (k, N); the states may be continuous
        (for slices of the landscape). For the exponential it overflows to −inf beyond
        overlaps of about 709."""
        v = np.asarray(state, dtype=np.float64)
        single = v.ndim == 1
        v = np.atleast_2d(v)
        if v.shape[1] != self.n_neurons:
            raise ValueError(f"state must have length {self.n_neurons}, got {v.shape[1]}")
        if not np.all(np.isfinite(v)):
            raise ValueError("state contains NaN or inf")
        m = v @ self._patterns.T.astype(np.float64)
        e = -F_numpy(m, self.interaction, self.degree).sum(axis=1)
        return float(e[0]) if single else e

    # -- dynamics --------------------------------------------------------------------------------
    def recall(self, cue, mode: str = "async", max_sweeps: int = 100, seed: int = 0,
               shuffle: bool = True) -> RecallResult:
        """Run the dynamics from ``cue`` (±1, length N) to a fixed point, a cycle or
        ``max_sweeps`` sweeps; the result has states, overlaps m_μ/N with every stored
        pattern, energies and the status, as ``HopfieldNetwork.recall``."""
        v0 = as_pattern_matrix(cue, self.n_neurons, "cue")[0].astype(np.float64)
        if mode not in MODES:
            raise ValueError(f"mode must be 'async' or 'sync', got {mode!r}")
        max_sweeps = count(max_sweeps, "max_sweeps")
        seed = seed_value(seed)
        check_recall_records(max_sweeps, self.n_neurons, self._patterns.shape[0])
        if self.n_patterns == 0:
            raise ValueError("store patterns before recalling")
        states, overlaps, energies, status = dense_recall(
            self._patterns, self._pattern_columns(), v0, interaction_code(self.interaction),
            int(self.degree), int(max_sweeps), int(seed), MODES[mode], bool(shuffle))
        return RecallResult(states, overlaps, energies, STATUS[status], mode)

    def unstable_bits(self, tested=None) -> np.ndarray:
        """For stored patterns (all, or the indices ``tested``): the fraction of their bits that
        one update from the pattern itself would flip."""
        tested = np.arange(self.n_patterns) if tested is None else np.asarray(tested)
        if tested.ndim != 1 or np.any((tested < 0) | (tested >= self.n_patterns)):
            raise ValueError(f"tested must be indices of stored patterns "
                             f"(0..{self.n_patterns - 1})")
        counts = dense_unstable_bits(self._patterns, self._pattern_columns(),
                                     tested.astype(np.int64),
                                     interaction_code(self.interaction), int(self.degree))
        return counts / self.n_neurons
