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

Ragged trees: each chain builds its own tree with scalar arithmetic (one landscape call per
leaf), so a chain whose tree stops at depth 2 never waits for one at depth 8; the parallelism is
across tiles of chains. The storage for the U-turn checks is O(depth) per tile (checkpoints of
the momentum and of the running momentum sum at the start of each open block).
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, load, n_tiles, proposal_ok, record, tile_range
from .fastmath import JIT
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
def leapfrog_point(batch, params, point, x, y, px, py, gx, gy, step):
    """One leapfrog step of size ``step`` (negative: backwards in time) from one point."""
    bx, by, be, bgx, bgy = point
    px -= 0.5 * step * gx
    py -= 0.5 * step * gy
    x += step * px
    y += step * py
    bx[0] = x
    by[0] = y
    evaluate_tile(batch, params, bx, by, 1, be, bgx, bgy)
    gx = bgx[0]
    gy = bgy[0]
    px -= 0.5 * step * gx
    py -= 0.5 * step * gy
    return x, y, px, py, be[0], gx, gy


@njit(inline="always", **JIT)
def turned(rho_x, rho_y, ax, ay, bx, by):
    """The generalised U-turn criterion for momentum sum ρ and end momenta a, b."""
    return rho_x * ax + rho_y * ay <= 0.0 or rho_x * bx + rho_y * by <= 0.0


@njit(cache=True, nogil=True, **JIT)
def nuts_transition(batch, params, point, streams, i, state, eps, temperature, max_depth, bound,
                    checkpoints, path, track):
    """One NUTS step of chain ``i`` of the tile from ``state`` = (x, y, E, ∂ₓE, ∂ᵧE).

    Returns the new state, the acceptance statistic, the leapfrog steps taken, the tree depth,
    whether it diverged, and the first and last rows of ``path`` it filled (when ``track``,
    the leaves in trajectory order around the middle row, the start).
    """
    x, y, e, gx, gy = state
    n1, n2 = next_normal_pair(streams, i)
    scale = math.sqrt(temperature)
    px0 = scale * n1
    py0 = scale * n2
    h0 = e + 0.5 * (px0 * px0 + py0 * py0)
    inv_t = 1.0 / temperature
    limit = 1000.0 * temperature
    lx, ly, lpx, lpy, lgx, lgy = x, y, px0, py0, gx, gy
    rx, ry, rpx, rpy, rgx, rgy = x, y, px0, py0, gx, gy
    sx, sy, se, sgx, sgy = x, y, e, gx, gy
    log_w = 0.0
    rho_x = px0
    rho_y = py0
    accept_sum = 0.0
    n_leap = 0
    depth = 0
    divergent = False
    centre = path.shape[0] // 2
    left = centre
    right = centre
    if track:
        path[centre, 0] = x
        path[centre, 1] = y
    for j in range(max_depth):
        depth = j + 1
        forward = next_uniform(streams, i) <= 0.5
        if forward:
            cx, cy, cpx, cpy, cgx, cgy = rx, ry, rpx, rpy, rgx, rgy
            step = eps
        else:
            cx, cy, cpx, cpy, cgx, cgy = lx, ly, lpx, lpy, lgx, lgy
            step = -eps
        sub_log_w = -math.inf
        tx, ty, te, tgx, tgy = x, y, e, gx, gy
        sub_rho_x = 0.0
        sub_rho_y = 0.0
        stop = False
        for leaf in range(1 << j):
            cx, cy, cpx, cpy, ce, cgx, cgy = leapfrog_point(batch, params, point, cx, cy, cpx,
                                                            cpy, cgx, cgy, step)
            n_leap += 1
            if track:
                if forward:
                    right += 1
                    path[right, 0] = cx
                    path[right, 1] = cy
                else:
                    left -= 1
                    path[left, 0] = cx
                    path[left, 1] = cy
            dh = ce + 0.5 * (cpx * cpx + cpy * cpy) - h0
            if not (dh <= limit) or not proposal_ok(cx, cy, ce, bound):
                divergent = True
                stop = True
                break
            log_leaf = -dh * inv_t
            accept_sum += 1.0 if log_leaf >= 0.0 else math.exp(log_leaf)
            sub_log_w = log_add(sub_log_w, log_leaf)
            if next_uniform(streams, i) <= math.exp(log_leaf - sub_log_w):
                tx, ty, te, tgx, tgy = cx, cy, ce, cgx, cgy
            # open a block of 2ᵏ leaves at this leaf, then close the blocks it completes
            for k in range(1, j + 1):
                if leaf % (1 << k) == 0:
                    checkpoints[k, 0] = cpx
                    checkpoints[k, 1] = cpy
                    checkpoints[k, 2] = sub_rho_x
                    checkpoints[k, 3] = sub_rho_y
            sub_rho_x += cpx
            sub_rho_y += cpy
            for k in range(1, j + 1):
                if (leaf + 1) % (1 << k) == 0 and turned(
                        sub_rho_x - checkpoints[k, 2], sub_rho_y - checkpoints[k, 3],
                        checkpoints[k, 0], checkpoints[k, 1], cpx, cpy):
                    stop = True
            if stop:
                break
        if stop:
            break
        if forward:
            rx, ry, rpx, rpy, rgx, rgy = cx, cy, cpx, cpy, cgx, cgy
        else:
            lx, ly, lpx, lpy, lgx, lgy = cx, cy, cpx, cpy, cgx, cgy
        if next_uniform(streams, i) <= math.exp(sub_log_w - log_w):
            sx, sy, se, sgx, sgy = tx, ty, te, tgx, tgy
        log_w = log_add(log_w, sub_log_w)
        rho_x += sub_rho_x
        rho_y += sub_rho_y
        if turned(rho_x, rho_y, lpx, lpy, rpx, rpy):
            break
    return (sx, sy, se, sgx, sgy), accept_sum / n_leap, n_leap, depth, divergent, left, right


