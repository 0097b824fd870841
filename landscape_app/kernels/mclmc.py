"""Kernel of microcanonical Langevin Monte Carlo (MCLMC; Robnik & Seljak 2023, "Fluctuation
without dissipation"; docs/samplers.md, "MCLMC").

The velocity u is a unit vector (|u| = 1, d = 2). Each step is one leapfrog step of the
energy-sampling-Hamiltonian (ESH) dynamics ẋ = u, u̇ = −(I − uuᵀ) g/(d − 1), g = ∇E/T, whose
velocity update over a time δ has the closed form (Robnik et al. 2023, Eq. 16)

    e = −g/|g|,  ζ = exp(−δ|g|/(d − 1)),
    u ← normalise( e (1 − ζ)(1 + ζ + (u·e)(1 − ζ)) + 2ζ u ),
    kinetic change (d − 1)[δ|g|/(d − 1) − log 2 + log(1 + u·e + (1 − u·e) ζ²)],

then a partial refresh of the direction (the Langevin part that makes it ergodic):

    u ← normalise(c₁ u + c₂ z/√d),  c₁ = exp(−ε/L), c₂ = √(1 − c₁²),  z ~ N(0, I).

There is no accept/reject: the sampler is unadjusted, with a bias that falls with ε. The energy
error of a step, ΔE/T + kinetic change, is what its step-size tuning watches (BlackJAX's
``mclmc_find_L_and_step_size`` aims at Var[error]/d = 5·10⁻⁴). During the first ``n_adapt``
steps each chain's ε follows

    c̄ ← (1 − β) c̄ + β · (error²/d)/ε⁶,   ε ← (target / c̄)^(1/6)  (at most ×2 or ÷2 a step),

β = 0.05: our simplified version of that tuner's first stage (the leapfrog's energy error
grows as ε³, its variance as ε⁶, so c̄ is a property of the landscape and ε follows from it
without feedback). Its second stage, with ``tune_length``: over the second half of the warm-up
each chain sums its positions and their squares, and at the warm-up's last step sets its own

    L = √(Var[x] + Var[y])                 (BlackJAX: L = √(Σᵢ Var[xᵢ]))

so the velocity decorrelates over the size of the region the chain explores. One gradient
evaluation per step.
"""

import math

import numpy as np
from numba import njit, prange

from .abi import evaluate_tile
from .chains import (
    TILE,
    is_recorded,
    load,
    n_tiles,
    padded,
    record,
    remember,
    stop_diverged,
    tile_range,
)
from .fastmath import JIT, fast_exp, fast_log
from .rng import fill_normal_pairs

#: weight β of the moving average of the energy-error constant c during adaptation
ERROR_AVERAGE = 0.05


@njit(inline="always", **JIT)
def esh_velocity_update(ux, uy, gx, gy, delta, inv_t, kinetic, i):
    """The ESH velocity update of chain i over time ``delta`` (d = 2, so d − 1 = 1); adds the
    kinetic-energy change to ``kinetic[i]``."""
    g1 = gx[i] * inv_t
    g2 = gy[i] * inv_t
    norm = math.sqrt(g1 * g1 + g2 * g2)
    if norm > 0.0:
        ex = -g1 / norm
        ey = -g2 / norm
        ue = ux[i] * ex + uy[i] * ey
        d = delta * norm
        zeta = fast_exp(-d)
        a = (1.0 - zeta) * (1.0 + zeta + ue * (1.0 - zeta))
        nx = ex * a + 2.0 * zeta * ux[i]
        ny = ey * a + 2.0 * zeta * uy[i]
        length = math.sqrt(nx * nx + ny * ny)
        ux[i] = nx / length
        uy[i] = ny / length
        kinetic[i] += d - math.log(2.0) + fast_log(1.0 + ue + (1.0 - ue) * zeta * zeta)


@njit(inline="always", **JIT)
def _measure_spread(lo, x, y, live, moments):
    """Add the live chains' positions to their sums: count, Σx, Σy, Σx², Σy² (rows)."""
    for i in range(x.shape[0]):
        if live[i]:
            c = lo + i
            moments[0, c] += 1.0
            moments[1, c] += x[i]
            moments[2, c] += y[i]
            moments[3, c] += x[i] * x[i]
            moments[4, c] += y[i] * y[i]


@njit(inline="always", **JIT)
def _set_lengths(lo, m, moments, length):
    """L = √(Var x + Var y) of each chain's summed positions (kept where it has < 2 or no
    spread)."""
    for i in range(m):
        c = lo + i
        count = moments[0, c]
        if count < 2.0:
            continue
        mx = moments[1, c] / count
        my = moments[2, c] / count
        var = moments[3, c] / count - mx * mx + moments[4, c] / count - my * my
        if var > 0.0 and var < math.inf:
            length[i] = math.sqrt(var)


