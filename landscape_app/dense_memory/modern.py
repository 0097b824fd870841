"""The modern (continuous) Hopfield network of Ramsauer et al. 2020 (docs/science.md section 4).

Stored patterns x_1..x_M ∈ ℝᵈ (the columns of X), continuous state ξ ∈ ℝᵈ:

    E(ξ) = −lse(β, Xᵀξ) + ½ ξᵀξ + β⁻¹ log M + ½ max_μ ‖x_μ‖²,
    lse(β, z) = β⁻¹ log Σ_μ exp(β z_μ),
    ξ ← X softmax(β Xᵀξ)                                   (the update: attention)

The update never increases E (it is the concave–convex procedure on E). Large β: one update
lands on the nearest stored pattern; small β: the softmax spreads over many patterns and the
state settles in a *metastable* average of them, at β → 0 the mean of all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import param

from ..kernels.dense_memory import modern_energy, modern_recall
from ..limits import check_memory, count, finite
from ..params import FiniteNumber


@dataclass
class ModernRecall:
    """``states`` (updates + 1, d), ``energies`` (updates + 1,), ``attention``: the softmax
    weights over the stored patterns at the final state (M,), ``status``: "converged" or
    "max_updates"."""

    states: np.ndarray
    energies: np.ndarray
    attention: np.ndarray
    status: str

    @property
    def final(self) -> np.ndarray:
        return self.states[-1]

    @property
    def n_updates(self) -> int:
        return self.states.shape[0] - 1

    @property
    def effective_patterns(self) -> float:
        """1 / Σ p_μ²: about 1 at a single retrieved pattern, about M at the global average."""
        return float(1.0 / np.sum(self.attention ** 2))


class ModernHopfield(param.Parameterized):
    """``ModernHopfield(beta=1.0)``; ``store(patterns)`` with patterns (M, d), any real values."""

    beta = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                        softbounds=(0.01, 10.0), doc="Inverse temperature β of the softmax.")

    def __init__(self, beta=1.0, **params):
        super().__init__(beta=beta, **params)
        self._patterns = None

    def store(self, patterns) -> ModernHopfield:
        """Add patterns (M, d) or one (d,); returns the network."""
        x = np.asarray(patterns, dtype=np.float64)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
            raise ValueError(f"patterns must be an array (M, d), got shape {np.shape(patterns)}")
        if not np.all(np.isfinite(x)):
            raise ValueError("patterns contain NaN or inf")
        if self._patterns is not None and x.shape[1] != self._patterns.shape[1]:
            raise ValueError(f"patterns must have dimension {self._patterns.shape[1]}, "
                             f"got {x.shape[1]}")
        self._patterns = x if self._patterns is None else np.concatenate([self._patterns, x])
        self._patterns = np.ascontiguousarray(self._patterns)
        return self

    @property
    def patterns(self) -> np.ndarray:
        if self._patterns is None:
            raise ValueError("store patterns first")
        return self._patterns.copy()

    @property
    def dimension(self) -> int:
        return 0 if self._patterns is None else self._patterns.shape[1]

    @property
    def n_patterns(self) -> int:
        return 0 if self._patterns is None else self._patterns.shape[0]

    def _offset(self) -> float:
        return (np.log(self.n_patterns) / self.beta
                + 0.5 * float(np.max(np.sum(self._patterns ** 2, axis=1))))

    def _state(self, xi) -> np.ndarray:
        if self._patterns is None:
            raise ValueError("store patterns first")
        v = np.asarray(xi, dtype=np.float64)
        if v.shape[-1] != self.dimension or v.ndim > 2:
            raise ValueError(f"states must have dimension {self.dimension}, got shape "
                             f"{np.shape(xi)}")
        if not np.all(np.isfinite(v)):
            raise ValueError("state contains NaN or inf")
        return np.ascontiguousarray(v)

    def energy(self, xi) -> float | np.ndarray:
        """E(ξ) for a state (d,) or states (k, d)."""
        v = self._state(xi)
        offset, beta = self._offset(), float(self.beta)
        if v.ndim == 1:
            return float(modern_energy(self._patterns, v, beta, offset))
        return np.array([modern_energy(self._patterns, row, beta, offset) for row in v])

    def attention(self, xi) -> np.ndarray:
        """softmax(β Xᵀξ): the weight of each stored pattern in the next state."""
        z = self.beta * (self._patterns @ self._state(xi))
        w = np.exp(z - z.max())
        return w / w.sum()

    def update(self, xi) -> np.ndarray:
        """One update ξ ← X softmax(β Xᵀξ)."""
        return self.attention(xi) @ self._patterns

    def recall(self, cue, max_updates: int = 1, tol: float = 0.0) -> ModernRecall:
        """``max_updates`` updates from ``cue`` (stopping early when ‖Δξ‖∞ ≤ ``tol``)."""
        v = self._state(cue)
        if v.ndim != 1:
            raise ValueError("recall takes one cue of shape (d,)")
        max_updates = count(max_updates, "max_updates")
        # states (d,) and an energy per update, allocated up front
        check_memory((max_updates + 1) * 8 * (v.shape[0] + 1),
                     f"a recall of up to {max_updates:,} updates", "pass a smaller max_updates")
        tol = finite(tol, "tol", low=0.0)
        states, energies, weights, converged = modern_recall(
            self._patterns, v, float(self.beta), self._offset(), int(max_updates), float(tol))
        return ModernRecall(states, energies, weights, "converged" if converged else
                            "max_updates")


def fixed_point_profile(network: ModernHopfield, cue, betas, max_updates: int = 200,
                        tol: float = 1e-9) -> np.ndarray:
    """For each β in ``betas``: 1/Σp² at the fixed point reached from ``cue`` (the number of
    patterns the state averages over: 1 for a retrieved pattern, many for a metastable state,
    about M for the global average)."""
    out = []
    original = network.beta
    try:
        for beta in np.asarray(betas, dtype=float):
            network.beta = float(beta)
            out.append(network.recall(cue, max_updates=max_updates, tol=tol).effective_patterns)
    finally:
        network.beta = original
    return np.array(out)
