"""The energy of a many-neuron network on the plane through two patterns.

Points x = a·ξ¹ + b·ξ² of the plane spanned by two ±1 vectors (two stored patterns, or the
cue and a pattern) with |a| + |b| ≤ 1 lie in the box [−1, 1]ᴺ of the continuous network, whose
energy there is

    E(a, b) = −½ xᵀTx + Σᵢ G(xᵢ) + θ Σᵢ xᵢ      (tanh activation, gain β; θ the threshold)

The quadratic part needs only the 2 × 2 matrix BᵀTB (B = [ξ¹ ξ²]), and xᵢ takes one of four
values a s₁ + b s₂ (sᵢ = ±1), so the whole grid costs O(N²) once, not per point. ξ¹ sits at
(1, 0), ξ² at (0, 1); as β grows the energy tends to the discrete one, whose minima the stored
patterns are. States of a recall are placed by least squares: (a, b) = B⁺V.
"""

from dataclasses import dataclass

import numpy as np

from .activations import G_numpy


@dataclass
class EnergyPlane:
    a: np.ndarray  # (n,) first coordinate
    b: np.ndarray  # (n,) second coordinate
    energy: np.ndarray  # (n, n) indexed [b, a]; NaN outside |a| + |b| ≤ 1
    basis: np.ndarray  # (2, N)

    def project(self, states) -> np.ndarray:
        """(k, 2) plane coordinates of states (k, N) by least squares."""
        s = np.atleast_2d(np.asarray(states, dtype=float))
        coords, *_ = np.linalg.lstsq(self.basis.T, s.T, rcond=None)
        return coords.T


def energy_plane(weights, first, second, threshold: float = 0.0, gain: float = 10.0,
                 resolution: int = 121) -> EnergyPlane:
    """E on the plane through ``first`` and ``second`` (±1 vectors of length N)."""
    basis = np.array([first, second], dtype=float)
    if basis.shape[0] != 2 or basis.shape[1] != np.shape(weights)[0]:
        raise ValueError("first and second must be two vectors of length N")
    t = np.asarray(weights, dtype=float)
    q = basis @ t @ basis.T
    sums = basis.sum(axis=1)
    values = np.linspace(-1.0, 1.0, resolution)
    a, b = np.meshgrid(values, values)
    quad = -0.5 * (q[0, 0] * a * a + (q[0, 1] + q[1, 0]) * a * b + q[1, 1] * b * b)
    linear = threshold * (sums[0] * a + sums[1] * b)
    signs = np.sign(basis).astype(int)
    g_sum = np.zeros_like(a)
    with np.errstate(all="ignore"):
        for s1 in (-1, 1):
            for s2 in (-1, 1):
                count = np.sum((signs[0] == s1) & (signs[1] == s2))
                if count:
                    x = np.clip(a * s1 + b * s2, -1.0 + 1e-12, 1.0 - 1e-12)
                    g_sum += count * G_numpy(x, "tanh", gain)
    energy = np.where(np.abs(a) + np.abs(b) <= 1.0 + 1e-9, quad + g_sum + linear, np.nan)
    return EnergyPlane(values, values, energy, basis)
