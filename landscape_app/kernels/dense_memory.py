"""Kernels of the dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017).

    E(σ) = −Σ_μ F(m_μ),   m_μ = ξ_μ·σ,   σ ∈ {−1, +1}^N,  K stored patterns ξ_μ

A neuron takes the sign that gives the lower energy, the other neurons held:

    σᵢ ← sign Σ_μ [F(s_μ + ξ_μᵢ) − F(s_μ − ξ_μᵢ)],   s_μ = m_μ − ξ_μᵢσᵢ

and keeps its value on a tie (a flip must lower E). Because ξ_μᵢ = ±1,
F(s + ξ) − F(s − ξ) = ξ·[F(s + 1) − F(s − 1)], so the drive on neuron i is
Σ_μ ξ_μᵢ D(s_μ) with D(s) = F(s + 1) − F(s − 1):

    polynomial             F(x) = xⁿ
    rectified polynomial   F(x) = max(x, 0)ⁿ
    exponential            F(x) = eˣ: D(s) = 2 sinh(1)·eˢ; the drive is evaluated as
                           Σ ξ_μᵢ e^{s_μ − max m} (same sign, no overflow)

The overlaps m are kept up to date: a flip of neuron i adds ±2 ξ_·ᵢ (O(K)), so a neuron update
costs O(K) and a sweep O(N·K). The patterns are read column by column from ``xi_t`` = ξᵀ
(N, K) as int8: one neuron's column is K contiguous bytes.
"""

import numpy as np
from numba import njit, prange

from .fastmath import JIT, fast_exp
from .hopfield import CONVERGED, CYCLE, MAX_SWEEPS, _earlier_copy, _state_hash

POLYNOMIAL, RECTIFIED, EXPONENTIAL = 0, 1, 2


@njit(inline="always", **JIT)
def _power(x, degree):
    result = 1.0
    for _ in range(degree):
        result *= x
    return result


@njit(inline="always", **JIT)
def interaction(x, code, degree):
    """F(x)."""
    if code == POLYNOMIAL:
        return _power(x, degree)
    if code == RECTIFIED:
        return _power(x, degree) if x > 0.0 else 0.0
    return fast_exp(x)


@njit(inline="always", **JIT)
def _drive(column, m, sigma_i, m_max, code, degree):
    """Σ_μ ξ_μᵢ D(s_μ) (up to a positive factor for the exponential)."""
    k = m.shape[0]
    total = 0.0
    if code == POLYNOMIAL:
        for mu in range(k):
            x = float(column[mu])
            s = m[mu] - x * sigma_i
            total += x * (_power(s + 1.0, degree) - _power(s - 1.0, degree))
    elif code == RECTIFIED:
        for mu in range(k):
            x = float(column[mu])
            s = m[mu] - x * sigma_i
            up = s + 1.0
            down = s - 1.0
            total += x * ((_power(up, degree) if up > 0.0 else 0.0)
                          - (_power(down, degree) if down > 0.0 else 0.0))
    else:
        for mu in range(k):
            x = float(column[mu])
            total += x * fast_exp(m[mu] - x * sigma_i - m_max)
    return total


@njit(inline="always", **JIT)
def _decide(drive, sigma_i):
    if drive > 0.0:
        return 1.0
    if drive < 0.0:
        return -1.0
    return sigma_i


@njit(cache=True, nogil=True, **JIT)
def dense_async_updates(xi_t, sigma, m, order, start, count, code, degree):
    """Update ``count`` neurons in ``order`` from position ``start`` (wrapping), in place;
    ``m`` = ξσ is kept exact. Returns (next position, flips)."""
    n = sigma.shape[0]
    k = m.shape[0]
    flips = 0
    position = start
    for _ in range(count):
        i = order[position]
        position += 1
        if position == n:
            position = 0
        m_max = 0.0
        if code == EXPONENTIAL:
            m_max = -np.inf
            for mu in range(k):
                m_max = max(m_max, m[mu])
        column = xi_t[i]
        new = _decide(_drive(column, m, sigma[i], m_max, code, degree), sigma[i])
        if new != sigma[i]:
            d = new - sigma[i]
            sigma[i] = new
            for mu in range(k):
                m[mu] += d * column[mu]
            flips += 1
    return position, flips


@njit(cache=True, nogil=True, **JIT)
def dense_energy(m, code, degree):
    """E = −Σ_μ F(m_μ)."""
    total = 0.0
    for mu in range(m.shape[0]):
        total += interaction(m[mu], code, degree)
    return -total


@njit(cache=True, nogil=True, **JIT)
def overlaps_of(xi, sigma):
    """m = ξσ for int8 patterns (K, N) and a float state (N,)."""
    k, n = xi.shape
    m = np.zeros(k)
    for mu in range(k):
        row = xi[mu]
        total = 0.0
        for i in range(n):
            total += row[i] * sigma[i]
        m[mu] = total
    return m


