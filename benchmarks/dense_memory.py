"""Dense associative memory recall: our kernel against NumPy doing the same updates.

N = 1,000 neurons, K = 10,000 random patterns, F(x) = x³ (K_max ≈ 24,000 at N = 1,000), a cue
with 10 % of a stored pattern's bits flipped, recalled asynchronously with the same random
orders of neurons for both until a sweep flips nothing.

* NumPy (the fair reference, vectorised over patterns): keeps the overlaps m = ξσ up to date as
  we do and, for each neuron i visited, computes s = m − ξ_·ᵢσᵢ and the drive
  Σ_μ ξ_μᵢ[(s_μ + 1)³ − (s_μ − 1)³] on whole arrays of K values: O(K) per neuron, like ours.
* numba (``dense_async_updates``): the same O(K) per neuron in one fused loop over int8 columns,
  without temporaries.
* Synchronous sweep: every neuron decided from the same state, O(NK) for both; NumPy builds the
  K × N matrix of s = m − ξσ in one expression.
"""

import time

import numpy as np

from landscape_app.hopfield.patterns import corrupt, random_patterns
from landscape_app.kernels.dense_memory import (
    POLYNOMIAL,
    dense_async_updates,
    dense_recall,
    overlaps_of,
)


def _numpy_sweep(xi_t, sigma, m, order, degree):
    flips = 0
    for i in order:
        column = xi_t[i].astype(np.float64)
        s = m - column * sigma[i]
        drive = column @ ((s + 1.0) ** degree - (s - 1.0) ** degree)
        new = 1.0 if drive > 0 else -1.0 if drive < 0 else sigma[i]
        if new != sigma[i]:
            m += (new - sigma[i]) * column
            sigma[i] = new
            flips += 1
    return flips


def _recall(sweep, cue, orders):
    sigma = cue.astype(np.float64)
    times = []
    for order in orders:
        t0 = time.perf_counter()
        flips = sweep(sigma, order)
        times.append(time.perf_counter() - t0)
        if flips == 0:
            break
    return sigma, times


def _numpy_sync(xi, sigma, degree):
    m = xi @ sigma
    s = m[:, None] - xi * sigma[None, :]
    drive = np.einsum("mi,mi->i", xi, (s + 1.0) ** degree - (s - 1.0) ** degree)
    return np.where(drive > 0, 1.0, np.where(drive < 0, -1.0, sigma))


def benchmark_dense(n=1000, k=10_000, degree=3, repeats=2):
    patterns = random_patterns(k, n, seed=0)
    xi_t = np.ascontiguousarray(patterns.T)
    xi_f = patterns.astype(np.float64)
    cue = corrupt(patterns[0], 0.1, seed=1).astype(np.float64)
    rng = np.random.default_rng(2)
    orders = [rng.permutation(n) for _ in range(20)]

    def ours(sigma, order):
        m = overlaps_of(patterns, sigma) if not hasattr(ours, "m") else ours.m
        ours.m = m
        return dense_async_updates(xi_t, sigma, m, order, 0, n, POLYNOMIAL, degree)[1]

    def reference(sigma, order):
        if not hasattr(reference, "m"):
            reference.m = xi_f @ sigma
        return _numpy_sweep(xi_t, sigma, reference.m, order, degree)

    # compile (or load from the cache), then time
    warm = cue.copy()
    dense_async_updates(xi_t, warm, overlaps_of(patterns, warm), orders[0], 0, 10, POLYNOMIAL,
                        degree)
    dense_recall(patterns[:10], np.ascontiguousarray(patterns[:10].T), cue, POLYNOMIAL, degree,
                 2, 0, 0, True)
    best_ours, best_numpy = None, None
    for _ in range(repeats):
        for f in (ours, reference):
            if hasattr(f, "m"):
                del f.m
        final_ours, t_ours = _recall(ours, cue, orders)
        final_numpy, t_numpy = _recall(reference, cue, orders)
        assert np.array_equal(final_ours, final_numpy), "the two recalls disagree"
        best_ours = t_ours if best_ours is None else np.minimum(best_ours, t_ours)
        best_numpy = t_numpy if best_numpy is None else np.minimum(best_numpy, t_numpy)
    sweeps = len(best_ours)
    retrieved = bool(np.array_equal(final_ours, patterns[0]))

    state = cue.copy()
    t0 = time.perf_counter()
    _numpy_sync(xi_f, state, degree)
    numpy_sync = time.perf_counter() - t0
    dense_recall(patterns, xi_t, cue, POLYNOMIAL, degree, 1, 0, 1, False)
    t0 = time.perf_counter()
    dense_recall(patterns, xi_t, cue, POLYNOMIAL, degree, 1, 0, 1, False)
    ours_sync = time.perf_counter() - t0
    return {
        "name": f"dense n={degree} N={n} K={k}", "neurons": n, "patterns": k, "degree": degree,
        "sweeps": sweeps, "retrieved": retrieved,
        "numba_ms_per_sweep": 1000 * float(np.sum(best_ours)) / sweeps,
        "numpy_ms_per_sweep": 1000 * float(np.sum(best_numpy)) / sweeps,
        "ratio": float(np.sum(best_numpy) / np.sum(best_ours)),
        "first_sweep_ratio": float(best_numpy[0] / best_ours[0]),
        "sync_numba_ms": 1000 * ours_sync, "sync_numpy_ms": 1000 * numpy_sync,
        "sync_ratio": numpy_sync / ours_sync,
    }


def run_dense_benchmarks(quick=True):
    return [benchmark_dense(repeats=1 if quick else 3)]
