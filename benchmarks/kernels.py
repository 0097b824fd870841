"""Kernel throughput: our numba samplers against the NumPy references, in one run."""

import time

import numpy as np

from landscape_app import samplers

from . import numpy_reference as ref

#: name, sampler class, its settings, NumPy reference, its extra arguments
CASES = [
    ("Langevin", samplers.Langevin, {"step_size": 1e-4}, ref.langevin, {}),
    ("HMC (L=10)", samplers.HMC, {"step_size": 0.01, "n_leapfrog": 10}, ref.hmc,
     {"n_leapfrog": 10}),
    ("NUTS (fixed ε)", samplers.NUTS, {"step_size": 0.01, "adapt_steps": 0}, ref.nuts, {}),
    ("MALA", samplers.MALA, {"step_size": 1e-4}, ref.mala, {}),
    ("RandomWalkMetropolis", samplers.RandomWalkMetropolis, {"step_size": 0.05},
     ref.random_walk_metropolis, {}),
    ("UnderdampedLangevin", samplers.UnderdampedLangevin, {"step_size": 0.005, "friction": 5.0},
     ref.underdamped_langevin, {"friction": 5.0}),
    ("MCLMC (fixed ε)", samplers.MCLMC,
     {"step_size": 0.01, "momentum_length": 0.3, "adapt_steps": 0}, ref.mclmc,
     {"momentum_length": 0.3}),
    ("ParallelTempering (K=8, MALA)", samplers.ParallelTempering,
     {"step_size": 1e-4, "replicas": 8, "hottest": 30.0}, ref.parallel_tempering,
     {"replicas": 8, "hottest": 30.0}),
    ("StretchMove (40 walkers)", samplers.StretchMove,
     {"step_size": 1.0, "walkers": 40, "start_spread": 0.0}, ref.stretch_move,
     {"walkers": 40}),
    ("DEMCMC (40 walkers)", samplers.DEMCMC,
     {"step_size": 1e-3, "walkers": 40, "start_spread": 0.0}, ref.demcmc, {"walkers": 40}),
    ("SVGD (sets of 40)", samplers.SVGD, {"step_size": 1e-4, "particles": 40}, ref.svgd,
     {"particles": 40}),
]
TEMPERATURE = 20.0


def _best_of(fn, repeats):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run_kernel_benchmarks(chains=10_000, steps=1_000, numpy_steps=None, repeats=3):
    """Chain-steps per second on Müller–Brown for numba and NumPy, best of ``repeats``.

    Both store every step's positions and energies. The NumPy reference runs ``numpy_steps``
    steps (its rate per chain-step does not depend on the count); the numba kernels run
    ``steps`` after a warm-up call that loads them from the cache.
    """
    start = np.random.default_rng(0).uniform([-1.5, -0.4], [1.2, 2.0], (chains, 2))
    rows = []
    for name, cls, settings, reference, ref_kwargs in CASES:
        sampler = cls(landscape="muller_brown", temperature=TEMPERATURE, n_chains=chains,
                      seed=0, **settings)
        sampler.run(2, start=start)  # load the kernel (and its cache) outside the timing
        numba_s = _best_of(lambda s=sampler: s.run(steps, start=start), repeats)
        n_ref = numpy_steps or steps
        rng = np.random.default_rng(0)
        step_size = settings["step_size"]
        numpy_s = _best_of(
            lambda r=reference, k=ref_kwargs, n=n_ref, h=step_size, g=rng:
            r(start, n, h, TEMPERATURE, g, **k),
            max(1, repeats - 1))
        numba_rate = chains * steps / numba_s
        numpy_rate = chains * n_ref / numpy_s
        rows.append({
            "name": name,
            "landscape": "muller_brown",
            "chains": chains,
            "steps": steps,
            "numpy_steps": n_ref,
            "numba_chain_steps_per_s": float(numba_rate),
            "numpy_chain_steps_per_s": float(numpy_rate),
            "ratio": float(numba_rate / numpy_rate),
        })
    return rows
