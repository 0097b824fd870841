"""What became of a controlled trajectory: recognized, recorded, cycle or wandering.

Criteria, on the last steps of u (H + 1, N) and ξ (H, N, N), with the network's tolerance tol:

- converged: the final speed |u_H − u_{H−1}|/Δt ≤ tol. The limit is u_∞ = u_H and the final
  controls ξ_∞ = ξ_{H−1}.
- recognized: converged, and the controls hold nothing at the end: max|ξ_∞| ≤ 10 tol, or u_∞ is
  an equilibrium of T alone (|T g(u_∞) − u_∞| ≤ 10 tol). The pattern was already stored.
- recorded: converged to an equilibrium of T + ξ_∞ that T alone does not have (|T g(u_∞) − u_∞|
  > 10 tol): learning T ← T + ξ_∞ stores it.
- cycle: not converged, and the tail repeats: for the smallest period p ≥ 2 with 3p ≤ H,
  |u_k − u_{k−p}| ≤ 10 tol for each of the last 2p steps k, and that return error is under a
  tenth of the orbit's size (the largest distance between two of its last p states), which
  tells a cycle from a slow drift. (Association, in the slides.)
- wandering: none of these (controls act, no limit is reached or created).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels.activations import g_numpy

OUTCOMES = ("recognized", "recorded", "cycle", "wandering")


@dataclass(frozen=True)
class Verdict:
    outcome: str
    speed: float  # |u_H − u_{H−1}|/Δt
    residual: float  # |T g(u_∞) − u_∞|: how far the end is from an equilibrium of T alone
    period: int | None  # of a cycle


def cycle_period(u: np.ndarray, tolerance: float) -> int | None:
    """The smallest p ≥ 2 (3p ≤ H) with |u_k − u_{k−p}| ≤ tolerance over the last 2p steps
    and ≤ a tenth of the size of the orbit."""
    horizon = len(u) - 1
    for p in range(2, horizon // 3 + 1):
        tail = u[horizon - 2 * p + 1:]
        earlier = u[horizon - 3 * p + 1: horizon - p + 1]
        error = np.max(np.linalg.norm(tail - earlier, axis=1))
        orbit = u[horizon - p + 1:]
        size = np.max(np.linalg.norm(orbit[:, None] - orbit[None], axis=-1))
        if error <= tolerance and error <= 0.1 * size:
            return p
    return None


def classify(u: np.ndarray, controls: np.ndarray, T: np.ndarray, dt: float, activation: str,
             gain: float, tol: float) -> Verdict:
    speed = float(np.linalg.norm(u[-1] - u[-2]) / dt) if len(u) > 1 else 0.0
    end = u[-1]
    residual = float(np.linalg.norm(T @ g_numpy(end, activation, gain) - end))
    if speed <= tol:
        holding = float(np.max(np.abs(controls[-1]))) if len(controls) else 0.0
        if holding <= 10 * tol or residual <= 10 * tol:
            return Verdict("recognized", speed, residual, None)
        return Verdict("recorded", speed, residual, None)
    period = cycle_period(u, 10 * tol)
    if period is not None:
        return Verdict("cycle", speed, residual, period)
    return Verdict("wandering", speed, residual, None)
