"""Integrator pieces shared by the kernels, each acting on a whole tile of chains.

Landscape evaluations are left to the caller (``abi.evaluate_tile``), so every piece is a pure
vectorisable update of arrays.
"""

import math

from numba import njit

from .fastmath import JIT


@njit(inline="always", **JIT)
def langevin_move(x, y, gx, gy, n1, n2, step_size, noise, out_x, out_y):
    """Euler–Maruyama step of overdamped Langevin: x' = x − η∇E(x) + noise·ξ.

    With noise = √(2ηT) this is the unadjusted Langevin update and the MALA proposal.
    """
    for i in range(x.shape[0]):
        out_x[i] = x[i] - step_size * gx[i] + noise * n1[i]
        out_y[i] = y[i] - step_size * gy[i] + noise * n2[i]


@njit(inline="always", **JIT)
def heavy_ball_move(x, y, vx, vy, gx, gy, n1, n2, step_size, momentum, noise):
    """Heavy-ball (Polyak) step with optional noise: v ← m v − η∇E + noise·ξ; x ← x + v."""
    for i in range(x.shape[0]):
        vx[i] = momentum * vx[i] - step_size * gx[i] + noise * n1[i]
        vy[i] = momentum * vy[i] - step_size * gy[i] + noise * n2[i]
        x[i] += vx[i]
        y[i] += vy[i]


@njit(inline="always", **JIT)
def kick(px, py, gx, gy, dt):
    """B: p ← p − dt ∇E (a momentum update)."""
    for i in range(px.shape[0]):
        px[i] -= dt * gx[i]
        py[i] -= dt * gy[i]


@njit(inline="always", **JIT)
def drift(x, y, px, py, dt):
    """A: x ← x + dt p (a position update, unit mass)."""
    for i in range(x.shape[0]):
        x[i] += dt * px[i]
        y[i] += dt * py[i]


@njit(inline="always", **JIT)
def ornstein_uhlenbeck(vx, vy, n1, n2, decay, noise):
    """O: v ← e^{−γh} v + √(T(1 − e^{−2γh})) ξ, the exact solution of the friction-noise part."""
    for i in range(vx.shape[0]):
        vx[i] = decay * vx[i] + noise * n1[i]
        vy[i] = decay * vy[i] + noise * n2[i]


@njit(inline="always", **JIT)
def kinetic(px, py, i):
    return 0.5 * (px[i] * px[i] + py[i] * py[i])


@njit(inline="always", **JIT)
def scale_pair(n1, n2, factor, out1, out2):
    for i in range(n1.shape[0]):
        out1[i] = factor * n1[i]
        out2[i] = factor * n2[i]


@njit(inline="always", **JIT)
def baoab_constants(step_size, friction, temperature):
    decay = math.exp(-friction * step_size)
    return decay, math.sqrt(max(temperature, 0.0) * (1.0 - decay * decay))


# -- classical Runge–Kutta (RK4) for u̇ = f(u): the caller evaluates f at each stage ----------
@njit(inline="always", **JIT)
def rk4_stage(u, dt_fraction, k, out):
    """The point of the next stage: out = u + (fraction of dt) · k."""
    for i in range(u.shape[0]):
        out[i] = u[i] + dt_fraction * k[i]


@njit(inline="always", **JIT)
def rk4_finish(u, dt, k1, k2, k3, k4, limit) -> bool:
    """u ← u + dt/6 (k1 + 2k2 + 2k3 + k4); False when some |uᵢ| exceeds ``limit`` (or is NaN)."""
    bounded = True
    for i in range(u.shape[0]):
        u[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
        if not abs(u[i]) <= limit:  # also catches NaN
            bounded = False
    return bounded
