"""Kernel of the gradient-estimating evolution strategy (antithetic sampling, SGD or Adam).

    ĝ = (1 / (2Pσ)) Σᵢ [E(x + σεᵢ) − E(x − σεᵢ)] εᵢ,   εᵢ ~ N(0, I), i = 1..P pairs,

an unbiased estimate of the gradient of the Gaussian-smoothed energy E_σ = E[E(x + σε)]; for a
quadratic E it is exactly (1/P) Σ εᵢεᵢᵀ ∇E. The step is x ← x − η ĝ, or Adam on ĝ
(m ← β₁m + (1−β₁)ĝ, s ← β₂s + (1−β₂)ĝ², x ← x − η m̂/(√ŝ + ϵ) with bias corrections), plus
√(2ηT) ξ when T > 0. Forward evaluations only: 2P + 1 energies per step, no gradients.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, load, n_tiles, record, remember, stop_diverged, tile_range
from .fastmath import JIT
from .rng import fill_normal_pairs


@njit(inline="always", **JIT)
def es_gradient_tile(batch, params, x, y, streams, sigma, population, qx, qy, e_plus, e_minus,
                     n1, n2, unused_x, unused_y, ghat_x, ghat_y):
    """The antithetic estimate ĝ for every chain of a tile (2P energy evaluations)."""
    m = x.shape[0]
    for i in range(m):
        ghat_x[i] = 0.0
        ghat_y[i] = 0.0
    for _ in range(population):
        fill_normal_pairs(streams, n1, n2)
        for i in range(m):
            qx[i] = x[i] + sigma * n1[i]
            qy[i] = y[i] + sigma * n2[i]
        evaluate_tile(batch, params, qx, qy, 0, e_plus, unused_x, unused_y)
        for i in range(m):
            qx[i] = x[i] - sigma * n1[i]
            qy[i] = y[i] - sigma * n2[i]
        evaluate_tile(batch, params, qx, qy, 0, e_minus, unused_x, unused_y)
        for i in range(m):
            d = e_plus[i] - e_minus[i]
            ghat_x[i] += d * n1[i]
            ghat_y[i] += d * n2[i]
    scale = 1.0 / (2.0 * population * sigma)
    for i in range(m):
        ghat_x[i] *= scale
        ghat_y[i] *= scale


@njit(cache=True, nogil=True, parallel=True, **JIT)
def es_gradient_estimate(batch, params, x, y, streams, sigma, population):
    """ĝ at each point (x[i], y[i]) as an (n, 2) array, drawing from ``streams`` in place."""
    n = x.shape[0]
    out = np.empty((n, 2))
    for tile in prange(n_tiles(n)):
        lo, hi = tile_range(tile, n)
        m = hi - lo
        tx = load(x, lo, hi)
        ty = load(y, lo, hi)
        tstream = load(streams, lo, hi)
        gxh = np.empty(m)
        gyh = np.empty(m)
        es_gradient_tile(batch, params, tx, ty, tstream, sigma, population, np.empty(m),
                         np.empty(m), np.empty(m), np.empty(m), np.empty(m), np.empty(m),
                         np.empty(m), np.empty(m), gxh, gyh)
        for i in range(m):
            out[lo + i, 0] = gxh[i]
            out[lo + i, 1] = gyh[i]
        streams[lo:hi] = tstream
    return out


@njit(cache=True, nogil=True, parallel=True, **JIT)
def es_kernel(batch, params, chains, temperatures, settings, records):
    x, y, e, mx, my, sx, sy, live, diverged_at, streams = chains
    (step_size, sigma, population, use_adam, beta1,
     beta2, adam_eps, step_offset, thin, bound) = settings
    positions, energies = records
    n = x.shape[0]
    n_steps = temperatures.shape[0]
    for tile in prange(n_tiles(n)):
        lo, hi = tile_range(tile, n)
        m = hi - lo
        tx = load(x, lo, hi)
        ty = load(y, lo, hi)
        te = load(e, lo, hi)
        tmx = load(mx, lo, hi)
        tmy = load(my, lo, hi)
        tsx = load(sx, lo, hi)
        tsy = load(sy, lo, hi)
        tlive = load(live, lo, hi)
        tstream = load(streams, lo, hi)
        qx = np.empty(m)
        qy = np.empty(m)
        e_plus = np.empty(m)
        e_minus = np.empty(m)
        n1 = np.empty(m)
        n2 = np.empty(m)
        w1 = np.zeros(m)
        w2 = np.zeros(m)
        gxh = np.empty(m)
        gyh = np.empty(m)
        unused_x = np.zeros(m)
        unused_y = np.zeros(m)
        x_prev = np.empty(m)
        y_prev = np.empty(m)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            es_gradient_tile(batch, params, tx, ty, tstream, sigma, population, qx, qy, e_plus,
                             e_minus, n1, n2, unused_x, unused_y, gxh, gyh)
            noise = math.sqrt(2.0 * step_size * temperatures[k])
            if noise > 0.0:
                fill_normal_pairs(tstream, w1, w2)
            remember(tx, ty, x_prev, y_prev)
            if use_adam:
                t = step_offset + k + 1
                c1 = 1.0 - beta1**t
                c2 = 1.0 - beta2**t
                for i in range(m):
                    tmx[i] = beta1 * tmx[i] + (1.0 - beta1) * gxh[i]
                    tmy[i] = beta1 * tmy[i] + (1.0 - beta1) * gyh[i]
                    tsx[i] = beta2 * tsx[i] + (1.0 - beta2) * gxh[i] * gxh[i]
                    tsy[i] = beta2 * tsy[i] + (1.0 - beta2) * gyh[i] * gyh[i]
                    tx[i] -= step_size * (tmx[i] / c1) / (math.sqrt(tsx[i] / c2) + adam_eps)
                    ty[i] -= step_size * (tmy[i] / c1) / (math.sqrt(tsy[i] / c2) + adam_eps)
                    tx[i] += noise * w1[i]
                    ty[i] += noise * w2[i]
            else:
                for i in range(m):
                    tx[i] += -step_size * gxh[i] + noise * w1[i]
                    ty[i] += -step_size * gyh[i] + noise * w2[i]
            evaluate_tile(batch, params, tx, ty, 0, te, unused_x, unused_y)
            stop_diverged(k, lo, tx, ty, te, unused_x, unused_y, x_prev, y_prev, tlive,
                          diverged_at, bound)
            if is_recorded(k, thin):
                record((k + 1) // thin, lo, tx, ty, te, tlive, positions, energies)
        x[lo:hi] = tx
        y[lo:hi] = ty
        e[lo:hi] = te
        mx[lo:hi] = tmx
        my[lo:hi] = tmy
        sx[lo:hi] = tsx
        sy[lo:hi] = tsy
        live[lo:hi] = tlive
        streams[lo:hi] = tstream
