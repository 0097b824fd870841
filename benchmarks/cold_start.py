"""Cold start: a fresh Python process importing the package and finishing a 100-step run."""

import os
import subprocess
import sys
import tempfile
import time

SNIPPET = (
    "from landscape_app import samplers\n"
    "s = samplers.HMC(landscape='muller_brown', temperature=20.0, step_size=0.01,"
    " n_leapfrog=10, n_chains=1000, seed=0)\n"
    "s.run(100)\n"
)


def _time_process(env):
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", SNIPPET], env=env, check=True)
    return time.perf_counter() - t0


def measure_cold_start():
    """Seconds from process start to the end of the first 100-step HMC run, 1000 chains.

    ``cold_cache``: with an empty numba cache (every kernel is compiled); ``warm_cache``: the
    next process, loading the compiled kernels from that cache.
    """
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold = _time_process(env)
        warm = min(_time_process(env) for _ in range(2))
    return {"cold_cache": round(cold, 3), "warm_cache": round(warm, 3)}
