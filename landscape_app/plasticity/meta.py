"""The meta-loss of a plasticity rule (seed 002; docs/plasticity.md):

    L(A) = ⟨ (1 − |cos(w_T, PC1)|) + ν (ln ‖w_T‖)² ⟩_tasks + λ ‖A‖₁

w_T the neuron's weights after the task's presentations under rule A. Why this form: |cos|
ignores the sign (w and −w are the same component) and the norm term pins the scale at
‖w‖ = 1 symmetrically in the ratio (Oja's fixed point has ‖w‖² = A₁₁₀ / (−A₀₂₁), so a ratio r
and 1/r score alike); a squared error to ±PC1 instead mixes direction and scale and biases the
found ratio below 1 (SCIENCE.md § 6). ln ‖w‖ is clipped at ±ln(limit), and a rule that
diverges (|w_i| > limit, or not finite) scores that ceiling: 1 + ν ln²(limit) + λ‖A‖₁.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels.plasticity import N_COEFFICIENTS, plasticity_inner_kernel
from ..limits import check_memory, finite
from .task import PCATask


@dataclass(frozen=True)
class MetaResult:
    """Per rule: ``loss``, ``alignment`` |cos(w, PC1)| and ``norm`` ‖w‖ (means over the
    tasks), ``diverged`` (any task diverged), ``diverged_at`` (rules × tasks; −1: did not),
    ``weights`` (rules × tasks × n) the final w."""

    loss: np.ndarray
    alignment: np.ndarray
    norm: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    weights: np.ndarray


class MetaLoss:
    """L(A) over one or several tasks (the same presentations for every rule)."""

    def __init__(self, tasks: PCATask | list[PCATask], eta: float = 0.1, l1: float = 2e-3,
                 norm_weight: float = 0.1, limit: float = 1e3):
        self.tasks = [tasks] if isinstance(tasks, PCATask) else list(tasks)
        if not self.tasks:
            raise ValueError("the meta-loss needs at least one task")
        self.eta = finite(eta, "η", 0.0, low_open=True)
        self.l1 = finite(l1, "L1 weight λ", 0.0)
        self.norm_weight = finite(norm_weight, "norm weight ν", 0.0)
        self.limit = finite(limit, "divergence limit", 1.0, low_open=True)

    def ceiling(self) -> float:
        """The loss part of a diverged rule (and the most a finite one can score)."""
        return 1.0 + self.norm_weight * np.log(self.limit) ** 2

    def evaluate(self, coefficients) -> MetaResult:
        rules = np.atleast_2d(np.asarray(coefficients, dtype=float))
        if rules.ndim != 2 or rules.shape[1] != N_COEFFICIENTS:
            raise ValueError(f"rules must be (R, {N_COEFFICIENTS}) coefficients, got shape "
                             f"{np.shape(coefficients)}")
        if not np.all(np.isfinite(rules)):
            raise ValueError("the rules' coefficients must be finite (NaN or inf given)")
        n = self.tasks[0].n_inputs
        check_memory(8.0 * rules.shape[0] * len(self.tasks) * n, "the rules' weights",
                     "fewer rules")
        rules = np.ascontiguousarray(rules)
        weights = np.empty((rules.shape[0], len(self.tasks), n))
        diverged_at = np.empty((rules.shape[0], len(self.tasks)), dtype=np.int64)
        for j, task in enumerate(self.tasks):
            w = np.empty((rules.shape[0], task.n_inputs))
            at = np.empty(rules.shape[0], dtype=np.int64)
            plasticity_inner_kernel(rules, task.inputs, task.w0, self.eta, self.limit, w, at)
            weights[:, j], diverged_at[:, j] = w, at
        norm = np.linalg.norm(weights, axis=2)
        pc1 = np.stack([t.pc1 for t in self.tasks])
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = np.abs(np.einsum("rtn,tn->rt", weights, pc1)) / norm
            log_norm = np.clip(np.log(norm), -np.log(self.limit), np.log(self.limit))
        cos = np.where(norm > 0, cos, 0.0)
        part = (1.0 - cos) + self.norm_weight * log_norm ** 2
        part = np.where(diverged_at >= 0, self.ceiling(), part)
        loss = part.mean(axis=1) + self.l1 * np.abs(rules).sum(axis=1)
        return MetaResult(loss=loss, alignment=cos.mean(axis=1), norm=norm.mean(axis=1),
                          diverged=(diverged_at >= 0).any(axis=1), diverged_at=diverged_at,
                          weights=weights)

    def __call__(self, coefficients) -> np.ndarray:
        return self.evaluate(coefficients).loss

    def grid(self, i: int, j: int, values_i, values_j, base=None) -> np.ndarray:
        """L over coefficients i and j on a grid (the others as in ``base``, default 0):
        (len(values_j), len(values_i)), rows along j."""
        base = np.zeros(N_COEFFICIENTS) if base is None else np.asarray(base, float)
        a, b = np.meshgrid(np.asarray(values_i, float), np.asarray(values_j, float))
        rules = np.tile(base, (a.size, 1))
        rules[:, i], rules[:, j] = a.ravel(), b.ravel()
        return self(rules).reshape(a.shape)
