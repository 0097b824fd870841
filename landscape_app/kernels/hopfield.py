"""Kernels of the Hopfield network: asynchronous and synchronous sweeps, continuous dynamics.

Discrete network: Vᵢ ← g(hᵢ), g(h) = +1 if h ≥ a else −1, local fields h = TV, energy
E = −½ VᵀTV + a ΣV = −½ V·h + a ΣV.

Asynchronous updates keep h up to date incrementally: flipping neuron i by Δ = ±2 adds Δ times
column i of T to h (O(N)); a neuron that does not flip costs one comparison, so a sweep without
flips is O(N) and a sweep costs O(N·(1 + flips)), never the O(N²) of recomputing TV. The energy
and the overlaps mᵤ = ξᵤ·V/N are updated the same way. ``columns[i]`` is column i of s·T as a
contiguous row (T itself when symmetric) and the fields are kept as s·h, for a scale s: under
Hebb's rule N·T is integer and is passed as int16 with s = N (exact, and a flip reads 2N bytes
instead of 8N); the kernels compile once per dtype.

Synchronous sweeps are one matrix-vector product (BLAS through ``np.dot``) each.
"""


import numpy as np
from numba import njit

from .activations import g
from .integrators import rk4_finish, rk4_stage

CONVERGED, CYCLE, MAX_SWEEPS = 0, 1, 2


@njit(cache=True, nogil=True)
def _state_hash(v):
    """A 64-bit fingerprint of a ±1 state (to find repeated states cheaply)."""
    h = np.uint64(1469598103934665603)
    for i in range(v.shape[0]):
        bit = np.uint64(1) if v[i] > 0 else np.uint64(2)
        h = (h ^ bit) * np.uint64(1099511628211)
    return h


@njit(cache=True, nogil=True)
def _earlier_copy(states, hashes, last):
    """The first k < ``last`` with states[k] == states[last] (fingerprints first), else −1."""
    for k in range(last):
        if hashes[k] == hashes[last]:
            same = True
            for i in range(states.shape[1]):
                if states[k, i] != states[last, i]:
                    same = False
                    break
            if same:
                return k
    return -1


@njit(cache=True, nogil=True)
def async_updates(columns, v, h, level, order, start, count, pattern_columns, overlaps):
    """Update ``count`` neurons in ``order`` from position ``start`` (wrapping), in place:
    vᵢ ← +1 if hᵢ ≥ level else −1, with h = s·Tv and level = s·a for the columns' scale s.

    Returns (next position, flips). ``v`` float ±1, ``h`` and ``overlaps`` = ξ·v/N are kept
    exact, so the energy is −½ v·h/s + a Σv at any time in O(N).
    ``pattern_columns`` is ξᵀ (N, P), contiguous, so that a flip of neuron i reads one
    contiguous row ξᵀᵢ instead of P strided entries.
    """
    n = v.shape[0]
    n_patterns = pattern_columns.shape[1]
    flips = 0
    position = start
    inv_n = 1.0 / n
    for _ in range(count):
        i = order[position]
        position += 1
        if position == n:
            position = 0
        new = 1.0 if h[i] >= level else -1.0
        if new != v[i]:
            d = new - v[i]
            v[i] = new
            col = columns[i]
            for j in range(n):
                h[j] += col[j] * d
            xi_i = pattern_columns[i]
            for mu in range(n_patterns):
                overlaps[mu] += xi_i[mu] * d * inv_n
            flips += 1
    return position, flips


@njit(cache=True, nogil=True)
def async_recall(columns, fields, scale, v0, threshold, pattern_columns, max_sweeps, seed,
                 shuffle):
    """Asynchronous recall from ``v0`` for at most ``max_sweeps`` sweeps of N updates.

    ``columns``/``fields``/``scale``: column i of s·T, s·Tv0 and s (see the module's notes);
    ``pattern_columns``: ξᵀ (N, P). Returns (states int8 (sweeps + 1, N), overlaps
    (sweeps + 1, P), energies (sweeps + 1,), status: 0 converged (a sweep without flips),
    1 cycle (a state repeated: only without shuffling, where a sweep is a deterministic map),
    2 max_sweeps).
    """
    n = v0.shape[0]
    n_patterns = pattern_columns.shape[1]
    v = v0.astype(np.float64)
    h = fields.copy()
    level = threshold * scale
    overlaps = np.zeros(n_patterns)
    for i in range(n):
        for mu in range(n_patterns):
            overlaps[mu] += pattern_columns[i, mu] * v[i]
    overlaps /= n
    energy = -0.5 * np.dot(v, h) / scale + threshold * v.sum()
    states = np.empty((max_sweeps + 1, n), dtype=np.int8)
    overlap_rec = np.empty((max_sweeps + 1, n_patterns))
    energy_rec = np.empty(max_sweeps + 1)
    hashes = np.empty(max_sweeps + 1, dtype=np.uint64)
    for i in range(n):
        states[0, i] = 1 if v[i] > 0 else -1
    overlap_rec[0] = overlaps
    energy_rec[0] = energy
    hashes[0] = _state_hash(v)
    # numba implements only the legacy np.random API (seeded per thread inside the kernel)
    np.random.seed(seed)  # noqa: NPY002
    order = np.arange(n)
    status = MAX_SWEEPS
    done = 0
    for sweep in range(max_sweeps):
        if shuffle:
            np.random.shuffle(order)  # noqa: NPY002
        _, flips = async_updates(columns, v, h, level, order, 0, n, pattern_columns, overlaps)
        energy = -0.5 * np.dot(v, h) / scale + threshold * v.sum()
        done = sweep + 1
        for i in range(n):
            states[done, i] = 1 if v[i] > 0 else -1
        overlap_rec[done] = overlaps
        energy_rec[done] = energy
        hashes[done] = _state_hash(v)
        if flips == 0:
            status = CONVERGED
            break
        if not shuffle and _earlier_copy(states, hashes, done) >= 0:
            status = CYCLE
            break
    return states[:done + 1], overlap_rec[:done + 1], energy_rec[:done + 1], status