@njit(cache=True, nogil=True, parallel=True, **JIT)
def mclmc_kernel(batch, params, chains, tuning, temperatures, settings, records):
    x, y, ux, uy, e, gx, gy, live, diverged_at, streams = chains
    step, error_var, error_sum, error_sq, lengths, moments = tuning
    target, n_adapt, first_step, thin, bound, tune_length = settings
    positions, energies = records
    n = x.shape[0]
    n_steps = temperatures.shape[0]
    for tile in prange(n_tiles(n)):
        lo, hi = tile_range(tile, n)
        m = hi - lo
        # the dynamics loops run over whole tiles (dummy chains at rest pad a short one):
        # LLVM's vector body and its scalar remainder may round the ESH update differently
        # (an ulp), and chain i must not depend on where it falls in its tile
        px = padded(x, lo, hi, 0.0)
        py = padded(y, lo, hi, 0.0)
        tux = padded(ux, lo, hi, 1.0)
        tuy = padded(uy, lo, hi, 0.0)
        pe = padded(e, lo, hi, 0.0)
        pgx = padded(gx, lo, hi, 0.0)
        pgy = padded(gy, lo, hi, 0.0)
        eps = padded(step, lo, hi, 1.0)
        length = padded(lengths, lo, hi, 1.0)
        tx, ty, te, tgx, tgy = px[:m], py[:m], pe[:m], pgx[:m], pgy[:m]
        tlive = load(live, lo, hi)
        tstream = load(streams, lo, hi)
        x_prev = np.empty(m)
        y_prev = np.empty(m)
        e_prev = np.empty(m)
        width = max(TILE, m)  # = TILE; not a constant, so numba keeps it per thread
        kinetic = np.zeros(width)
        n1 = np.zeros(width)
        n2 = np.zeros(width)
        record(0, lo, tx, ty, te, tlive, positions, energies)
        for k in range(n_steps):
            inv_t = 1.0 / temperatures[k]
            adapting = first_step + k < n_adapt
            fill_normal_pairs(tstream, n1[:m], n2[:m])
            remember(tx, ty, x_prev, y_prev)
            for i in range(m):
                e_prev[i] = te[i]
            for i in range(TILE):
                kinetic[i] = 0.0
                esh_velocity_update(tux, tuy, pgx, pgy, 0.5 * eps[i], inv_t, kinetic, i)
                px[i] += eps[i] * tux[i]
                py[i] += eps[i] * tuy[i]
            evaluate_tile(batch, params, tx, ty, 1, te, tgx, tgy)
            for i in range(TILE):
                esh_velocity_update(tux, tuy, pgx, pgy, 0.5 * eps[i], inv_t, kinetic, i)
                c1 = fast_exp(-eps[i] / length[i])
                c2 = math.sqrt(1.0 - c1 * c1) * math.sqrt(0.5)
                rx = c1 * tux[i] + c2 * n1[i]
                ry = c1 * tuy[i] + c2 * n2[i]
                norm = math.sqrt(rx * rx + ry * ry)
                tux[i] = rx / norm
                tuy[i] = ry / norm
            stop_diverged(k, lo, tx, ty, te, tgx, tgy, x_prev, y_prev, tlive, diverged_at, bound)
            for i in range(m):
                if not tlive[i]:
                    continue
                error = (te[i] - e_prev[i]) * inv_t + kinetic[i]
                error_sum[lo + i] += error
                error_sq[lo + i] += error * error
                if adapting and abs(error) < math.inf:
                    # the error variance per dimension as c·ε⁶: average c, then solve for ε
                    # pow written as products and fast_exp/fast_log: libm's pow may differ by
                    # an ulp between vector lanes and the scalar remainder of the loop, and
                    # chain i must not depend on where it falls in a tile
                    e2 = eps[i] * eps[i]
                    c = 0.5 * error * error / (e2 * e2 * e2)
                    previous = error_var[lo + i]
                    c = c if previous == 0.0 else (1.0 - ERROR_AVERAGE) * previous \
                        + ERROR_AVERAGE * c
                    error_var[lo + i] = c
                    wanted = fast_exp(fast_log(target / max(c, 1e-300)) / 6.0)
                    eps[i] = min(2.0 * eps[i], max(0.5 * eps[i], wanted))
            if tune_length and n_adapt // 2 <= first_step + k < n_adapt:
                _measure_spread(lo, tx, ty, tlive, moments)
                if first_step + k == n_adapt - 1:
                    _set_lengths(lo, m, moments, length)
            if is_recorded(k, thin):
                record((k + 1) // thin, lo, tx, ty, te, tlive, positions, energies)
        x[lo:hi] = tx
        y[lo:hi] = ty
        ux[lo:hi] = tux[:m]
        uy[lo:hi] = tuy[:m]
        e[lo:hi] = te
        gx[lo:hi] = tgx
        gy[lo:hi] = tgy
        live[lo:hi] = tlive
        streams[lo:hi] = tstream
        for i in range(m):
            step[lo + i] = eps[i]
            lengths[lo + i] = length[i]
