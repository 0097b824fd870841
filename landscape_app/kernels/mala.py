"""Kernel of the Metropolis-adjusted Langevin algorithm (MALA).

Proposal x' = x − η∇E(x) + √(2ηT) ξ (the Langevin move), accepted with probability

    min(1, exp(−(E(x') − E(x))/T) · q(x | x') / q(x' | x)),
    log q(x | x') − log q(x' | x) = |ξ|²/2 − |x − x' + η∇E(x')|² / (4ηT),

so the chain leaves exp(−E/T) exactly invariant. One gradient evaluation per step (the one at
the current point is cached).
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import (
    is_recorded,
    load,
    mala_log_correction,
    metropolis_accept,
    n_tiles,
    proposal_ok,
    record,
    tile_range,
)
from .fastmath import JIT
from .integrators import langevin_move
from .rng import fill_normal_pairs, fill_uniforms


@njit(cache=True, nogil=True, parallel=True, **JIT)
def mala_kernel(batch, params, chains, temperatures, settings, records):
    x, y, e, gx, gy, live, streams, accept_count = chains
    step_size, thin, bound = settings
    positions, energies, accepted, last_proposal = records
    n = x.shape[0]
    n_steps = temperatures.shape[0]
    for tile in prange(n_tiles(n)):
        lo, hi = tile_range(tile, n)
        m = hi - lo
        tx = load(x, lo, hi)
        ty = load(y, lo, hi)
        te = load(e, lo, hi)
        tgx = load(gx, lo, hi)
        tgy = load(gy, lo, hi)
        tlive = load(live, lo, hi)
        tstream = load(streams, lo, hi)
        qx = np.empty(m)
        qy = np.empty(m)
        qe = np.empty(m)
        qgx = np.empty(m)
        qgy = np.empty(m)
        n1 = np.empty(m)
        n2 = np.empty(m)
        u = np.empty(m)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            temperature = temperatures[k]
            noise = math.sqrt(2.0 * step_size * temperature)
            fill_normal_pairs(tstream, n1, n2)
            langevin_move(tx, ty, tgx, tgy, n1, n2, step_size, noise, qx, qy)
            evaluate_tile(batch, params, qx, qy, 1, qe, qgx, qgy)
            fill_uniforms(tstream, u)
            recorded = is_recorded(k, thin)
            r = (k + 1) // thin
            for i in range(m):
                log_q = mala_log_correction(tx[i], ty[i], qx[i], qy[i], qgx[i], qgy[i], n1[i],
                                            n2[i], step_size, temperature)
                ok = tlive[i] and proposal_ok(qx[i], qy[i], qe[i], bound)
                take = ok and metropolis_accept(qe[i] - te[i], log_q, temperature, u[i])
                if take:
                    tx[i] = qx[i]
                    ty[i] = qy[i]
                    te[i] = qe[i]
                    tgx[i] = qgx[i]
                    tgy[i] = qgy[i]
                    accept_count[lo + i] += 1
                if recorded:
                    accepted[r - 1, lo + i] = take
                if k == n_steps - 1:
                    last_proposal[lo + i, 0] = qx[i]
                    last_proposal[lo + i, 1] = qy[i]
            if recorded:
                record(r, lo, tx, ty, te, tlive, positions, energies)
        x[lo:hi] = tx
        y[lo:hi] = ty
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        streams[lo:hi] = tstream
