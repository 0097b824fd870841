"""Interaction functions F of the dense associative memory and its capacity formula.

    polynomial             F(x) = xⁿ
    rectified polynomial   F(x) = max(x, 0)ⁿ
    exponential            F(x) = eˣ

Capacity of the polynomial model without errors (Krotov & Hopfield 2016, docs/science.md section 4):

    K_max = N^{n−1} / (2 (2n − 3)!! ln N)

(n = 2 is the classical network's N / (2 ln N)); at N = 100: n = 2 → 11, 3 → 362, 4 → 7238.
The probability that one bit of a stored pattern is unstable is, to leading order,
½ erfc(√(N^{n−1} / (2 (2n − 3)!! K))): about 1e-5 at K_max/2, 1e-3 at K_max and 0.066 at
4 K_max for N = 100, n = 3. The exponential model stores of the order of 2^{N/2} patterns.
"""

import math

import numpy as np
from scipy.special import erfc

from ..kernels.dense_memory import EXPONENTIAL, POLYNOMIAL, RECTIFIED

INTERACTIONS = {"polynomial": POLYNOMIAL, "rectified_polynomial": RECTIFIED,
                "exponential": EXPONENTIAL}


def interaction_code(name: str) -> int:
    if name not in INTERACTIONS:
        raise ValueError(f"unknown interaction {name!r}; choose one of "
                         f"{', '.join(INTERACTIONS)}")
    return INTERACTIONS[name]


def F_numpy(x, name: str, degree: int):
    """F(x) for an array of (possibly non-integer) overlaps."""
    x = np.asarray(x, dtype=float)
    if name == "polynomial":
        return x ** degree
    if name == "rectified_polynomial":
        return np.where(x > 0, x, 0.0) ** degree
    with np.errstate(over="ignore"):
        return np.exp(x)


def double_factorial(k: int) -> int:
    return math.prod(range(k, 0, -2)) if k > 0 else 1


def k_max(n_neurons: int, degree: int) -> float:
    """K_max = N^{n−1} / (2 (2n − 3)!! ln N): patterns storable without errors."""
    if n_neurons < 2:
        raise ValueError("K_max needs at least two neurons")
    return n_neurons ** (degree - 1) / (2 * double_factorial(2 * degree - 3)
                                         * math.log(n_neurons))


def theory_unstable_fraction(n_neurons: int, degree: int, n_patterns) -> np.ndarray:
    """½ erfc(√(N^{n−1} / (2 (2n − 3)!! K))): the chance that a stored bit is unstable."""
    k = np.asarray(n_patterns, dtype=float)
    return 0.5 * erfc(np.sqrt(n_neurons ** (degree - 1) / (2 * double_factorial(2 * degree - 3)
                                                          * k)))
