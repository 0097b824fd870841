"""Capacity of the dense associative memory beside the classical network (docs/science.md
section 4).

For each load P at fixed N: store P random ±1 patterns, and measure the fraction of the bits of
some of them that one update from the pattern itself would flip (``unstable_bits``). Theory for
the polynomial F(x) = xⁿ: ½ erfc(√(Nⁿ⁻¹ / (2(2n − 3)!! P))), errorless up to
K_max = Nⁿ⁻¹ / (2(2n − 3)!! ln N). The classical network is measured with its own (Hebbian,
zero-diagonal) couplings: it coincides with n = 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..hopfield.network import HopfieldNetwork
from ..hopfield.patterns import random_patterns
from ..sweeps import run_sweep
from .dense import DenseAssociativeMemory
from .interactions import k_max, theory_unstable_fraction

#: the models compared: label -> (interaction, degree), None for the classical network
MODELS = {
    "classical": None,
    "polynomial n = 2": ("polynomial", 2),
    "polynomial n = 3": ("polynomial", 3),
    "polynomial n = 4": ("polynomial", 4),
    "exponential": ("exponential", 1),
}


@dataclass
class DenseCapacity:
    n_neurons: int
    loads: np.ndarray  # P values
    unstable: dict  # label -> (len(loads),) mean unstable-bit fraction
    tested: int  # patterns tested per load

    def theory(self, degree: int, loads=None) -> np.ndarray:
        loads = self.loads if loads is None else loads
        return theory_unstable_fraction(self.n_neurons, degree, loads)

    def k_max(self, degree: int) -> float:
        return k_max(self.n_neurons, degree)


def unstable_fraction(label: str, patterns: np.ndarray, tested: np.ndarray) -> float:
    n = patterns.shape[1]
    model = MODELS[label]
    if model is None:
        net = HopfieldNetwork(n).store(patterns)
        return float(net.one_step_errors()[tested].mean())
    interaction, degree = model
    memory = DenseAssociativeMemory(n, interaction, degree).store(patterns)
    return float(memory.unstable_bits(tested).mean())


def load_point(n_neurons: int, index_and_load, tested: int, seed: int, models) -> list[float]:
    """The unstable fractions of each of ``models`` at one load: ``index_and_load`` is (k, P);
    the patterns and the tested ones come from seeds of (seed, k) alone, so a point does not
    depend on which others ran before it."""
    k, load = index_and_load
    patterns = random_patterns(int(load), n_neurons, seed=seed * 7919 + k)
    chosen = np.random.default_rng([seed, k]).choice(int(load), size=min(tested, int(load)),
                                                     replace=False)
    # the classical network's errors cost O(P N²) to build T; fine up to P·N ~ 1e7
    return [unstable_fraction(m, patterns, chosen) for m in models]


def dense_capacity(n_neurons: int = 100, loads=None, tested: int = 40, seed: int = 0,
                   models=tuple(MODELS),
                   progress: Callable[[float], None] | None = None,
                   scheduler: str | None = None) -> DenseCapacity:
    """Unstable-bit fractions over ``loads`` (default: 16 values from 2 to 4·K_max(n = 4),
    log-spaced) for each of ``models``, one load per sweep point (``sweeps.run_sweep`` on
    ``scheduler``: a local Dask cluster by default); ``progress(fraction)`` as they finish."""
    if loads is None:
        loads = np.unique(np.geomspace(2, 4 * k_max(n_neurons, 4), 16).astype(int))
    loads = np.asarray(loads, dtype=int)
    if loads.ndim != 1 or len(loads) == 0 or np.any(loads < 1):
        raise ValueError("loads must be a non-empty list of positive pattern counts")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown models {unknown}; choose from {', '.join(MODELS)}")
    models = tuple(models)
    point = partial(load_point, int(n_neurons), tested=tested, seed=seed, models=models)
    sweep = run_sweep(point, [(k, int(load)) for k, load in enumerate(loads)],
                      scheduler=scheduler, progress=progress)
    sweep.raise_failures([f"P = {load}" for load in loads])
    values = np.array(sweep.values, dtype=float)
    unstable = {m: values[:, j] for j, m in enumerate(models)}
    return DenseCapacity(n_neurons, loads, unstable, tested)
