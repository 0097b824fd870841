"""The inner loop of one rule, presentation by presentation: w(t) for the page's drawing.

The same kernel as the meta-loss (``kernels.plasticity.plasticity_inner_kernel``), called on
one presentation at a time from the last w, so the recorded path ends where the meta-loss's
w_T does.
"""

from __future__ import annotations

import numpy as np

from ..kernels.plasticity import N_COEFFICIENTS, plasticity_inner_kernel
from ..limits import finite
from .task import PCATask


def weight_path(coefficients, task: PCATask, eta: float = 0.1, limit: float = 1e3):
    """(T + 1, n) the weights from w(0) after each presentation (rows after a divergence
    repeat the last finite w), and the presentation it diverged at (−1: it did not)."""
    rule = np.ascontiguousarray(np.asarray(coefficients, dtype=float).reshape(1, -1))
    if rule.shape[1] != N_COEFFICIENTS or not np.all(np.isfinite(rule)):
        raise ValueError(f"a rule is {N_COEFFICIENTS} finite coefficients")
    eta = finite(eta, "η", 0.0, low_open=True)
    path = np.empty((len(task.inputs) + 1, task.n_inputs))
    path[0] = task.w0
    w = np.empty((1, task.n_inputs))
    at = np.empty(1, dtype=np.int64)
    for t in range(len(task.inputs)):
        plasticity_inner_kernel(rule, task.inputs[t:t + 1], path[t], eta, limit, w, at)
        if at[0] >= 0:
            path[t + 1:] = path[t]
            return path, t + 1
        path[t + 1] = w[0]
    return path, -1
