"""Kernel of parallel tempering (replica exchange; docs/samplers.md, "Parallel tempering").

Each chain is an ensemble of K replicas at temperatures T_k = T·ladder[k] (ladder[0] = 1, the
coldest). Every step each replica makes one move that leaves exp(−E/T_k) invariant:

    random-walk Metropolis  x' = x + s·√(T_k/T)·ξ                (move 0)
    MALA                    x' = x − η∇E(x) + √(2ηT_k)·ξ           (move 1)

(the RWM scale grows with √T_k so that every replica accepts about as often). Every
``swap_every`` steps neighbouring replicas (k, k+1) exchange their states with probability

    min(1, exp((E_k − E_{k+1}) (1/T_k − 1/T_{k+1}))),

the even pairs (0-1, 2-3, …) on even swap rounds and the odd pairs on odd ones (the
deterministic even–odd scheme, Okabe et al. 2001; Syed et al. 2022), which keeps the product
density Π_k exp(−E(x_k)/T_k) invariant. Replica slot 0 always holds the coldest state: its
trajectory is the chain's output. Replicas are stored chain-major (index c·K + k); a tile holds
whole chains so the swaps stay inside it.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import TILE, is_recorded, mala_log_correction, metropolis_accept, proposal_ok
from .fastmath import JIT, fast_log
from .rng import fill_normal_pairs, fill_uniforms, next_uniform

RWM, MALA = 0, 1


@njit(cache=True, nogil=True, parallel=True, **JIT)
def tempering_kernel(batch, params, replicas, ladder, temperatures, settings, records):
    """``replicas``: x, y, e, gx, gy, streams (n·K,), accepts (n·K,) the moves accepted per
    replica; live (n,); swap_streams (n,); swap_accepts, swap_attempts (n, K − 1) per pair.
    ``settings``: move, step size, swap_every, thin, bound, first_step (the absolute step this
    call starts at: swaps and their parity follow the absolute step, so a resumed run goes on
    exactly). ``records``: positions (R, n, 2), energies (R, n) and
    accepted (R − 1, n) of slot 0."""
    x, y, e, gx, gy, streams, accepts, live, swap_streams, swap_accepts, swap_attempts = replicas
    move, step_size, swap_every, thin, bound, first_step = settings
    positions, energies, accepted = records
    n = live.shape[0]
    k_rep = ladder.shape[0]
    n_steps = temperatures.shape[0]
    per_tile = max(1, TILE // k_rep)
    n_tiles = (n + per_tile - 1) // per_tile
    for tile in prange(n_tiles):
        c_lo = tile * per_tile
        c_hi = min(n, c_lo + per_tile)
        lo, hi = c_lo * k_rep, c_hi * k_rep
        m = hi - lo
        tx = x[lo:hi].copy()
        ty = y[lo:hi].copy()
        te = e[lo:hi].copy()
        tgx = gx[lo:hi].copy()
        tgy = gy[lo:hi].copy()
        tstream = streams[lo:hi].copy()
        factor = np.empty(m)
        for i in range(m):
            factor[i] = ladder[i % k_rep]
        qx = np.empty(m)
        qy = np.empty(m)
        qe = np.empty(m)
        qgx = np.empty(m)
        qgy = np.empty(m)
        n1 = np.empty(m)
        n2 = np.empty(m)
        u = np.empty(m)
        for c in range(c_lo, c_hi):
            j = (c - c_lo) * k_rep
            alive = live[c]
            positions[0, c, 0] = tx[j] if alive else math.nan
            positions[0, c, 1] = ty[j] if alive else math.nan
            energies[0, c] = te[j] if alive else math.nan
        for k in range(n_steps):
            base = temperatures[k]
            fill_normal_pairs(tstream, n1, n2)
            if move == MALA:
                for i in range(m):
                    noise = math.sqrt(2.0 * step_size * base * factor[i])
                    qx[i] = tx[i] - step_size * tgx[i] + noise * n1[i]
                    qy[i] = ty[i] - step_size * tgy[i] + noise * n2[i]
                evaluate_tile(batch, params, qx, qy, 1, qe, qgx, qgy)
            else:
                for i in range(m):
                    scale = step_size * math.sqrt(factor[i])
                    qx[i] = tx[i] + scale * n1[i]
                    qy[i] = ty[i] + scale * n2[i]
                evaluate_tile(batch, params, qx, qy, 0, qe, qgx, qgy)
            fill_uniforms(tstream, u)
            recorded = is_recorded(k, thin)
            r = (k + 1) // thin
            for i in range(m):
                c = c_lo + i // k_rep
                temperature = base * factor[i]
                log_q = 0.0
                if move == MALA:
                    log_q = mala_log_correction(tx[i], ty[i], qx[i], qy[i], qgx[i], qgy[i],
                                                n1[i], n2[i], step_size, temperature)
                ok = live[c] and proposal_ok(qx[i], qy[i], qe[i], bound)
                take = ok and metropolis_accept(qe[i] - te[i], log_q, temperature, u[i])
                if take:
                    tx[i] = qx[i]
                    ty[i] = qy[i]
                    te[i] = qe[i]
                    tgx[i] = qgx[i]
                    tgy[i] = qgy[i]
                    accepts[lo + i] += 1
                if recorded and i % k_rep == 0:
                    accepted[r - 1, c] = take
            if (first_step + k + 1) % swap_every == 0:
                parity = ((first_step + k + 1) // swap_every - 1) % 2
                for c in range(c_lo, c_hi):
                    if not live[c]:
                        continue
                    j = (c - c_lo) * k_rep
                    for p in range(parity, k_rep - 1, 2):
                        a, b = j + p, j + p + 1
                        beta_a = 1.0 / (base * factor[p])
                        beta_b = 1.0 / (base * factor[p + 1])
                        log_ratio = (te[a] - te[b]) * (beta_a - beta_b)
                        swap_attempts[c, p] += 1
                        if fast_log(next_uniform(swap_streams, c)) < log_ratio:
                            swap_accepts[c, p] += 1
                            tx[a], tx[b] = tx[b], tx[a]
                            ty[a], ty[b] = ty[b], ty[a]
                            te[a], te[b] = te[b], te[a]
                            tgx[a], tgx[b] = tgx[b], tgx[a]
                            tgy[a], tgy[b] = tgy[b], tgy[a]
            if recorded:
                for c in range(c_lo, c_hi):
                    j = (c - c_lo) * k_rep
                    alive = live[c]
                    positions[r, c, 0] = tx[j] if alive else math.nan
                    positions[r, c, 1] = ty[j] if alive else math.nan
                    energies[r, c] = te[j] if alive else math.nan
        x[lo:hi] = tx
        y[lo:hi] = ty
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        streams[lo:hi] = tstream
