"""Kernel of gradient descent, heavy-ball momentum and overdamped Langevin (one family).

    v ← m v − η ∇E(x) + √(2(1 − m) η T(k)) ξ,   x ← x + v

m = 0 and T = 0: gradient descent. m = 0, T > 0: unadjusted (overdamped) Langevin,
x ← x − η∇E + √(2ηT) ξ. 0 < m < 1, T = 0: Polyak's heavy ball. 0 < m < 1, T > 0: a noisy heavy
ball whose noise is scaled so that it is the discretised underdamped Langevin equation with
friction γ = (1 − m)/h and h² = η, stationary near exp(−E/T) for small η.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, load, n_tiles, record, remember, stop_diverged, tile_range
from .fastmath import JIT
from .integrators import heavy_ball_move
from .rng import fill_normal_pairs


@njit(cache=True, nogil=True, parallel=True, **JIT)
def heavy_ball_kernel(batch, params, chains, temperatures, settings, records):
    """Advance every chain ``len(temperatures)`` steps in place, recording every ``thin``-th."""
    x, y, vx, vy, e, gx, gy, live, diverged_at, streams = chains
    step_size, momentum, thin, bound = settings
    positions, energies = records
    n = x.shape[0]
    n_steps = temperatures.shape[0]
    noise_factor = 2.0 * (1.0 - momentum) * step_size
    for tile in prange(n_tiles(n)):
        lo, hi = tile_range(tile, n)
        m = hi - lo
        tx = load(x, lo, hi)
        ty = load(y, lo, hi)
        tvx = load(vx, lo, hi)
        tvy = load(vy, lo, hi)
        te = load(e, lo, hi)
        tgx = load(gx, lo, hi)
        tgy = load(gy, lo, hi)
        tlive = load(live, lo, hi)
        tstream = load(streams, lo, hi)
        x_prev = np.empty(m)
        y_prev = np.empty(m)
        n1 = np.zeros(m)
        n2 = np.zeros(m)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            noise = math.sqrt(noise_factor * temperatures[k])
            if noise > 0.0:
                fill_normal_pairs(tstream, n1, n2)
            remember(tx, ty, x_prev, y_prev)
            heavy_ball_move(tx, ty, tvx, tvy, tgx, tgy, n1, n2, step_size, momentum, noise)
            evaluate_tile(batch, params, tx, ty, 1, te, tgx, tgy)
            stop_diverged(k, lo, tx, ty, te, tgx, tgy, x_prev, y_prev, tlive, diverged_at, bound)
            for i in range(m):
                if not tlive[i]:
                    tvx[i] = 0.0
                    tvy[i] = 0.0
            if is_recorded(k, thin):
                record((k + 1) // thin, lo, tx, ty, te, tlive, positions, energies)
        x[lo:hi] = tx
        y[lo:hi] = ty
        vx[lo:hi] = tvx
        vy[lo:hi] = tvy
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        live[lo:hi] = tlive
        streams[lo:hi] = tstream
