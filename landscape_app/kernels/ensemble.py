"""Kernel of the ensemble moves: the affine-invariant stretch move (Goodman & Weare 2010, as in
emcee) and differential-evolution MCMC (ter Braak 2006); docs/samplers.md, "Ensemble moves".

The chains are split into ensembles of consecutive walkers (``group_starts``). Each step updates
an ensemble in two halves (the "red–blue" split of emcee, Foreman-Mackey et al. 2013): the
first half moves with the second half held fixed, then the second half with the first's new
positions. Walker k of the moving half proposes, from walkers of the other half,

    stretch  (move 0)  y = x_j + z (x_k − x_j),  z ~ g(z) ∝ 1/√z on [1/a, a];
                       accept with min(1, z^(d−1) exp(−(E(y) − E(x_k))/T)),  d = 2;
    DE       (move 1)  y = x_k + γ (x_a − x_b) + ε ξ,  a ≠ b,  ξ ~ N(0, I);
                       accept with min(1, exp(−(E(y) − E(x_k))/T)),

so each half-update leaves the ensemble's product density invariant. With ``jump_every`` > 0,
every ``jump_every``-th step of DE uses γ = 1 (a jump between modes, ter Braak's suggestion).
Gradient-free: one energy evaluation per walker and step.

Layout: a tile holds whole ensembles (``tile_groups``), its walkers split into a "red" array (the
first halves of its ensembles) and a "blue" one (the second halves), so each half-update is one
loop over a contiguous array (its random draws vectorise across walkers, one draw per walker's
stream) and one batch call of the landscape for the whole tile.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, metropolis_accept, proposal_ok
from .fastmath import JIT, fast_log
from .rng import fill_normal_pairs, fill_uniforms

STRETCH, DIFFERENTIAL_EVOLUTION = 0, 1


@njit(inline="always", **JIT)
def _half_update(move, scale, gamma, jitter, temperature, batch, params, mx, my, me, mstream,
                 mlive, mglobal, partner_lo, partner_n, ox, oy, bound, accept_count, qx, qy, qe,
                 unused_x, unused_y, u1, u2, u3, n1, n2, taken):
    """Move every walker of one colour (m…) with partners from the other (o…)."""
    m = mx.shape[0]
    fill_uniforms(mstream, u1)
    fill_uniforms(mstream, u2)
    if move == STRETCH:
        for i in range(m):
            z = ((scale - 1.0) * u1[i] + 1.0) ** 2 / scale
            j = partner_lo[i] + min(int(u2[i] * partner_n[i]), partner_n[i] - 1)
            qx[i] = ox[j] + z * (mx[i] - ox[j])
            qy[i] = oy[j] + z * (my[i] - oy[j])
            n1[i] = fast_log(z) if temperature > 0.0 else 0.0  # (d − 1) log z, d = 2
    else:
        fill_normal_pairs(mstream, n1, n2)
        for i in range(m):
            a = partner_lo[i] + min(int(u1[i] * partner_n[i]), partner_n[i] - 1)
            b = partner_lo[i] + min(int(u2[i] * (partner_n[i] - 1)), partner_n[i] - 2)
            if b >= a:
                b += 1  # b ≠ a: drawn from the others without a
            qx[i] = mx[i] + gamma * (ox[a] - ox[b]) + jitter * n1[i]
            qy[i] = my[i] + gamma * (oy[a] - oy[b]) + jitter * n2[i]
            n1[i] = 0.0
    evaluate_tile(batch, params, qx, qy, 0, qe, unused_x, unused_y)
    fill_uniforms(mstream, u3)
    for i in range(m):
        ok = mlive[i] and proposal_ok(qx[i], qy[i], qe[i], bound)
        take = ok and metropolis_accept(qe[i] - me[i], n1[i], temperature, u3[i])
        if take:
            mx[i] = qx[i]
            my[i] = qy[i]
            me[i] = qe[i]
            accept_count[mglobal[i]] += 1
        taken[i] = take


@njit(inline="always", **JIT)
def _colour(group_starts, g_lo, g_hi, second):
    """The walkers of one colour in ensembles g_lo … g_hi − 1: their global indices, and for
    each the first index and number of its partners in the other colour's array."""
    size = 0
    for g in range(g_lo, g_hi):
        m = group_starts[g + 1] - group_starts[g]
        size += m - (m + 1) // 2 if second else (m + 1) // 2
    walkers = np.empty(size, dtype=np.int64)
    partner_lo = np.empty(size, dtype=np.int64)
    partner_n = np.empty(size, dtype=np.int64)
    k = 0
    own_lo = 0
    other_lo = 0
    for g in range(g_lo, g_hi):
        lo = group_starts[g]
        m = group_starts[g + 1] - lo
        first = (m + 1) // 2
        own = m - first if second else first
        other = first if second else m - first
        for i in range(own):
            walkers[k] = lo + (first + i if second else i)
            partner_lo[k] = other_lo
            partner_n[k] = other
            k += 1
        own_lo += own
        other_lo += other
    return walkers, partner_lo, partner_n


