"""The inner task of meta-learned plasticity (seed 002, SCIENCE.md § 6; docs/plasticity.md):
a linear neuron y = w·x learns from inputs x ~ N(0, QᵀDQ), Q a random rotation, D the
covariance's spectrum; a good rule leaves w along the first principal component Q[argmax D]."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import special_ortho_group

from ..limits import check_memory, count, finite, seed_value

#: the spectrum of the public replications: five inputs, one of them silent
SPECTRUM = (1.0, 0.7, 0.2, 0.1, 0.0)


@dataclass(frozen=True)
class PCATask:
    """``inputs`` (T, n) the presentations, ``w0`` (n,) the start, ``pc1`` (n,) the unit
    first principal component, ``covariance`` (n, n) = QᵀDQ, ``spectrum`` D."""

    inputs: np.ndarray
    w0: np.ndarray
    pc1: np.ndarray
    covariance: np.ndarray
    spectrum: np.ndarray
    rotation: np.ndarray

    @property
    def n_inputs(self) -> int:
        return self.inputs.shape[1]

    def components(self, m: int) -> np.ndarray:
        """The top ``m`` principal components as rows (m, n)."""
        return self.rotation[np.argsort(-self.spectrum, kind="stable")[:m]]


def pca_task(spectrum=SPECTRUM, n_presentations: int = 200, seed: int = 0,
             w0_scale: float = 0.1) -> PCATask:
    """Draw Q (uniform on SO(n)), T presentations x = Qᵀ√D z and w(0) ~ w0_scale · N(0, I)
    from ``seed``. Refused: a spectrum that is not finite and ≥ 0, fewer than 2 inputs, or
    whose largest value is not strictly above the second (PC1 not defined)."""
    seed = seed_value(seed)
    d = np.asarray(spectrum, dtype=float)
    if d.ndim != 1 or not 2 <= d.size <= 1000:
        raise ValueError(f"the spectrum D must list 2..1000 variances, got shape {d.shape}")
    if not np.all(np.isfinite(d)) or d.min() < 0:
        raise ValueError(f"the spectrum D must be finite and ≥ 0, got {d.tolist()}")
    top = np.sort(d)[::-1]
    if not top[0] > top[1]:
        raise ValueError("the spectrum D is degenerate at the top (largest "
                         f"{top[0]:g} = second {top[1]:g}): the first principal component "
                         "is not defined")
    n_presentations = count(n_presentations, "presentations", 1, 1_000_000)
    w0_scale = finite(w0_scale, "w(0) scale", 0.0)
    check_memory(8.0 * n_presentations * d.size, "the presentations", "fewer presentations")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x0A]))
    q = special_ortho_group.rvs(d.size, random_state=rng) if d.size > 1 else np.eye(1)
    z = rng.standard_normal((n_presentations, d.size))
    inputs = np.ascontiguousarray((z * np.sqrt(d)) @ q)
    w0 = w0_scale * rng.standard_normal(d.size)
    return PCATask(inputs=inputs, w0=w0, pc1=q[int(np.argmax(d))].copy(),
                   covariance=q.T @ np.diag(d) @ q, spectrum=d, rotation=q)
