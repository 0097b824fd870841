"""Kernel of random-walk Metropolis (and of classic simulated annealing, with a schedule).

Proposal x' = x + s ξ, ξ ~ N(0, I); accepted with probability min(1, exp(−(E(x') − E(x))/T)).
Gradient-free: one energy evaluation per step.
"""

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import (
    is_recorded,
    load,
    metropolis_accept,
    n_tiles,
    proposal_ok,
    record,
    tile_range,
)
from .fastmath import JIT
from .rng import fill_normal_pairs, fill_uniforms


@njit(cache=True, nogil=True, parallel=True, **JIT)
def metropolis_kernel(batch, params, chains, temperatures, settings, records):
    x, y, e, live, streams, accept_count = chains
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
        tlive = load(live, lo, hi)
        tstream = load(streams, lo, hi)
        qx = np.empty(m)
        qy = np.empty(m)
        qe = np.empty(m)
        unused_x = np.empty(m)
        unused_y = np.empty(m)
        n1 = np.empty(m)
        n2 = np.empty(m)
        u = np.empty(m)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            temperature = temperatures[k]
            fill_normal_pairs(tstream, n1, n2)
            for i in range(m):
                qx[i] = tx[i] + step_size * n1[i]
                qy[i] = ty[i] + step_size * n2[i]
            evaluate_tile(batch, params, qx, qy, 0, qe, unused_x, unused_y)
            fill_uniforms(tstream, u)
            recorded = is_recorded(k, thin)
            r = (k + 1) // thin
            for i in range(m):
                ok = tlive[i] and proposal_ok(qx[i], qy[i], qe[i], bound)
                take = ok and metropolis_accept(qe[i] - te[i], 0.0, temperature, u[i])
                if take:
                    tx[i] = qx[i]
                    ty[i] = qy[i]
                    te[i] = qe[i]
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
        streams[lo:hi] = tstream
