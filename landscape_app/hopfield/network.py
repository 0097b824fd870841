"""The classical (discrete) Hopfield network: storage rules, recall, energy.

    Vᵢ ← g(Σⱼ Tᵢⱼ Vⱼ),  g(h) = +1 if h ≥ a else −1,    E(V) = −½ VᵀTV + a Σᵢ Vᵢ

Storage rules, for ±1 patterns ξ (N = number of neurons):

* ``hebbian``: T ← T + ξξᵀ/N, diagonal kept at zero (incremental);
* ``pseudo_inverse``: T = X (XᵀX)⁻¹ Xᵀ over all stored patterns X (N × P), diagonal zeroed:
  every stored pattern is a fixed point while the patterns are linearly independent;
* ``storkey``: T ← T + (ξξᵀ − ξ hᵀ − h ξᵀ)/N with hᵢⱼ = Σ_{k≠i,j} Tᵢₖξₖ (incremental,
  local, higher capacity than Hebb's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import param

from ..kernels.hopfield import async_recall, sync_recall
from ..limits import check_memory, count, seed_value
from ..params import Count, FiniteNumber
from .patterns import StoredPatterns

STATUS = ("converged", "cycle", "max_sweeps")
RULES = ("hebbian", "pseudo_inverse", "storkey")


def check_recall_records(max_sweeps: int, n_neurons: int, n_patterns: int) -> None:
    """Refuse a recall whose record (states int8, overlaps, energy and a hash per sweep, all
    allocated up front) would not fit in memory."""
    needed = (max_sweeps + 1) * (n_neurons + 8 * n_patterns + 16)
    check_memory(needed, f"a recall of up to {max_sweeps:,} sweeps",
                 "pass a smaller max_sweeps")


def as_pattern_matrix(patterns, n_neurons: int, name: str = "patterns") -> np.ndarray:
    """Validate ±1 patterns: one pattern (N,) or several (P, N); returns int8 (P, N)."""
    array = np.asarray(patterns)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != n_neurons:
        raise ValueError(f"{name} must have length n_neurons = {n_neurons} (shape (P, "
                         f"{n_neurons}) or ({n_neurons},)), got shape {np.shape(patterns)}")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numbers ±1, got dtype {array.dtype}")
    if not np.all((array == 1) | (array == -1)):
        bad = array[(array != 1) & (array != -1)].ravel()[:3]
        raise ValueError(f"{name} must contain only +1 and -1, found {bad.tolist()}")
    return array.astype(np.int8)


@dataclass
class RecallResult:
    """A recall: ``states`` int8 (sweeps + 1, N), ``overlaps`` (sweeps + 1, P) with every
    stored pattern, ``energies`` (sweeps + 1,), ``status`` converged | cycle | max_sweeps."""

    states: np.ndarray
    overlaps: np.ndarray
    energies: np.ndarray
    status: str
    mode: str

    @property
    def final_state(self) -> np.ndarray:
        return self.states[-1]

    @property
    def sweeps(self) -> int:
        return self.states.shape[0] - 1

    @property
    def cycle_period(self) -> int | None:
        """The period of the cycle that ended the recall (None if it did not end in one)."""
        if self.status != "cycle":
            return None
        last = self.states[-1]
        for k in range(self.states.shape[0] - 2, -1, -1):
            if np.array_equal(self.states[k], last):
                return self.states.shape[0] - 1 - k
        return None

    def best_match(self) -> tuple[int, float]:
        """(index, overlap) of the stored pattern closest to the final state (±)."""
        if self.overlaps.shape[1] == 0:
            return -1, math.nan
        k = int(np.argmax(np.abs(self.overlaps[-1])))
        return k, float(self.overlaps[-1, k])


class HopfieldNetwork(StoredPatterns, param.Parameterized):
    """A network of ``n_neurons`` ±1 neurons with couplings T learnt from stored patterns."""

    n_neurons = Count(100, bounds=(1, None), doc="Number of neurons N.")
    threshold = FiniteNumber(0.0, doc="Threshold a of g(h) = +1 if h ≥ a else −1.")
    rule = param.Selector(default="hebbian", objects=list(RULES), doc="Storage rule.")

    def __init__(self, n_neurons=100, **params):
        params["n_neurons"] = n_neurons
        super().__init__(**params)
        # float64 T, plus the int16 N·T that asynchronous recall reads under Hebb's rule
        needed = self.n_neurons**2 * (8 + (2 if self.rule == "hebbian" else 0))
        check_memory(needed, f"a Hopfield network of {self.n_neurons:,} neurons "
                             f"({self.n_neurons:,}² couplings)")
        self._weights = np.zeros((self.n_neurons, self.n_neurons))
        self._patterns = np.zeros((0, self.n_neurons), dtype=np.int8)
        self._pure_hebbian = self.rule == "hebbian"  # T = Σ ξξᵀ/N exactly (zero diagonal)
        self._derived = {}

    # -- storage ---------------------------------------------------------------------------
    @property
    def weights(self) -> np.ndarray:
        """The couplings T (read-only view)."""
        view = self._weights.view()
        view.flags.writeable = False
        return view

    @property
    def load(self) -> float:
        """α = P/N."""
        return self.n_patterns / self.n_neurons

    def clear(self) -> None:
        self._weights[:] = 0.0
        self._patterns = self._patterns[:0]
        self._pure_hebbian = self.rule == "hebbian"
        self._derived.clear()

    def set_weights(self, weights) -> None:
        """Use couplings given directly (square, finite, N × N)."""
        t = np.asarray(weights, dtype=np.float64)
        if t.ndim != 2 or t.shape[0] != t.shape[1]:
            raise ValueError(f"weights must be a square matrix, got shape {t.shape}")
        if t.shape[0] != self.n_neurons:
            raise ValueError(f"weights must be {self.n_neurons} × {self.n_neurons}, "
                             f"got {t.shape}")
        if not np.all(np.isfinite(t)):
            raise ValueError("weights contain NaN or inf")
        self._weights = t.copy()
        self._pure_hebbian = False
        self._derived.clear()

    def store(self, patterns) -> HopfieldNetwork:
        """Store ±1 patterns ((P, N) or (N,)) with the network's rule; returns the network."""
        new = as_pattern_matrix(patterns, self.n_neurons)
        x = new.astype(np.float64)
        n = self.n_neurons
        if self.rule == "hebbian":
            self._weights += x.T @ x / n
            np.fill_diagonal(self._weights, 0.0)
        elif self.rule == "storkey":
            for xi in x:
                h = self._weights @ xi
                # hᵢⱼ = hᵢ − Tᵢᵢξᵢ − Tᵢⱼξⱼ; with a zero diagonal, hᵢ − Tᵢⱼξⱼ
                local = h[:, None] - self._weights * xi[None, :]
                update = (np.outer(xi, xi) - xi[:, None] * local.T - local * xi[None, :]) / n
                self._weights += update
                np.fill_diagonal(self._weights, 0.0)
        self._patterns = np.concatenate([self._patterns, new])
        if self.rule == "pseudo_inverse":
            xs = self._patterns.astype(np.float64).T
            self._weights = xs @ np.linalg.pinv(xs.T @ xs) @ xs.T
            np.fill_diagonal(self._weights, 0.0)
        self._derived.clear()
        return self

    # -- dynamics ----------------------------------------------------------------------------
    def _cached(self, key, compute):
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    @property
    def is_symmetric(self) -> bool:
        return self._cached("symmetric", lambda: bool(
            np.allclose(self._weights, self._weights.T, rtol=0, atol=1e-12)))

    @property
    def pattern_columns(self) -> np.ndarray:
        """ξᵀ as float64 (N, P), contiguous: row i holds every pattern's bit i."""
        return self._cached("pattern_columns", lambda: np.ascontiguousarray(
            self._patterns.T, dtype=np.float64))

    def asynchronous_operands(self, state) -> tuple[np.ndarray, np.ndarray, float]:
        """(columns, fields, scale) for the asynchronous kernel, from a ±1 ``state``.

        ``columns[i]`` is column i of scale·T and ``fields`` = scale·TV. Under Hebb's rule
        N·T is a matrix of integers, |N·Tᵢⱼ| ≤ P: it is kept as int16 (a quarter of the
        memory traffic of float64 per flip, exact) with scale = N, and the fields come from
        the patterns in O(NP), N·TV = Σᵤ ξᵤ(ξᵤ·V) − P·V, instead of O(N²). Otherwise scale = 1,
        columns = T (or Tᵀ made contiguous when T is not symmetric) and fields = TV.
        """
        v = np.asarray(state, dtype=np.float64)
        p = self.n_patterns
        if self._pure_hebbian and 0 < p <= np.iinfo(np.int16).max:
            columns = self._cached("hebbian_int16", lambda: np.rint(
                self._weights * self.n_neurons).astype(np.int16))
            xi_t = self.pattern_columns
            fields = xi_t @ (xi_t.T @ v) - p * v
            return columns, fields, float(self.n_neurons)
        columns = self._weights if self.is_symmetric else self._cached(
            "transpose", lambda: np.ascontiguousarray(self._weights.T))
        return columns, self._weights @ v, 1.0

    def energy(self, state) -> float | np.ndarray:
        """E(V) = −½ VᵀTV + a ΣV for a state (N,) or states (k, N)."""
        v = np.asarray(state, dtype=np.float64)
        single = v.ndim == 1
        v = np.atleast_2d(v)
        if v.shape[1] != self.n_neurons:
            raise ValueError(f"state must have length {self.n_neurons}, got {v.shape[1]}")
        e = -0.5 * np.einsum("ki,ki->k", v, v @ self._weights.T) + self.threshold * v.sum(1)
        return float(e[0]) if single else e

    def local_fields(self, state) -> np.ndarray:
        return self._weights @ np.asarray(state, dtype=np.float64)

    def recall(self, cue, mode: str = "async", max_sweeps: int = 100, seed: int = 0,
               shuffle: bool = True) -> RecallResult:
        """Run the dynamics from ``cue`` (±1, length N) until a fixed point, a cycle or
        ``max_sweeps`` sweeps (a sweep: N single-neuron updates in random order when
        ``shuffle``, else in index order; or one synchronous update of all neurons)."""
        v0 = as_pattern_matrix(cue, self.n_neurons, "cue")[0].astype(np.float64)
        if mode not in ("async", "sync"):
            raise ValueError(f"mode must be 'async' or 'sync', got {mode!r}")
        max_sweeps = count(max_sweeps, "max_sweeps")
        seed = seed_value(seed)
        check_recall_records(max_sweeps, self.n_neurons, self._patterns.shape[0])
        if mode == "sync":
            states, overlaps, energies, status = sync_recall(
                self._weights, v0, float(self.threshold), self._patterns.astype(np.float64),
                int(max_sweeps))
        else:
            columns, fields, scale = self.asynchronous_operands(v0)
            states, overlaps, energies, status = async_recall(
                columns, fields, scale, v0, float(self.threshold), self.pattern_columns,
                int(max_sweeps), int(seed), bool(shuffle))
        return RecallResult(states, overlaps, energies, STATUS[status], mode)

    def one_step_errors(self) -> np.ndarray:
        """Fraction of bits of each stored pattern that one synchronous update flips."""
        x = self._patterns.astype(np.float64)
        h = x @ self._weights.T
        flipped = np.where(h >= self.threshold, 1, -1) != self._patterns
        return flipped.mean(axis=1)
