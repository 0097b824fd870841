"""Kernel of the No-U-Turn sampler: multinomial NUTS with the generalised U-turn criterion and
dual-averaging step-size adaptation (docs/samplers.md, "NUTS").

Each step draws p ~ N(0, T·I) and doubles a leapfrog trajectory of H(x, p) = E(x) + |p|²/2,
forwards or backwards at random, until its ends turn back (Hoffman & Gelman 2014; Betancourt
2017). A new subtree of 2ʲ leaves is merged only if none of its complete sub-subtrees turns,
where a (sub)tree with momentum sum ρ and end momenta p⁻, p⁺ turns when

    ρ·p⁻ ≤ 0  or  ρ·p⁺ ≤ 0                                   (generalised U-turn, unit mass).

Inside a subtree a leaf replaces the subtree's candidate with probability w_leaf / W_subtree
(uniform progressive sampling); a merged subtree's candidate replaces the tree's with
probability min(1, W_new / W_old) (biased progressive sampling), w = exp(−(H − H₀)/T). A leaf
with H − H₀ > 1000·T (or NaN, or out of bounds) is a divergence: its subtree is dropped and the
tree stops, as in Stan.

The acceptance statistic α = mean over the leaves of min(1, exp(−(H − H₀)/T)) drives dual
averaging (Hoffman & Gelman 2014, Alg. 5) during the first ``n_adapt`` steps of each chain:

    H̄ₘ = (1 − 1/(m + t₀)) H̄ₘ₋₁ + (δ − αₘ)/(m + t₀),   log εₘ = μ − √m H̄ₘ / γ,
    log ε̄ₘ = m^(−κ) log εₘ + (1 − m^(−κ)) log ε̄ₘ₋₁,

with μ = log(10 ε₀), γ = 0.05, t₀ = 10, κ = 0.75; sampling steps use ε̄.

Ragged trees, in lockstep: each chain of a tile is a small state machine (its tree's ends, the
leaf being integrated, the subtree's and the tree's candidates, its weights and momentum sums,
and the checkpoints of the U-turn checks: the momentum and the running momentum sum at the
start of each open block, O(depth) per chain). Every round advances each chain still working
by one leaf, with one landscape call for all of them (a vectorised batch, where one call per
leaf cost ~70 ns a leaf); a chain whose tree ends starts its next step at once, so a chain whose
tree stops at depth 2 never waits for one at depth 8, and chains never wait for each other's
steps. Each chain draws from its own stream in the same order as a chain built alone, so its
result does not depend on the others.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, load, n_tiles, proposal_ok, tile_range
from .fastmath import JIT, fast_exp, fast_log
from .rng import next_normal_pair, next_uniform

#: chains whose last tree is kept in ``last_path`` (the explorer draws 25)
PATH_CHAINS = 32
#: dual-averaging constants γ, t₀, κ (Hoffman & Gelman 2014, §3.2.1; Stan's defaults)
DA_GAMMA = 0.05
DA_T0 = 10.0
DA_KAPPA = 0.75


@njit(inline="always", **JIT)
def log_add(a, b):
    """log(eᵃ + eᵇ), exact for a or b = −∞."""
    if a < b:
        a, b = b, a
    if b == -math.inf:
        return a
    return a + math.log1p(math.exp(b - a))


@njit(inline="always", **JIT)
def turned(rho_x, rho_y, ax, ay, bx, by):
    """The generalised U-turn criterion for momentum sum ρ and end momenta a, b."""
    return rho_x * ax + rho_y * ay <= 0.0 or rho_x * bx + rho_y * by <= 0.0


@njit(inline="always", **JIT)
def dual_averaging(m, stat, target, mu, log_eps, log_eps_bar, h_bar, c):
    """Update chain c's step size after its m-th (1-based) adaptation step."""
    w = 1.0 / (m + DA_T0)
    h_bar[c] = (1.0 - w) * h_bar[c] + w * (target - stat)
    log_eps[c] = mu - math.sqrt(m) / DA_GAMMA * h_bar[c]
    eta = m ** -DA_KAPPA
    log_eps_bar[c] = eta * log_eps[c] + (1.0 - eta) * log_eps_bar[c]



