"""Kernel of Langevin dynamics with weight-dependent noise (Fang, Yu & Chen; Fang, Yu & Chen).

Each coordinate wᵢ is a synaptic weight whose noise variance grows with it,
Dᵢ(w) = min(α e^{wᵢ}, D_max) (the Poisson term α e^{w} of Kappel's synaptic sampling):

  as in the paper:      wᵢ ← wᵢ − η ∂ᵢE + √(2ηT Dᵢ(w)) ξᵢ
  preserve_density:     wᵢ ← wᵢ + η(−Dᵢ ∂ᵢE + T ∂ᵢDᵢ) + √(2ηT Dᵢ(w)) ξᵢ

The first explores more where weights are large and its stationary density is not exp(−E/T);
the second adds the drift T∇·D that makes exp(−E/T) stationary again (Fokker–Planck with a
diagonal diffusion D), so the two can be compared against the exact density.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import is_recorded, load, n_tiles, record, remember, stop_diverged, tile_range
from .fastmath import JIT, fast_exp
from .rng import fill_normal_pairs


@njit(cache=True, nogil=True, parallel=True, **JIT)
def weight_noise_kernel(batch, params, chains, temperatures, settings, records):
    x, y, e, gx, gy, live, diverged_at, streams = chains
    step_size, alpha, max_variance, preserve_density, thin, bound = settings
    positions, energies = records
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
        x_prev = np.empty(m)
        y_prev = np.empty(m)
        n1 = np.zeros(m)
        n2 = np.zeros(m)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            temperature = temperatures[k]
            if temperature > 0.0:
                fill_normal_pairs(tstream, n1, n2)
            remember(tx, ty, x_prev, y_prev)
            for i in range(m):
                raw_x = alpha * fast_exp(tx[i])
                raw_y = alpha * fast_exp(ty[i])
                dx = min(raw_x, max_variance)
                dy = min(raw_y, max_variance)
                sx = math.sqrt(2.0 * step_size * temperature * dx)
                sy = math.sqrt(2.0 * step_size * temperature * dy)
                if preserve_density:
                    # ∂D/∂w = D where α e^w is below the cap, 0 where the cap holds
                    cx = temperature * dx if raw_x < max_variance else 0.0
                    cy = temperature * dy if raw_y < max_variance else 0.0
                    tx[i] += step_size * (-dx * tgx[i] + cx) + sx * n1[i]
                    ty[i] += step_size * (-dy * tgy[i] + cy) + sy * n2[i]
                else:
                    tx[i] += -step_size * tgx[i] + sx * n1[i]
                    ty[i] += -step_size * tgy[i] + sy * n2[i]
            evaluate_tile(batch, params, tx, ty, 1, te, tgx, tgy)
            stop_diverged(k, lo, tx, ty, te, tgx, tgy, x_prev, y_prev, tlive, diverged_at, bound)
            if is_recorded(k, thin):
                record((k + 1) // thin, lo, tx, ty, te, tlive, positions, energies)
        x[lo:hi] = tx
        y[lo:hi] = ty
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        live[lo:hi] = tlive
        streams[lo:hi] = tstream
