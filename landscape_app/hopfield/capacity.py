"""Storage capacity of the Hebbian network: one-step bit errors and final overlaps against α.

For random ±1 patterns and Hebbian couplings, the field on a bit of a stored pattern is the
signal 1 plus crosstalk of variance ≈ P/N, so one update flips a bit with probability
P_err = ½ erfc(√(N/2P)) (docs/science.md section 3). Recall from a stored pattern keeps an
overlap near 1 up to α_c ≈ 0.138 (Amit, Gutfreund & Sompolinsky) and collapses beyond.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.special import erfc

from ..sweeps import run_sweep
from .network import HopfieldNetwork
from .patterns import random_patterns

ALPHA_CRITICAL = 0.138


def theory_bit_error(alpha) -> np.ndarray:
    """½ erfc(√(1/(2α))) = ½ erfc(√(N/2P))."""
    alpha = np.asarray(alpha, dtype=float)
    with np.errstate(divide="ignore"):
        return 0.5 * erfc(np.sqrt(1.0 / (2.0 * alpha)))


@dataclass
class CapacityCurve:
    n_neurons: int
    alphas: np.ndarray
    bit_error: np.ndarray  # mean one-step bit-error rate
    bit_error_se: np.ndarray
    overlap: np.ndarray  # mean final overlap after asynchronous recall from a stored pattern
    overlap_se: np.ndarray
    theory: np.ndarray = field(init=False)

    def __post_init__(self):
        self.theory = theory_bit_error(self.alphas)


def capacity_point(n_neurons: int, alpha: float, trials: int = 3, recalls: int = 10,
                   seed: int = 0, max_sweeps: int = 50):
    """(bit errors per trial, final overlaps) at load ``alpha`` over ``trials`` pattern sets.

    Each trial stores P = round(αN) fresh random patterns; the bit error is the fraction of
    all P·N bits one synchronous update flips; ``recalls`` stored patterns per trial are
    recalled asynchronously (to convergence or ``max_sweeps``) and their overlap kept.
    """
    n_patterns = max(1, int(round(alpha * n_neurons)))
    errors, overlaps = [], []
    for trial in range(trials):
        patterns = random_patterns(n_patterns, n_neurons, seed=seed * 1000 + trial)
        net = HopfieldNetwork(n_neurons).store(patterns)
        errors.append(float(net.one_step_errors().mean()))
        for k in range(min(recalls, n_patterns)):
            result = net.recall(patterns[k], mode="async", max_sweeps=max_sweeps,
                                seed=seed + 7919 * trial + k)
            overlaps.append(float(result.overlaps[-1, k]))
    return np.array(errors), np.array(overlaps)


def capacity_curve(n_neurons: int, alphas, trials: int = 3, recalls: int = 10, seed: int = 0,
                   progress: Callable[[float], None] | None = None,
                   scheduler: str | None = None) -> CapacityCurve:
    """Sweep the load, one α per sweep point (``sweeps.run_sweep`` on ``scheduler``: a local
    Dask cluster by default); ``progress(fraction done)`` as the points finish."""
    alphas = np.asarray(alphas, dtype=float)
    if alphas.ndim != 1 or len(alphas) == 0 or not np.all(np.isfinite(alphas)) \
            or np.any(alphas <= 0):
        raise ValueError("alphas must be a non-empty list of positive loads P/N")
    point = partial(capacity_point, int(n_neurons), trials=trials, recalls=recalls, seed=seed)
    sweep = run_sweep(point, [float(a) for a in alphas], scheduler=scheduler, progress=progress)
    sweep.raise_failures([f"α = {a:.3g}" for a in alphas])
    be, be_se, ov, ov_se = [], [], [], []
    for errors, overlaps in sweep.values:
        be.append(errors.mean())
        be_se.append(errors.std(ddof=1) / np.sqrt(len(errors)) if len(errors) > 1 else 0.0)
        ov.append(overlaps.mean())
        ov_se.append(overlaps.std(ddof=1) / np.sqrt(len(overlaps)) if len(overlaps) > 1 else 0)
    return CapacityCurve(n_neurons, alphas, np.array(be), np.array(be_se), np.array(ov),
                         np.array(ov_se))