#: rows of the per-chain work arrays: the tree's ends (left, right), the leaf being integrated,
#: and a candidate state (x, y, E, ∂ₓE, ∂ᵧE)
LX, LY, LPX, LPY, LGX, LGY, RX, RY, RPX, RPY, RGX, RGY = range(12)
CX, CY, CPX, CPY, CGX, CGY = range(6)
#: float scalars per chain
H0, LOG_W, SUB_LOG_W, RHO_X, RHO_Y, SRHO_X, SRHO_Y, ACC, STEP, EPS, INV_T, LIMIT = range(12)
#: integer scalars per chain: transitions done, leapfrog steps, depth started, leaf, divergent,
#: path ends (left, right)
K, N_LEAP, DEPTH, LEAF, DIVERGENT, LEFT, RIGHT = range(7)


@njit(inline="always", **JIT)
def _begin_subtree(i, streams, state, ends, leaf_, sub, f, n):
    """Double the tree of chain i: a subtree of 2^(depth) leaves, forwards or backwards."""
    forward = next_uniform(streams, i) <= 0.5
    n[DEPTH, i] += 1
    n[LEAF, i] = 0
    base = RX if forward else LX
    for q in range(6):
        leaf_[q, i] = ends[base + q, i]
    f[STEP, i] = f[EPS, i] if forward else -f[EPS, i]
    f[SUB_LOG_W, i] = -math.inf
    f[SRHO_X, i] = 0.0
    f[SRHO_Y, i] = 0.0
    for q in range(5):
        sub[q, i] = state[q, i]


@njit(inline="always", **JIT)
def _begin_transition(i, c, streams, state, ends, leaf_, sub, cand, f, n, temperatures,
                      log_eps, log_eps_bar, first_step, n_adapt, path, centre):
    """Start chain i's next NUTS step: momentum p ~ N(0, T·I), a one-point tree."""
    k = n[K, i]
    temperature = temperatures[k]
    adapting = first_step + k + 1 <= n_adapt
    f[EPS, i] = math.exp(log_eps[c] if adapting else log_eps_bar[c])
    n1, n2 = next_normal_pair(streams, i)
    scale = math.sqrt(temperature)
    px0 = scale * n1
    py0 = scale * n2
    f[H0, i] = state[2, i] + 0.5 * (px0 * px0 + py0 * py0)
    f[INV_T, i] = 1.0 / temperature
    f[LIMIT, i] = 1000.0 * temperature
    for base in (LX, RX):
        ends[base, i] = state[0, i]
        ends[base + 1, i] = state[1, i]
        ends[base + 2, i] = px0
        ends[base + 3, i] = py0
        ends[base + 4, i] = state[3, i]
        ends[base + 5, i] = state[4, i]
    for q in range(5):
        cand[q, i] = state[q, i]
    f[LOG_W, i] = 0.0
    f[RHO_X, i] = px0
    f[RHO_Y, i] = py0
    f[ACC, i] = 0.0
    n[N_LEAP, i] = 0
    n[DEPTH, i] = 0
    n[DIVERGENT, i] = 0
    n[LEFT, i] = centre
    n[RIGHT, i] = centre
    if i < path.shape[0]:
        path[i, centre, 0] = state[0, i]
        path[i, centre, 1] = state[1, i]
    _begin_subtree(i, streams, state, ends, leaf_, sub, f, n)


