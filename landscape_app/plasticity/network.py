"""The network level of meta-learned plasticity (seed 002; docs/plasticity.md): M linear
outputs with feed-forward weights under rule A and hierarchical lateral weights under rule B,

    y_j = w_j·x + Σ_{k<j} l_jk y_k,   y = (I − L)⁻¹ W x =: E x,

scored by how well the outputs span the top M principal components:

    alignment = ‖U_pc U_Eᵀ‖²_F / M ∈ [0, 1]

U_pc the top M components (rows), U_E an orthonormal basis of E's rows. The meta-loss is
⟨1 − alignment + ν mean_j (ln ‖E_j‖)²⟩_tasks + λ(‖A‖₁ + ‖B‖₁); a diverged pair scores the
ceiling as in ``meta``.
"""

from __future__ import annotations

import numpy as np

from ..kernels.plasticity import N_COEFFICIENTS, plasticity_network_kernel
from ..limits import check_memory, count, finite
from .task import PCATask


def effective_map(w: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """E = (I − L)⁻¹ W, L strictly lower triangular (so I − L is invertible)."""
    m = w.shape[-2]
    return np.linalg.solve(np.eye(m) - np.tril(lateral, -1), w)


def subspace_alignment(rows: np.ndarray, components: np.ndarray) -> np.ndarray:
    """‖U_pc U_Eᵀ‖²_F / M for the rows' span against the components' (rows (..., M, n),
    components (M, n)); 0 where the rows are not finite or do not span M dimensions."""
    rows = np.asarray(rows, float)
    ok = np.all(np.isfinite(rows), axis=(-2, -1))
    safe = np.where(ok[..., None, None], rows, 0.0)
    basis, r = np.linalg.qr(np.swapaxes(safe, -1, -2))
    diagonal = np.abs(np.diagonal(r, axis1=-2, axis2=-1))
    scale = np.linalg.norm(safe, axis=(-2, -1))
    full = ok & (diagonal.min(axis=-1) > 1e-9 * np.maximum(scale, 1e-300))
    value = np.sum((components @ basis) ** 2, axis=(-2, -1)) / components.shape[0]
    return np.where(full, value, 0.0)


class NetworkMetaLoss:
    """The meta-loss of a pair of rules (A, B) given as (R, 54) = [A | B]."""

    def __init__(self, tasks: PCATask | list[PCATask], n_outputs: int = 2, eta: float = 0.05,
                 eta_lateral: float = 0.05, l1: float = 2e-3, norm_weight: float = 0.1,
                 limit: float = 1e3, seed: int = 0):
        self.tasks = [tasks] if isinstance(tasks, PCATask) else list(tasks)
        if not self.tasks:
            raise ValueError("the meta-loss needs at least one task")
        n = self.tasks[0].n_inputs
        self.n_outputs = count(n_outputs, "outputs M", 1, n - 1)
        self.eta = finite(eta, "η", 0.0, low_open=True)
        self.eta_lateral = finite(eta_lateral, "lateral η", 0.0, low_open=True)
        self.l1 = finite(l1, "L1 weight λ", 0.0)
        self.norm_weight = finite(norm_weight, "norm weight ν", 0.0)
        self.limit = finite(limit, "divergence limit", 1.0, low_open=True)
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x1A7]))
        self.w0 = 0.1 * rng.standard_normal((self.n_outputs, n))

    def ceiling(self) -> float:
        return 1.0 + self.norm_weight * np.log(self.limit) ** 2

    def evaluate(self, pairs) -> dict:
        pairs = np.atleast_2d(np.asarray(pairs, dtype=float))
        if pairs.ndim != 2 or pairs.shape[1] != 2 * N_COEFFICIENTS:
            raise ValueError(f"rule pairs must be (R, {2 * N_COEFFICIENTS}) coefficients "
                             f"[A | B], got shape {np.shape(pairs)}")
        if not np.all(np.isfinite(pairs)):
            raise ValueError("the rules' coefficients must be finite (NaN or inf given)")
        r, m, n = pairs.shape[0], self.n_outputs, self.tasks[0].n_inputs
        check_memory(8.0 * r * m * (n + m) * 2, "the rules' weights", "fewer rules")
        ff = np.ascontiguousarray(pairs[:, :N_COEFFICIENTS])
        lat = np.ascontiguousarray(pairs[:, N_COEFFICIENTS:])
        parts = np.empty((r, len(self.tasks)))
        alignment = np.empty((r, len(self.tasks)))
        diverged = np.zeros(r, bool)
        log_limit = np.log(self.limit)
        for t, task in enumerate(self.tasks):
            w = np.empty((r, m, n))
            lw = np.empty((r, m, m))
            at = np.empty(r, dtype=np.int64)
            plasticity_network_kernel(ff, lat, task.inputs, self.w0, self.eta,
                                      self.eta_lateral, self.limit, w, lw, at)
            components = task.components(m)
            bad = at >= 0
            e = effective_map(np.where(bad[:, None, None], 0.0, w),
                              np.where(bad[:, None, None], 0.0, lw))
            with np.errstate(divide="ignore"):
                log_norm = np.clip(np.log(np.linalg.norm(e, axis=2)), -log_limit, log_limit)
            alignment[:, t] = np.where(bad, 0.0, subspace_alignment(e, components))
            parts[:, t] = np.where(bad, self.ceiling(), 1.0 - alignment[:, t]
                                   + self.norm_weight * np.mean(log_norm ** 2, axis=1))
            diverged |= bad
        loss = parts.mean(axis=1) + self.l1 * np.abs(pairs).sum(axis=1)
        return {"loss": loss, "alignment": alignment.mean(axis=1), "diverged": diverged}

    def __call__(self, pairs) -> np.ndarray:
        return self.evaluate(pairs)["loss"]