@njit(cache=True, nogil=True, **JIT)
def dense_recall(xi, xi_t, sigma0, code, degree, max_sweeps, seed, mode, shuffle):
    """Recall from ``sigma0``: ``mode`` 0 asynchronous (N single-neuron updates per sweep, in
    random order when ``shuffle``), 1 synchronous (every neuron decided from the same state).

    Returns (states int8 (sweeps + 1, N), overlaps m/N (sweeps + 1, K), energies, status) with
    status 0 converged, 1 cycle, 2 max_sweeps, as for the classical network.
    """
    k, n = xi.shape
    sigma = sigma0.astype(np.float64)
    m = overlaps_of(xi, sigma)
    states = np.empty((max_sweeps + 1, n), dtype=np.int8)
    overlap_rec = np.empty((max_sweeps + 1, k))
    energy_rec = np.empty(max_sweeps + 1)
    hashes = np.empty(max_sweeps + 1, dtype=np.uint64)
    for i in range(n):
        states[0, i] = 1 if sigma[i] > 0 else -1
    overlap_rec[0] = m / n
    energy_rec[0] = dense_energy(m, code, degree)
    hashes[0] = _state_hash(sigma)
    np.random.seed(seed)  # noqa: NPY002 - numba implements the legacy API only
    order = np.arange(n)
    new = np.empty(n)
    status = MAX_SWEEPS
    done = 0
    for sweep in range(max_sweeps):
        if mode == 0:
            if shuffle:
                np.random.shuffle(order)  # noqa: NPY002
            _, flips = dense_async_updates(xi_t, sigma, m, order, 0, n, code, degree)
        else:
            m_max = -np.inf
            for mu in range(k):
                m_max = max(m_max, m[mu])
            flips = 0
            for i in range(n):
                new[i] = _decide(_drive(xi_t[i], m, sigma[i], m_max, code, degree), sigma[i])
                if new[i] != sigma[i]:
                    flips += 1
            sigma[:] = new
            m = overlaps_of(xi, sigma)
        done = sweep + 1
        for i in range(n):
            states[done, i] = 1 if sigma[i] > 0 else -1
        overlap_rec[done] = m / n
        energy_rec[done] = dense_energy(m, code, degree)
        hashes[done] = _state_hash(sigma)
        if flips == 0:
            status = CONVERGED
            break
        if (mode == 1 or not shuffle) and _earlier_copy(states, hashes, done) >= 0:
            status = CYCLE
            break
    return states[:done + 1], overlap_rec[:done + 1], energy_rec[:done + 1], status


@njit(cache=True, nogil=True, parallel=True, **JIT)
def dense_unstable_bits(xi, xi_t, tested, code, degree):
    """For each stored pattern ξ_ν, ν in ``tested``: how many of its bits one update would flip
    (each bit decided at the stored pattern, the others held). Returns counts (len(tested),)."""
    k, n = xi.shape
    counts = np.zeros(tested.shape[0], dtype=np.int64)
    for t in prange(tested.shape[0]):
        sigma = xi[tested[t]].astype(np.float64)
        m = overlaps_of(xi, sigma)
        m_max = -np.inf
        for mu in range(k):
            m_max = max(m_max, m[mu])
        unstable = 0
        for i in range(n):
            if _decide(_drive(xi_t[i], m, sigma[i], m_max, code, degree), sigma[i]) != sigma[i]:
                unstable += 1
        counts[t] = unstable
    return counts


@njit(cache=True, nogil=True, **JIT)
def _softmax_weights(patterns, xi, beta, m, p):
    """m = Xᵀξ and p = softmax(β m); returns log Σ exp(β m) (stable)."""
    k = patterns.shape[0]
    m[:] = np.dot(patterns, xi)
    m_max = -np.inf
    for mu in range(k):
        m_max = max(m_max, beta * m[mu])
    total = 0.0
    for mu in range(k):
        p[mu] = np.exp(beta * m[mu] - m_max)
        total += p[mu]
    for mu in range(k):
        p[mu] /= total
    return m_max + np.log(total)


@njit(cache=True, nogil=True, **JIT)
def modern_energy(patterns, xi, beta, offset):
    """E(ξ) = −β⁻¹ log Σ_μ exp(β x_μ·ξ) + ½ ξ·ξ + ``offset``."""
    m = np.empty(patterns.shape[0])
    p = np.empty(patterns.shape[0])
    lse = _softmax_weights(patterns, xi, beta, m, p)
    return -lse / beta + 0.5 * np.dot(xi, xi) + offset


@njit(cache=True, nogil=True, **JIT)
def modern_recall(patterns, xi0, beta, offset, max_updates, tol):
    """Iterate ξ ← Xᵀ softmax(β X ξ) (``patterns`` X is (M, d)) from ``xi0`` until the change
    ‖Δξ‖∞ ≤ ``tol`` or ``max_updates`` updates.

    Returns (states (updates + 1, d), energies (updates + 1,), the softmax weights of the last
    state (M,), converged)."""
    k, d = patterns.shape
    states = np.empty((max_updates + 1, d))
    energies = np.empty(max_updates + 1)
    m = np.empty(k)
    p = np.empty(k)
    xi = xi0.copy()
    states[0] = xi
    lse = _softmax_weights(patterns, xi, beta, m, p)
    energies[0] = -lse / beta + 0.5 * np.dot(xi, xi) + offset
    done = 0
    converged = False
    for step in range(max_updates):
        new = np.dot(p, patterns)
        change = np.max(np.abs(new - xi))
        xi = new
        done = step + 1
        states[done] = xi
        lse = _softmax_weights(patterns, xi, beta, m, p)
        energies[done] = -lse / beta + 0.5 * np.dot(xi, xi) + offset
        if change <= tol:
            converged = True
            break
    return states[:done + 1], energies[:done + 1], p.copy(), converged
