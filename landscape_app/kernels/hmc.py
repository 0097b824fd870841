"""Kernel of Hamiltonian Monte Carlo with a unit mass matrix.

Each step draws p ~ N(0, T·I), runs L leapfrog steps of size ε on H(x, p) = E(x) + |p|²/2,

    p ← p − (ε/2)∇E(x);  x ← x + ε p;  p ← p − (ε/2)∇E(x)   (L times, gradients cached),

and accepts the end point with probability min(1, exp(−ΔH/T)); the target exp(−H/T) has
marginal exp(−E/T). L gradient evaluations per step. A trajectory whose ΔH exceeds 1000·T (or is
NaN) is counted as a divergent transition, as Stan does, and is rejected like any other.
"""

import math

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
from .integrators import drift, kick, kinetic, scale_pair
from .rng import fill_normal_pairs, fill_uniforms


@njit(cache=True, nogil=True, parallel=True, **JIT)
def hmc_kernel(batch, params, chains, temperatures, settings, records):
    x, y, e, gx, gy, live, streams, accept_count, divergent_count = chains
    step_size, n_leapfrog, thin, bound = settings
    positions, energies, accepted, last_path = records
    n = x.shape[0]
    n_steps = temperatures.shape[0]
    half = 0.5 * step_size
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
        px = np.empty(m)
        py = np.empty(m)
        h0 = np.empty(m)
        n1 = np.empty(m)
        n2 = np.empty(m)
        u = np.empty(m)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            temperature = temperatures[k]
            fill_normal_pairs(tstream, n1, n2)
            scale_pair(n1, n2, math.sqrt(temperature), px, py)
            for i in range(m):
                h0[i] = te[i] + kinetic(px, py, i)
                qx[i] = tx[i]
                qy[i] = ty[i]
                qgx[i] = tgx[i]
                qgy[i] = tgy[i]
            last = k == n_steps - 1
            if last:
                for i in range(m):
                    last_path[0, lo + i, 0] = tx[i]
                    last_path[0, lo + i, 1] = ty[i]
            for leap in range(n_leapfrog):
                kick(px, py, qgx, qgy, half)
                drift(qx, qy, px, py, step_size)
                evaluate_tile(batch, params, qx, qy, 1, qe, qgx, qgy)
                kick(px, py, qgx, qgy, half)
                if last:
                    for i in range(m):
                        last_path[leap + 1, lo + i, 0] = qx[i]
                        last_path[leap + 1, lo + i, 1] = qy[i]
            fill_uniforms(tstream, u)
            recorded = is_recorded(k, thin)
            r = (k + 1) // thin
            limit = 1000.0 * temperature if temperature > 0.0 else math.inf
            for i in range(m):
                delta = qe[i] + kinetic(px, py, i) - h0[i]
                if tlive[i] and not (delta <= limit):
                    divergent_count[lo + i] += 1
                ok = tlive[i] and proposal_ok(qx[i], qy[i], qe[i], bound)
                take = ok and metropolis_accept(delta, 0.0, temperature, u[i])
                if take:
                    tx[i] = qx[i]
                    ty[i] = qy[i]
                    te[i] = qe[i]
                    tgx[i] = qgx[i]
                    tgy[i] = qgy[i]
                    accept_count[lo + i] += 1
                if recorded:
                    accepted[r - 1, lo + i] = take
            if recorded:
                record(r, lo, tx, ty, te, tlive, positions, energies)
        x[lo:hi] = tx
        y[lo:hi] = ty
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        streams[lo:hi] = tstream