@njit(cache=True, nogil=True)
def sync_recall(weights, v0, threshold, patterns, max_sweeps):
    """Synchronous recall: v ← g(Tv) for all neurons at once, at most ``max_sweeps`` times.

    Status 0 converged (a fixed point), 1 cycle (a state seen before, e.g. the 2-cycles that
    synchronous updates allow), 2 max_sweeps.
    """
    n = v0.shape[0]
    n_patterns = patterns.shape[0]
    v = v0.astype(np.float64)
    states = np.empty((max_sweeps + 1, n), dtype=np.int8)
    overlap_rec = np.empty((max_sweeps + 1, n_patterns))
    energy_rec = np.empty(max_sweeps + 1)
    hashes = np.empty(max_sweeps + 1, dtype=np.uint64)
    h = np.dot(weights, v)
    for i in range(n):
        states[0, i] = 1 if v[i] > 0 else -1
    overlap_rec[0] = np.dot(patterns, v) / n
    energy_rec[0] = -0.5 * np.dot(v, h) + threshold * v.sum()
    hashes[0] = _state_hash(v)
    status = MAX_SWEEPS
    done = 0
    new = np.empty(n)
    for sweep in range(max_sweeps):
        for i in range(n):
            new[i] = 1.0 if h[i] >= threshold else -1.0
        v[:] = new
        h = np.dot(weights, v)
        done = sweep + 1
        for i in range(n):
            states[done, i] = 1 if v[i] > 0 else -1
        overlap_rec[done] = np.dot(patterns, v) / n
        energy_rec[done] = -0.5 * np.dot(v, h) + threshold * v.sum()
        hashes[done] = _state_hash(v)
        repeat_of = _earlier_copy(states, hashes, done)
        if repeat_of == done - 1:
            status = CONVERGED
            break
        if repeat_of >= 0:
            status = CYCLE
            break
    return states[:done + 1], overlap_rec[:done + 1], energy_rec[:done + 1], status


@njit(cache=True, nogil=True)
def sync_sweep(weights, v, threshold, out):
    """One synchronous sweep (the benchmarked unit): out = g(Wv)."""
    h = np.dot(weights, v)
    for i in range(v.shape[0]):
        out[i] = 1.0 if h[i] >= threshold else -1.0
    return out


@njit(cache=True, nogil=True)
def _derivative(weights, u, inputs, code, gain, out):
    n = u.shape[0]
    v = np.empty(n)
    for i in range(n):
        v[i] = g(u[i], code, gain)
    tv = np.dot(weights, v)
    for i in range(n):
        out[i] = tv[i] - u[i] + inputs[i]


@njit(cache=True, nogil=True)
def continuous_run(weights, u0, inputs, code, gain, dt, n_steps, record_every, limit):
    """Classical Runge–Kutta (RK4) integration of u̇ = T g(u) − u + I.

    Returns (u at every ``record_every``-th step, (n_steps // record_every + 1, N), steps
    done). Stops early, rows after it NaN, when some |uᵢ| exceeds ``limit`` or stops being
    finite: with g bounded the true solution stays within max(|u(0)|, Σⱼ|Tᵢⱼ| max|g| + |Iᵢ|),
    so leaving a margin beyond that is the integrator's instability (dt too large).
    """
    n = u0.shape[0]
    n_rec = n_steps // record_every + 1
    out = np.full((n_rec, n), np.nan)
    u = u0.copy()
    out[0] = u
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    tmp = np.empty(n)
    for step in range(n_steps):
        _derivative(weights, u, inputs, code, gain, k1)
        rk4_stage(u, 0.5 * dt, k1, tmp)
        _derivative(weights, tmp, inputs, code, gain, k2)
        rk4_stage(u, 0.5 * dt, k2, tmp)
        _derivative(weights, tmp, inputs, code, gain, k3)
        rk4_stage(u, dt, k3, tmp)
        _derivative(weights, tmp, inputs, code, gain, k4)
        if not rk4_finish(u, dt, k1, k2, k3, k4, limit):
            return out, step
        if (step + 1) % record_every == 0:
            out[(step + 1) // record_every] = u
    return out, n_steps
