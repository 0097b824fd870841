"""Energies of three associative memories on one 2-D slice, to compare their basins.

The slice is the plane through two stored ±1 patterns ξ¹, ξ² of N neurons: x = a ξ¹ + b ξ²,
restricted to |a| + |b| ≤ 1 (there x stays in the box [−1, 1]ᴺ); ξ¹ sits at (1, 0), ξ² at (0, 1).
With the overlaps m_μ = ξ_μ·x, every energy depends on x only through m and ‖x‖:

    classical (Hebbian)   E = −Σ_μ m_μ² / (2N)                    (= −½ xᵀTx, T = ξᵀξ/N)
    dense, degree n       E = −Σ_μ F(m_μ) / Nⁿ⁻¹                  (F(m) = mⁿ)
    modern, β             E = −β⁻¹ log Σ_μ exp(β m_μ) + ½‖x‖² + β⁻¹ log K + ½N

Each is shown relative to its own range, min-max scaled to [0, 1], so the shapes compare: as n or
β grows, the basins around the stored patterns narrow and deepen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from .interactions import F_numpy


@dataclass
class EnergySlice:
    a: np.ndarray  # (r,)
    b: np.ndarray  # (r,)
    energies: dict  # name -> (r, r) indexed [b, a], NaN outside |a| + |b| ≤ 1, scaled to [0, 1]
    raw: dict  # name -> the unscaled energies


def _overlaps(patterns, first, second, a, b):
    """m_μ(a, b) = a ξ_μ·ξ¹ + b ξ_μ·ξ²: (r, r, K)."""
    c1 = patterns @ patterns[first]
    c2 = patterns @ patterns[second]
    return a[..., None] * c1 + b[..., None] * c2, (a, b)


def energy_slice(patterns, first: int = 0, second: int = 1, degree: int = 3,
                 beta: float = 0.1, resolution: int = 101) -> EnergySlice:
    """Classical, dense (``degree``) and modern (``beta``) energies on the slice."""
    xi = np.asarray(patterns, dtype=np.float64)
    k, n = xi.shape
    if k < 2:
        raise ValueError("the slice needs at least two stored patterns")
    if first == second or not (0 <= first < k and 0 <= second < k):
        raise ValueError(f"first and second must be two different patterns in 0..{k - 1}")
    values = np.linspace(-1.0, 1.0, resolution)
    a, b = np.meshgrid(values, values)
    m, _ = _overlaps(xi, first, second, a, b)
    norm2 = (a * a + b * b) * n + 2 * a * b * float(xi[first] @ xi[second])
    raw = {
        "classical": -np.sum(m * m, axis=-1) / (2 * n),
        f"dense, n = {degree}": -np.sum(F_numpy(m, "polynomial", degree), axis=-1)
        / float(n) ** (degree - 1),
        f"modern, β = {beta:g}": -logsumexp(beta * m, axis=-1) / beta + 0.5 * norm2
        + np.log(k) / beta + 0.5 * n,
    }
    inside = np.abs(a) + np.abs(b) <= 1.0 + 1e-9
    scaled = {}
    for name, e in raw.items():
        e = np.where(inside, e, np.nan)
        raw[name] = e
        lo, hi = np.nanmin(e), np.nanmax(e)
        scaled[name] = (e - lo) / (hi - lo) if hi > lo else np.zeros_like(e)
    return EnergySlice(values, values, scaled, raw)
