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

import numpy as np

from ..hopfield.network import HopfieldNetwork
from ..hopfield.patterns import random_patterns
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


def dense_capacity(n_neurons: int = 100, loads=None, tested: int = 40, seed: int = 0,
                   models=tuple(MODELS),
                   progress: Callable[[float], None] | None = None) -> DenseCapacity:
    """Unstable-bit fractions over ``loads`` (default: 16 values from 2 to 4·K_max(n = 4),
    log-spaced) for each of ``models``; ``progress(fraction)`` after each load."""
    if loads is None:
        loads = np.unique(np.geomspace(2, 4 * k_max(n_neurons, 4), 16).astype(int))
    loads = np.asarray(loads, dtype=int)
    if loads.ndim != 1 or len(loads) == 0 or np.any(loads < 1):
        raise ValueError("loads must be a non-empty list of positive pattern counts")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown models {unknown}; choose from {', '.join(MODELS)}")
    unstable = {m: np.empty(len(loads)) for m in models}
    rng = np.random.default_rng(seed)
    for k, load in enumerate(loads):
        patterns = random_patterns(int(load), n_neurons, seed=seed * 7919 + k)
        chosen = rng.choice(int(load), size=min(tested, int(load)), replace=False)
        for m in models:
            # the classical network's errors cost O(P N²) to build T; fine up to P·N ~ 1e7
            unstable[m][k] = unstable_fraction(m, patterns, chosen)
        if progress is not None:
            progress((k + 1) / len(loads))
    return DenseCapacity(n_neurons, loads, unstable, tested)