@njit(inline="always", **JIT)
def _after_leaf(i, streams, state, ends, leaf_, sub, cand, f, n, checkpoints, max_depth, bound,
                path, track, weighed):
    """Chain i's leaf is integrated: weigh it, sample it, check the U-turns; returns whether
    the tree has ended (then ``cand`` holds the new state). ``weighed``: the round's
    vectorised pass, (ΔH, the leaf's acceptance term, the subtree's new log weight, the
    probability that the leaf becomes the subtree's candidate)."""
    cx, cy, cpx, cpy = leaf_[CX, i], leaf_[CY, i], leaf_[CPX, i], leaf_[CPY, i]
    n[N_LEAP, i] += 1
    forward = f[STEP, i] > 0.0
    if track:
        side = RIGHT if forward else LEFT
        n[side, i] += 1 if forward else -1
        path[i, n[side, i], 0] = cx
        path[i, n[side, i], 1] = cy
    ce = sub[5, i]  # the leaf's energy, left there by the round
    dh, accept_term, sub_log_w, take = weighed
    if not (dh <= f[LIMIT, i]) or not proposal_ok(cx, cy, ce, bound):
        n[DIVERGENT, i] = 1
        return True
    f[ACC, i] += accept_term
    f[SUB_LOG_W, i] = sub_log_w
    if next_uniform(streams, i) <= take:
        sub[0, i] = cx
        sub[1, i] = cy
        sub[2, i] = ce
        sub[3, i] = leaf_[CGX, i]
        sub[4, i] = leaf_[CGY, i]
    j = n[DEPTH, i] - 1
    leaf = n[LEAF, i]
    # open a block of 2ᵏ leaves at this leaf, then close the blocks it completes
    # (masks, not %: an integer division per block cost more than the rest of the leaf)
    for q in range(1, j + 1):
        if leaf & ((1 << q) - 1) == 0:
            checkpoints[i, q, 0] = cpx
            checkpoints[i, q, 1] = cpy
            checkpoints[i, q, 2] = f[SRHO_X, i]
            checkpoints[i, q, 3] = f[SRHO_Y, i]
    f[SRHO_X, i] += cpx
    f[SRHO_Y, i] += cpy
    stop = False
    for q in range(1, j + 1):
        if (leaf + 1) & ((1 << q) - 1) == 0 and turned(
                f[SRHO_X, i] - checkpoints[i, q, 2], f[SRHO_Y, i] - checkpoints[i, q, 3],
                checkpoints[i, q, 0], checkpoints[i, q, 1], cpx, cpy):
            stop = True
    if stop:
        return True
    n[LEAF, i] = leaf + 1
    if leaf + 1 < (1 << j):
        return False
    # the subtree is complete: it becomes the tree's new end, its candidate may replace the tree's
    base = RX if forward else LX
    for q in range(6):
        ends[base + q, i] = leaf_[q, i]
    if next_uniform(streams, i) <= math.exp(f[SUB_LOG_W, i] - f[LOG_W, i]):
        for q in range(5):
            cand[q, i] = sub[q, i]
    f[LOG_W, i] = log_add(f[LOG_W, i], f[SUB_LOG_W, i])
    f[RHO_X, i] += f[SRHO_X, i]
    f[RHO_Y, i] += f[SRHO_Y, i]
    if turned(f[RHO_X, i], f[RHO_Y, i], ends[LPX, i], ends[LPY, i], ends[RPX, i],
              ends[RPY, i]) or n[DEPTH, i] >= max_depth:
        return True
    _begin_subtree(i, streams, state, ends, leaf_, sub, f, n)
    return False


