"""Sigmoidal activations V = g(u) of the continuous Hopfield network, their inverses and
the integrals G(V) = ∫ g⁻¹ that enter its energy (docs/science.md section 3).

    tanh      g(u) = tanh(βu)               V ∈ (−1, 1)   G(V) = β⁻¹[V artanh V + ½ ln(1 − V²)]
    logistic  g(u) = 1/(1 + e^{−βu})        V ∈ (0, 1)    G(V) = β⁻¹[V ln V + (1 − V) ln(1 − V)]
    arctan    g(u) = ½ + arctan(βu)/π       V ∈ (0, 1)    G(V) = −(1/(πβ)) ln sin(πV)

β is the gain (for arctan the authors' ε = 1/β). The step g(u) = 1 for u > 0, else 0 (the
authors' binary neuron; g′ = 0) serves the controlled networks only: it has no inverse, hence no
energy. G is integrated from 0 for tanh and logistic
and from V = ½ for arctan, where ∫₀ diverges; constants do not change dynamics or extrema.
Every function is a numba scalar function (``code`` selects the activation) with a NumPy twin.
"""

import math

import numpy as np
from numba import njit

ACTIVATIONS = ("tanh", "logistic", "arctan")
TANH, LOGISTIC, ARCTAN, STEP = 0, 1, 2, 3


def activation_code(name: str) -> int:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS.index(name)


def value_range(name: str) -> tuple[float, float]:
    """The open interval of V = g(u)."""
    return (-1.0, 1.0) if name == "tanh" else (0.0, 1.0)


@njit(inline="always", cache=True)
def g(u, code, gain):
    if code == TANH:
        return math.tanh(gain * u)
    if code == LOGISTIC:
        return 1.0 / (1.0 + math.exp(-gain * u))
    if code == STEP:
        return 1.0 if u > 0.0 else 0.0
    return 0.5 + math.atan(gain * u) / math.pi


@njit(inline="always", cache=True)
def g_prime(u, code, gain):
    """dg/du."""
    if code == TANH:
        t = math.tanh(gain * u)
        return gain * (1.0 - t * t)
    if code == LOGISTIC:
        s = 1.0 / (1.0 + math.exp(-gain * u))
        return gain * s * (1.0 - s)
    if code == STEP:
        return 0.0
    z = gain * u
    return gain / (math.pi * (1.0 + z * z))


@njit(inline="always", cache=True)
def g_inverse(v, code, gain):
    """u = g⁻¹(V)."""
    if code == TANH:
        return math.atanh(v) / gain
    if code == LOGISTIC:
        return math.log(v / (1.0 - v)) / gain
    return math.tan(math.pi * (v - 0.5)) / gain


@njit(inline="always", cache=True)
def G(v, code, gain):
    """∫ g⁻¹ (from 0 for tanh and logistic, from ½ for arctan)."""
    if code == TANH:
        if v == 0.0:
            return 0.0
        return (v * math.atanh(v) + 0.5 * math.log(1.0 - v * v)) / gain
    if code == LOGISTIC:
        a = v * math.log(v) if v > 0.0 else 0.0
        b = (1.0 - v) * math.log(1.0 - v) if v < 1.0 else 0.0
        return (a + b) / gain
    return -math.log(math.sin(math.pi * v)) / (math.pi * gain)


def g_numpy(u, name, gain):
    u = np.asarray(u, dtype=float)
    if name == "tanh":
        return np.tanh(gain * u)
    if name == "logistic":
        return 1.0 / (1.0 + np.exp(-gain * u))
    if name == "step":
        return np.where(u > 0, 1.0, 0.0)
    return 0.5 + np.arctan(gain * u) / np.pi


def g_inverse_numpy(v, name, gain):
    v = np.asarray(v, dtype=float)
    if name == "tanh":
        return np.arctanh(v) / gain
    if name == "logistic":
        return np.log(v / (1.0 - v)) / gain
    return np.tan(np.pi * (v - 0.5)) / gain


def G_numpy(v, name, gain):
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "tanh":
            return np.where(v == 0, 0.0, v * np.arctanh(v) + 0.5 * np.log1p(-v * v)) / gain
        if name == "logistic":
            return (np.where(v > 0, v * np.log(np.where(v > 0, v, 1)), 0.0)
                    + np.where(v < 1, (1 - v) * np.log(np.where(v < 1, 1 - v, 1)), 0.0)) / gain
        return -np.log(np.sin(np.pi * v)) / (np.pi * gain)
