"""Kernel of Stein variational gradient descent (Liu & Wang 2016; docs/samplers.md, "SVGD").

The chains are particles in sets of consecutive chains (``group_starts``); each set is moved
towards p ∝ exp(−E/T) by the deterministic update

    x_i ← x_i + ε φ(x_i),   φ(x_i) = (1/n) Σ_j [ k(x_j, x_i) ∇log p(x_j) + ∇_{x_j} k(x_j, x_i) ],

with ∇log p = −∇E/T and the RBF kernel k(x, y) = exp(−|x − y|²/h): the first term pulls the
particles up the density (weighted by their closeness), the second pushes them apart. The
bandwidth h is the median heuristic h = med²/log n (med the median distance between the set's
particles, recomputed every step) unless a fixed ``bandwidth`` > 0 is given. One gradient
evaluation per particle and step; particles that leave the divergence bound stop ("diverged at
step k") and no longer take part.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, remember, stop_diverged
from .fastmath import JIT, fast_exp


@njit(inline="always", **JIT)
def _median_bandwidth(tx, ty, live, d2):
    """med²/log n over the live particles (1 when fewer than two, or all at one point)."""
    m = tx.shape[0]
    count = 0
    n_live = 0
    for i in range(m):
        if not live[i]:
            continue
        n_live += 1
        for j in range(i + 1, m):
            if live[j]:
                dx, dy = tx[i] - tx[j], ty[i] - ty[j]
                d2[count] = dx * dx + dy * dy
                count += 1
    if n_live < 2 or count == 0:
        return 1.0
    med2 = np.median(d2[:count])  # the median of the squared distances is med²
    if not med2 > 0.0:
        return 1.0
    return med2 / math.log(max(n_live, 2))


@njit(cache=True, nogil=True, parallel=True, **JIT)
def svgd_kernel(batch, params, chains, group_starts, temperatures, settings, records,
                diverged_at):
    """``chains``: x, y, e, gx, gy, live (n,); ``group_starts`` (G + 1,); ``settings``: step
    size ε, fixed bandwidth (≤ 0: the median heuristic), thin, bound; ``records``: positions
    (R, n, 2), energies (R, n); ``diverged_at`` (n,) the 1-based step a particle stopped."""
    x, y, e, gx, gy, live = chains
    step_size, bandwidth, thin, bound = settings
    positions, energies = records
    n_steps = temperatures.shape[0]
    for g in prange(group_starts.shape[0] - 1):
        lo, hi = group_starts[g], group_starts[g + 1]
        m = hi - lo
        tx = x[lo:hi].copy()
        ty = y[lo:hi].copy()
        te = e[lo:hi].copy()
        tgx = gx[lo:hi].copy()
        tgy = gy[lo:hi].copy()
        tlive = live[lo:hi].copy()
        px = np.empty(m)
        py = np.empty(m)
        x_prev = np.empty(m)
        y_prev = np.empty(m)
        d2 = np.empty(max(m * (m - 1) // 2, 1))
        for i in range(m):
            positions[0, lo + i, 0] = tx[i] if tlive[i] else math.nan
            positions[0, lo + i, 1] = ty[i] if tlive[i] else math.nan
            energies[0, lo + i] = te[i] if tlive[i] else math.nan
        for k in range(n_steps):
            beta = 1.0 / temperatures[k]
            h = bandwidth if bandwidth > 0.0 else _median_bandwidth(tx, ty, tlive, d2)
            n_live = 0
            for j in range(m):
                n_live += 1 if tlive[j] else 0
            for i in range(m):
                fx = 0.0
                fy = 0.0
                for j in range(m):
                    dx = tx[i] - tx[j]
                    dy = ty[i] - ty[j]
                    kij = fast_exp(-(dx * dx + dy * dy) / h) if tlive[j] else 0.0
                    fx += kij * (2.0 * dx / h - beta * tgx[j])
                    fy += kij * (2.0 * dy / h - beta * tgy[j])
                px[i] = fx / max(n_live, 1)
                py[i] = fy / max(n_live, 1)
            remember(tx, ty, x_prev, y_prev)
            for i in range(m):
                if tlive[i]:
                    tx[i] += step_size * px[i]
                    ty[i] += step_size * py[i]
            evaluate_tile(batch, params, tx, ty, 1, te, tgx, tgy)
            stop_diverged(k, lo, tx, ty, te, tgx, tgy, x_prev, y_prev, tlive, diverged_at, bound)
            if is_recorded(k, thin):
                r = (k + 1) // thin
                for i in range(m):
                    positions[r, lo + i, 0] = tx[i] if tlive[i] else math.nan
                    positions[r, lo + i, 1] = ty[i] if tlive[i] else math.nan
                    energies[r, lo + i] = te[i] if tlive[i] else math.nan
        x[lo:hi] = tx
        y[lo:hi] = ty
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        live[lo:hi] = tlive
