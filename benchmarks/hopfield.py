"""Hopfield sweeps: our kernels against NumPy doing the same updates.

* Asynchronous: a recall from a stored pattern with 10 % of its bits flipped (P = 0.05 N random
  Hebbian patterns), the same random orders of neurons for both, sweep after sweep until a sweep
  flips nothing. NumPy's per-neuron loop computes each local field hᵢ = Tᵢ·V when neuron i is
  visited (float64 T): O(N²) per sweep whatever happens. Our kernel keeps h = TV up to date: a
  flip adds one column of T (O(N)), a sweep without flips costs O(N); under Hebb's rule it
  reads N·T as exact int16 integers and gets the cue's fields from the patterns in O(NP)
  (``HopfieldNetwork.asynchronous_operands``). Reported:

  - ``ratio``: NumPy's time for the recall's sweeps over ours (the headline figure);
  - ``first_sweep_ratio``: the sweep that flips the 10 % (≈ N/10 columns read: bounded by
    memory traffic, N·8 bytes per neuron for NumPy against flips·2N bytes for us);
  - ``quiet_sweep_ratio``: a sweep that flips nothing, O(N) against O(N²);
  - ``recall_ratio_with_setup``: the whole recall including our one-time fields of the cue
    (``setup_ms``), which NumPy's loop never needs.
* Synchronous: one sweep V ← g(TV), our kernel (BLAS through np.dot) against NumPy's
  ``np.where(T @ V >= a, 1, -1)``.
"""

import time

import numpy as np

from landscape_app.hopfield import HopfieldNetwork
from landscape_app.hopfield.patterns import corrupt, random_patterns
from landscape_app.kernels.hopfield import async_updates, sync_sweep

from .kernels import _best_of


def _numpy_async_sweep(weights, v, order, threshold=0.0):
    """One asynchronous sweep in NumPy, in place; returns the number of flips."""
    flips = 0
    for i in order:
        new = 1.0 if weights[i] @ v >= threshold else -1.0
        if new != v[i]:
            v[i] = new
            flips += 1
    return flips


def _numpy_recall(weights, cue, orders):
    v = cue.copy()
    times = []
    for order in orders:
        t0 = time.perf_counter()
        flips = _numpy_async_sweep(weights, v, order)
        times.append(time.perf_counter() - t0)
        if flips == 0:
            break
    return v, times


def _numba_recall(net, cue, orders):
    """(final state, set-up seconds, seconds per sweep, flips per sweep)."""
    n = cue.shape[0]
    t0 = time.perf_counter()
    v = cue.copy()
    columns, h, scale = net.asynchronous_operands(v)
    pattern_columns = net.pattern_columns
    overlaps = pattern_columns.T @ v / n
    setup = time.perf_counter() - t0
    times, flips = [], []
    for order in orders:
        t0 = time.perf_counter()
        _, f = async_updates(columns, v, h, 0.0, order, 0, n, pattern_columns, overlaps)
        times.append(time.perf_counter() - t0)
        flips.append(f)
        if f == 0:
            break
    return v, setup, times, flips


def benchmark_async(n, repeats=3):
    patterns = random_patterns(max(1, n // 20), n, seed=1)
    net = HopfieldNetwork(n).store(patterns)
    weights = np.ascontiguousarray(net.weights)
    cue = corrupt(patterns[0], 0.1, seed=2).astype(np.float64)
    rng = np.random.default_rng(3)
    orders = [rng.permutation(n) for _ in range(20)]
    net.asynchronous_operands(cue)  # the int16 couplings are made once per stored set
    runs = [_numba_recall(net, cue, orders) for _ in range(repeats + 1)][1:]
    final, _, _, flips = runs[0]
    setup = min(r[1] for r in runs)
    sweeps = np.min([r[2] for r in runs], axis=0)  # best of the repeats, sweep by sweep
    reference_final, reference = _numpy_recall(weights, cue, orders)
    for _ in range(max(0, repeats - 2)):
        reference = np.minimum(reference, _numpy_recall(weights, cue, orders)[1])
    # the same updates in the same order reach the same state (exact integer fields against
    # NumPy's rounded ones could differ only at an exact tie hᵢ = 0)
    assert np.mean(final == reference_final) > 0.999
    assert final @ patterns[0] / n > 0.95
    reference = np.asarray(reference)
    return {
        "name": f"async sweep N={n}", "neurons": n, "patterns": len(patterns),
        "sweeps": len(sweeps), "flips_per_sweep": [int(f) for f in flips],
        "numba_ms_per_sweep": 1000 * sweeps.mean(),
        "numpy_ms_per_sweep": 1000 * reference.mean(),
        "ratio": reference.sum() / sweeps.sum(),
        "first_sweep_ratio": reference[0] / sweeps[0],
        "quiet_sweep_numba_ms": 1000 * sweeps[-1],
        "quiet_sweep_ratio": reference[-1] / sweeps[-1],
        "setup_ms": 1000 * setup,
        "recall_ratio_with_setup": reference.sum() / (setup + sweeps.sum()),
    }


def benchmark_sync(n, repeats=10):
    rng = np.random.default_rng(4)
    weights = rng.standard_normal((n, n)) / np.sqrt(n)
    v = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    out = np.empty(n)
    sync_sweep(weights, v, 0.0, out)
    ours = _best_of(lambda: sync_sweep(weights, v, 0.0, out), repeats)
    reference = _best_of(lambda: np.where(weights @ v >= 0.0, 1.0, -1.0), repeats)
    return {"name": f"sync sweep N={n}", "neurons": n, "numba_ms": 1000 * ours,
            "numpy_ms": 1000 * reference, "ratio_numba_over_numpy_time": ours / reference}


def run_hopfield_benchmarks(quick=True):
    sizes = (1000, 10_000)
    return {"async": [benchmark_async(n, 3 if quick else 5) for n in sizes],
            "sync": [benchmark_sync(n, 10 if quick else 30) for n in sizes]}