@njit(cache=True, nogil=True, parallel=True, **JIT)
def ensemble_kernel(batch, params, chains, group_starts, tile_groups, temperatures, settings,
                    records):
    """``chains``: x, y, e, live, streams, accept_count (n,); ``group_starts`` (G + 1,) the first
    walker of each ensemble and n; ``tile_groups`` the first ensemble of each tile and G;
    ``settings``: move, a (stretch) or γ (DE), ε (DE jitter), jump_every, thin, bound,
    first_step; ``records``: positions (R, n, 2), energies (R, n), accepted (R − 1, n)."""
    x, y, e, live, streams, accept_count = chains
    move, scale, jitter, jump_every, thin, bound, first_step = settings
    positions, energies, accepted = records
    n_steps = temperatures.shape[0]
    for tile in prange(tile_groups.shape[0] - 1):
        g_lo, g_hi = tile_groups[tile], tile_groups[tile + 1]
        red, red_plo, red_pn = _colour(group_starts, g_lo, g_hi, False)
        blue, blue_plo, blue_pn = _colour(group_starts, g_lo, g_hi, True)
        nr, nb = red.shape[0], blue.shape[0]
        rx, ry, re_, rs, rl = (np.empty(nr), np.empty(nr), np.empty(nr),
                               np.empty(nr, dtype=streams.dtype), np.empty(nr, dtype=np.bool_))
        bx, by, be, bs, bl = (np.empty(nb), np.empty(nb), np.empty(nb),
                              np.empty(nb, dtype=streams.dtype), np.empty(nb, dtype=np.bool_))
        for i in range(nr):
            w = red[i]
            rx[i], ry[i], re_[i], rs[i], rl[i] = x[w], y[w], e[w], streams[w], live[w]
        for i in range(nb):
            w = blue[i]
            bx[i], by[i], be[i], bs[i], bl[i] = x[w], y[w], e[w], streams[w], live[w]
        qx = np.zeros(nr)  # scratch for the larger colour (red has ≥ blue)
        qy = np.zeros(nr)
        qe = np.empty(nr)
        unused_x = np.empty(nr)
        unused_y = np.empty(nr)
        u1 = np.empty(nr)
        u2 = np.empty(nr)
        u3 = np.empty(nr)
        n1 = np.empty(nr)
        n2 = np.empty(nr)
        taken_r = np.zeros(nr, dtype=np.bool_)
        taken_b = np.zeros(nb, dtype=np.bool_)
        for i in range(nr):
            positions[0, red[i], 0] = rx[i] if rl[i] else math.nan
            positions[0, red[i], 1] = ry[i] if rl[i] else math.nan
            energies[0, red[i]] = re_[i] if rl[i] else math.nan
        for i in range(nb):
            positions[0, blue[i], 0] = bx[i] if bl[i] else math.nan
            positions[0, blue[i], 1] = by[i] if bl[i] else math.nan
            energies[0, blue[i]] = be[i] if bl[i] else math.nan
        for k in range(n_steps):
            temperature = temperatures[k]
            gamma = scale
            if move == DIFFERENTIAL_EVOLUTION and jump_every > 0 and \
                    (first_step + k + 1) % jump_every == 0:
                gamma = 1.0
            _half_update(move, scale, gamma, jitter, temperature, batch, params, rx, ry, re_,
                         rs, rl, red, red_plo, red_pn, bx, by, bound, accept_count, qx, qy, qe,
                         unused_x, unused_y, u1, u2, u3, n1, n2, taken_r)
            _half_update(move, scale, gamma, jitter, temperature, batch, params, bx, by, be,
                         bs, bl, blue, blue_plo, blue_pn, rx, ry, bound, accept_count,
                         qx[:nb], qy[:nb], qe[:nb], unused_x[:nb], unused_y[:nb], u1[:nb],
                         u2[:nb], u3[:nb], n1[:nb], n2[:nb], taken_b)
            if is_recorded(k, thin):
                r = (k + 1) // thin
                for i in range(nr):
                    w = red[i]
                    accepted[r - 1, w] = taken_r[i]
                    positions[r, w, 0] = rx[i] if rl[i] else math.nan
                    positions[r, w, 1] = ry[i] if rl[i] else math.nan
                    energies[r, w] = re_[i] if rl[i] else math.nan
                for i in range(nb):
                    w = blue[i]
                    accepted[r - 1, w] = taken_b[i]
                    positions[r, w, 0] = bx[i] if bl[i] else math.nan
                    positions[r, w, 1] = by[i] if bl[i] else math.nan
                    energies[r, w] = be[i] if bl[i] else math.nan
        for i in range(nr):
            w = red[i]
            x[w], y[w], e[w], streams[w] = rx[i], ry[i], re_[i], rs[i]
        for i in range(nb):
            w = blue[i]
            x[w], y[w], e[w], streams[w] = bx[i], by[i], be[i], bs[i]