@njit(cache=True, nogil=True, parallel=True, **JIT)
def nuts_kernel(batch, params, chains, adaptation, temperatures, settings, records):
    x, y, e, gx, gy, live, streams, accept_count, divergent_count = chains
    log_eps, log_eps_bar, h_bar, stat_sum, depth_sum, leapfrogs = adaptation
    mu, target, n_adapt, first_step, max_depth, thin, bound = settings
    positions, energies, accepted, last_path = records
    n_chains = x.shape[0]
    n_steps = temperatures.shape[0]
    n_path = last_path.shape[1]
    rows = (2 << max_depth) + 1
    centre = rows // 2
    for tile in prange(n_tiles(n_chains)):
        lo, hi = tile_range(tile, n_chains)
        m = hi - lo
        tstream = load(streams, lo, hi)
        state = np.empty((5, m))
        state[0] = x[lo:hi]
        state[1] = y[lo:hi]
        state[2] = e[lo:hi]
        state[3] = gx[lo:hi]
        state[4] = gy[lo:hi]
        ends = np.empty((12, m))
        leaf_ = np.empty((6, m))
        sub = np.empty((6, m))  # the subtree's candidate; row 5: the leaf's energy
        cand = np.empty((5, m))
        f = np.zeros((12, m))
        n = np.zeros((7, m), dtype=np.int64)
        checkpoints = np.empty((m, max_depth + 1, 4))
        path = np.empty((max(0, min(hi, n_path) - lo), rows, 2))
        # the round's batch (x, y, E, ∂ₓE, ∂ᵧE: contiguous rows) and its leaves' weights
        points = np.empty((5, m))
        bx, by, be, bgx, bgy = points[0], points[1], points[2], points[3], points[4]
        weights = np.empty((4, m))
        w_dh, w_accept, w_sub, w_take = weights[0], weights[1], weights[2], weights[3]
        active = np.empty(m, dtype=np.int64)
        n_active = 0
        for i in range(m):
            c = lo + i
            alive = live[c]
            positions[0, c, 0] = state[0, i] if alive else math.nan
            positions[0, c, 1] = state[1, i] if alive else math.nan
            energies[0, c] = state[2, i] if alive else math.nan
            if not alive:
                for k in range(n_steps):
                    if is_recorded(k, thin):
                        r = (k + 1) // thin
                        accepted[r - 1, c] = False
                        positions[r, c, 0] = math.nan
                        positions[r, c, 1] = math.nan
                        energies[r, c] = math.nan
            elif n_steps > 0:
                _begin_transition(i, c, tstream, state, ends, leaf_, sub, cand, f, n,
                                  temperatures, log_eps, log_eps_bar, first_step, n_adapt, path,
                                  centre)
                active[n_active] = i
                n_active += 1
        while n_active > 0:
            for a in range(n_active):  # the leaves' first half kick and drift
                i = active[a]
                step = f[STEP, i]
                leaf_[CPX, i] -= 0.5 * step * leaf_[CGX, i]
                leaf_[CPY, i] -= 0.5 * step * leaf_[CGY, i]
                leaf_[CX, i] += step * leaf_[CPX, i]
                leaf_[CY, i] += step * leaf_[CPY, i]
                bx[a] = leaf_[CX, i]
                by[a] = leaf_[CY, i]
            evaluate_tile(batch, params, bx[:n_active], by[:n_active], 1, be[:n_active],
                          bgx[:n_active], bgy[:n_active])
            for a in range(n_active):  # the second half kick and the leaves' weights, branch-free
                i = active[a]
                step = f[STEP, i]
                leaf_[CGX, i] = bgx[a]
                leaf_[CGY, i] = bgy[a]
                px = leaf_[CPX, i] - 0.5 * step * bgx[a]
                py = leaf_[CPY, i] - 0.5 * step * bgy[a]
                leaf_[CPX, i] = px
                leaf_[CPY, i] = py
                sub[5, i] = be[a]
                dh = be[a] + 0.5 * (px * px + py * py) - f[H0, i]
                log_leaf = -dh * f[INV_T, i]
                # log(e^{W} + e^{leaf}) as max + log(1 + e^{−|difference|}), W = −∞ included
                old = f[SUB_LOG_W, i]
                top = max(old, log_leaf)
                new = top + fast_log(1.0 + fast_exp(min(old, log_leaf) - top))
                w_dh[a] = dh
                w_accept[a] = 1.0 if log_leaf >= 0.0 else fast_exp(log_leaf)
                w_sub[a] = new
                w_take[a] = fast_exp(log_leaf - new)
            kept = 0
            for a in range(n_active):
                i = active[a]
                c = lo + i
                k = n[K, i]
                track = k == n_steps - 1 and c < n_path
                if not _after_leaf(i, tstream, state, ends, leaf_, sub, cand, f, n, checkpoints,
                                   max_depth, bound, path, track,
                                   (w_dh[a], w_accept[a], w_sub[a], w_take[a])):
                    active[kept] = i
                    kept += 1
                    continue
                # the tree has ended: its candidate is the chain's new state
                moved = cand[0, i] != state[0, i] or cand[1, i] != state[1, i]
                for q in range(5):
                    state[q, i] = cand[q, i]
                n_leap = n[N_LEAP, i]
                stat = f[ACC, i] / n_leap
                leapfrogs[c] += n_leap
                stat_sum[c] += stat
                depth_sum[c] += n[DEPTH, i]
                if n[DIVERGENT, i]:
                    divergent_count[c] += 1
                if moved:
                    accept_count[c] += 1
                m_step = first_step + k + 1
                if m_step <= n_adapt:
                    dual_averaging(m_step, stat, target, mu, log_eps, log_eps_bar, h_bar, c)
                if is_recorded(k, thin):
                    r = (k + 1) // thin
                    accepted[r - 1, c] = moved
                    positions[r, c, 0] = state[0, i]
                    positions[r, c, 1] = state[1, i]
                    energies[r, c] = state[2, i]
                if track:
                    left, right = n[LEFT, i], n[RIGHT, i]
                    for row in range(right - left + 1):
                        last_path[row, c, 0] = path[i, left + row, 0]
                        last_path[row, c, 1] = path[i, left + row, 1]
                    last_path[last_path.shape[0] - 1, c, 0] = state[0, i]
                    last_path[last_path.shape[0] - 1, c, 1] = state[1, i]
                n[K, i] = k + 1
                if k + 1 < n_steps:
                    _begin_transition(i, c, tstream, state, ends, leaf_, sub, cand, f, n,
                                      temperatures, log_eps, log_eps_bar, first_step, n_adapt,
                                      path, centre)
                    active[kept] = i
                    kept += 1
            n_active = kept
        x[lo:hi] = state[0]
        y[lo:hi] = state[1]
        e[lo:hi] = state[2]
        gx[lo:hi] = state[3]
        gy[lo:hi] = state[4]
        streams[lo:hi] = tstream
