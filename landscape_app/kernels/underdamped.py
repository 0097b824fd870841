"""Kernel of underdamped ("Hamiltonian") Langevin dynamics, integrated with BAOAB.

    dx = v dt,  dv = −∇E(x) dt − γ v dt + √(2γT) dW,

stationary density ∝ exp(−E/T)·exp(−|v|²/2T). One step of size h is
B (v ← v − h/2 ∇E), A (x ← x + h/2 v), O (v ← e^{−γh} v + √(T(1 − e^{−2γh})) ξ), A, B
(Leimkuhler & Matthews 2013): one gradient evaluation per step, and configurational averages
with an O(h²) bias that is small in practice. The velocity plays the part of the CaMKII
momentum of Yu et al. 2016.
"""

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, load, n_tiles, record, remember, stop_diverged, tile_range
from .fastmath import JIT
from .integrators import baoab_constants, drift, kick, ornstein_uhlenbeck
from .rng import fill_normal_pairs


@njit(cache=True, nogil=True, parallel=True, **JIT)
def baoab_kernel(batch, params, chains, temperatures, settings, records):
    x, y, vx, vy, e, gx, gy, live, diverged_at, streams = chains
    step_size, friction, thin, bound = settings
    positions, energies = records
    n = x.shape[0]
    n_steps = temperatures.shape[0]
    half = 0.5 * step_size
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
        n1 = np.empty(m)
        n2 = np.empty(m)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            decay, noise = baoab_constants(step_size, friction, temperatures[k])
            fill_normal_pairs(tstream, n1, n2)
            remember(tx, ty, x_prev, y_prev)
            kick(tvx, tvy, tgx, tgy, half)
            drift(tx, ty, tvx, tvy, half)
            ornstein_uhlenbeck(tvx, tvy, n1, n2, decay, noise)
            drift(tx, ty, tvx, tvy, half)
            evaluate_tile(batch, params, tx, ty, 1, te, tgx, tgy)
            kick(tvx, tvy, tgx, tgy, half)
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