@njit(inline="always", **JIT)
def dual_averaging(m, stat, target, mu, log_eps, log_eps_bar, h_bar, c):
    """Update chain c's step size after its m-th (1-based) adaptation step."""
    w = 1.0 / (m + DA_T0)
    h_bar[c] = (1.0 - w) * h_bar[c] + w * (target - stat)
    log_eps[c] = mu - math.sqrt(m) / DA_GAMMA * h_bar[c]
    eta = m ** -DA_KAPPA
    log_eps_bar[c] = eta * log_eps[c] + (1.0 - eta) * log_eps_bar[c]


@njit(cache=True, nogil=True, parallel=True, **JIT)
def nuts_kernel(batch, params, chains, adaptation, temperatures, settings, records):
    x, y, e, gx, gy, live, streams, accept_count, divergent_count = chains
    log_eps, log_eps_bar, h_bar, stat_sum, depth_sum, leapfrogs = adaptation
    mu, target, n_adapt, first_step, max_depth, thin, bound = settings
    positions, energies, accepted, last_path = records
    n = x.shape[0]
    n_steps = temperatures.shape[0]
    n_path = last_path.shape[1]
    for tile in prange(n_tiles(n)):
        lo, hi = tile_range(tile, n)
        tx = load(x, lo, hi)
        ty = load(y, lo, hi)
        te = load(e, lo, hi)
        tgx = load(gx, lo, hi)
        tgy = load(gy, lo, hi)
        tlive = load(live, lo, hi)
        tstream = load(streams, lo, hi)
        point = (np.empty(1), np.empty(1), np.empty(1), np.empty(1), np.empty(1))
        checkpoints = np.empty((max_depth + 1, 4))
        path = np.empty(((2 << max_depth) + 1, 2))
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            temperature = temperatures[k]
            m = first_step + k + 1
            adapting = m <= n_adapt
            recorded = is_recorded(k, thin)
            r = (k + 1) // thin
            for i in range(hi - lo):
                c = lo + i
                if not tlive[i]:
                    if recorded:
                        accepted[r - 1, c] = False
                    continue
                eps = math.exp(log_eps[c] if adapting else log_eps_bar[c])
                track = k == n_steps - 1 and c < n_path
                new, stat, n_leap, depth, divergent, left, right = nuts_transition(
                    batch, params, point, tstream, i, (tx[i], ty[i], te[i], tgx[i], tgy[i]),
                    eps, temperature, max_depth, bound, checkpoints, path, track)
                moved = new[0] != tx[i] or new[1] != ty[i]
                tx[i], ty[i], te[i], tgx[i], tgy[i] = new
                leapfrogs[c] += n_leap
                stat_sum[c] += stat
                depth_sum[c] += depth
                if divergent:
                    divergent_count[c] += 1
                if moved:
                    accept_count[c] += 1
                if recorded:
                    accepted[r - 1, c] = moved
                if adapting:
                    dual_averaging(m, stat, target, mu, log_eps, log_eps_bar, h_bar, c)
                if track:
                    for row in range(right - left + 1):
                        last_path[row, c, 0] = path[left + row, 0]
                        last_path[row, c, 1] = path[left + row, 1]
                    last_path[last_path.shape[0] - 1, c, 0] = tx[i]
                    last_path[last_path.shape[0] - 1, c, 1] = ty[i]
            if recorded:
                record(r, lo, tx, ty, te, tlive, positions, energies)
        x[lo:hi] = tx
        y[lo:hi] = ty
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        streams[lo:hi] = tstream
