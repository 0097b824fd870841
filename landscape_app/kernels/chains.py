"""Tile bookkeeping shared by every sampler kernel: recording, divergence, Metropolis acceptance.

Kernels split the chains into tiles of ``TILE`` chains; each tile runs all its steps with its
state in small contiguous arrays (they stay in L1/L2 cache, and every per-chain loop is a
vectorisable loop over the tile). Tiles run in parallel (``prange``); each chain draws from its
own stream, so results do not depend on the tiling or the number of threads.
"""

import math

import numpy as np
from numba import njit

from .fastmath import JIT, fast_log

#: chains per tile: 4 arrays of 256 doubles per quantity fit in L1 with room to spare.
TILE = 256


@njit(inline="always", **JIT)
def n_tiles(n_chains):
    return (n_chains + TILE - 1) // TILE


@njit(inline="always", **JIT)
def tile_range(tile, n_chains):
    lo = tile * TILE
    return lo, min(n_chains, lo + TILE)


@njit(inline="always", **JIT)
def load(source, lo, hi):
    """A contiguous private copy of ``source[lo:hi]``."""
    return source[lo:hi].copy()


@njit(inline="always", **JIT)
def padded(source, lo, hi, fill):
    """A private copy of ``source[lo:hi]`` in an array of a whole tile, ``fill`` beyond."""
    # the size written to depend on the tile: numba hoists an allocation of constant size out
    # of a prange loop, and the threads would then share it
    out = np.full(max(TILE, hi - lo), fill)
    out[:hi - lo] = source[lo:hi]
    return out


@njit(inline="always", **JIT)
def record(r, lo, x, y, e, live, positions, energies):
    """Write the tile's state as record ``r``; stopped (diverged) chains read NaN."""
    for i in range(x.shape[0]):
        alive = live[i]
        positions[r, lo + i, 0] = x[i] if alive else math.nan
        positions[r, lo + i, 1] = y[i] if alive else math.nan
        energies[r, lo + i] = e[i] if alive else math.nan


@njit(inline="always", **JIT)
def is_recorded(step, thin):
    """Whether the state after 0-based step ``step`` is stored (every ``thin``-th)."""
    return (step + 1) % thin == 0


@njit(inline="always", **JIT)
def remember(x, y, x_prev, y_prev):
    for i in range(x.shape[0]):
        x_prev[i] = x[i]
        y_prev[i] = y[i]


@njit(inline="always", **JIT)
def stop_diverged(step, lo, x, y, e, gx, gy, x_prev, y_prev, live, diverged_at, bound):
    """Stop chains whose new state is NaN/inf or beyond ``bound``; record the step (1-based).

    A stopped chain is put back on its last finite position with zero gradient, so it stays
    finite (and inert) while the rest of the tile goes on.
    """
    for i in range(x.shape[0]):
        ok = abs(x[i]) <= bound and abs(y[i]) <= bound and abs(e[i]) < math.inf
        if live[i] and not ok:
            live[i] = False
            diverged_at[lo + i] = step + 1
        if not live[i]:
            x[i] = x_prev[i]
            y[i] = y_prev[i]
            gx[i] = 0.0
            gy[i] = 0.0


@njit(inline="always", **JIT)
def metropolis_accept(delta, log_correction, temperature, u):
    """Metropolis–Hastings: accept with probability min(1, exp(−Δ/T + log q-ratio)).

    At T = 0 the move is accepted iff Δ ≤ 0 (greedy descent). NaN Δ (a proposal off to
    infinity) is always rejected, because every comparison with NaN is false.
    """
    if temperature > 0.0:
        return fast_log(u) < -delta / temperature + log_correction
    return delta <= 0.0


@njit(inline="always", **JIT)
def proposal_ok(x, y, e, bound):
    """A proposal is admissible only when finite and within the divergence bound."""
    return abs(x) <= bound and abs(y) <= bound and abs(e) < math.inf



@njit(inline="always", **JIT)
def mala_log_correction(x, y, qx, qy, qgx, qgy, n1, n2, step_size, temperature):
    """log q(x | x') − log q(x' | x) of the Langevin proposal x' = x − η∇E(x) + √(2ηT) ξ:
    |ξ|²/2 − |x − x' + η∇E(x')|²/(4ηT) (0 at T = 0, where the move is greedy)."""
    if temperature <= 0.0:
        return 0.0
    rx = x - qx + step_size * qgx
    ry = y - qy + step_size * qgy
    return 0.5 * (n1 * n1 + n2 * n2) - (rx * rx + ry * ry) / (4.0 * step_size * temperature)
