"""Kernels of the controlled network: the forward map, the discounted cost and its exact gradient
by the adjoint (backward) recursion (docs/science.md section 5).

Forward map, with M_k = T + ξ_k and gₖ = g(u_k):

    X_k = M_k gₖ − u_k,        u_{k+1} = u_k + Δt X_k

(Δt = 1 gives the authors' map u_{k+1} = (T + ξ_k) g(u_k).) Cost, with w_k = e^{−λkΔt}:

    J = Σ_k w_k [(1 − μ)|u_{k+1} − u_k|²/Δt + μ|ξ_k|²Δt] = Σ_k w_k Δt [(1 − μ)|X_k|² + μ|ξ_k|²]

Adjoint: p_H = 0 and, going back, with q_k = 2w_kΔt(1 − μ) X_k + Δt p_{k+1},

    ∂J/∂ξ_k = q_k gₖᵀ + 2w_kΔt μ ξ_k          (masked to the controlled entries)
    p_k     = p_{k+1} − q_k + g′(u_k) ⊙ (M_kᵀ q_k)

one forward and one backward pass, O(H N²) for all H N² derivatives. Nothing is allocated per
step: the caller passes the trajectory buffer.
"""

import math

import numpy as np
from numba import njit

from .activations import g, g_prime


@njit(cache=True, nogil=True)
def rollout(T, xi, u0, dt, code, gain, u, gu):
    """Fill u (H + 1, N) with the controlled trajectory from u0 under controls xi (H, N, N),
    and gu (H + 1, N) with g(u).

    Returns the first step k at which a state stops being finite, or −1.
    """
    horizon, n = xi.shape[0], u0.shape[0]
    for i in range(n):
        u[0, i] = u0[i]
        gu[0, i] = g(u0[i], code, gain)
    for k in range(horizon):
        for i in range(n):
            field = 0.0
            for j in range(n):
                field += (T[i, j] + xi[k, i, j]) * gu[k, j]
            u[k + 1, i] = u[k, i] + dt * (field - u[k, i])
            if not math.isfinite(u[k + 1, i]):
                return k + 1
        for i in range(n):
            gu[k + 1, i] = g(u[k + 1, i], code, gain)
    return -1


@njit(cache=True, nogil=True)
def cost(T, xi, u0, dt, discount, mu, code, gain, u, gu):
    """J of the controls ``xi`` (``u`` receives the trajectory, ``gu`` its g(u))."""
    rollout(T, xi, u0, dt, code, gain, u, gu)
    horizon, n = xi.shape[0], u0.shape[0]
    total = 0.0
    for k in range(horizon):
        weight = math.exp(-discount * k * dt) * dt
        moved = 0.0
        for i in range(n):
            x = (u[k + 1, i] - u[k, i]) / dt
            moved += x * x
        effort = 0.0
        for i in range(n):
            for j in range(n):
                effort += xi[k, i, j] * xi[k, i, j]
        total += weight * ((1.0 - mu) * moved + mu * effort)
    return total


@njit(cache=True, nogil=True)
def cost_and_gradient(T, xi, mask, u0, dt, discount, mu, code, gain, u, gu, grad, work):
    """J and ∂J/∂ξ (into ``grad``, (H, N, N), zero where ``mask`` is 0) by the adjoint recursion.

    ``u``, ``gu`` (H + 1, N) receive the trajectory and g(u); ``work`` (2, N) is scratch: the
    adjoint p and q_k.
    """
    total = cost(T, xi, u0, dt, discount, mu, code, gain, u, gu)
    horizon, n = xi.shape[0], u0.shape[0]
    p, q = work[0], work[1]
    for i in range(n):
        p[i] = 0.0
    for k in range(horizon - 1, -1, -1):
        weight = math.exp(-discount * k * dt) * dt
        gk = gu[k]
        for i in range(n):
            x = (u[k + 1, i] - u[k, i]) / dt
            q[i] = 2.0 * weight * (1.0 - mu) * x + dt * p[i]
        for i in range(n):
            for j in range(n):
                if mask[i, j]:
                    grad[k, i, j] = q[i] * gk[j] + 2.0 * weight * mu * xi[k, i, j]
                else:
                    grad[k, i, j] = 0.0
        for j in range(n):
            back = 0.0
            for i in range(n):
                back += (T[i, j] + xi[k, i, j]) * q[i]
            p[j] = p[j] - q[j] + g_prime(u[k, j], code, gain) * back
    return total


@njit(cache=True, nogil=True)
def flow(T, points, code, gain, out):
    """X(u) = T g(u) − u at each row of ``points`` (P, N)."""
    n = points.shape[1]
    for r in range(points.shape[0]):
        for i in range(n):
            field = 0.0
            for j in range(n):
                field += T[i, j] * g(points[r, j], code, gain)
            out[r, i] = field - points[r, i]


def make_work(horizon: int, n: int):
    """Buffers for ``cost_and_gradient``: trajectory u, g(u), gradient, scratch."""
    return (np.empty((horizon + 1, n)), np.empty((horizon + 1, n)), np.empty((horizon, n, n)),
            np.empty((2, n)))


@njit(cache=True, nogil=True)
def settle(T, starts, dt, code, gain, max_steps, tol, out, steps):
    """Run the uncontrolled map from each row of ``starts`` until |u_{k+1} − u_k|/Δt ≤ tol
    (at most ``max_steps``): the end points go to ``out``, the steps taken to ``steps``
    (``max_steps`` + 1 where the run did not settle)."""
    n = starts.shape[1]
    nxt = np.empty(n)
    for r in range(starts.shape[0]):
        for i in range(n):
            out[r, i] = starts[r, i]
        steps[r] = max_steps + 1
        for s in range(max_steps):
            speed = 0.0
            for i in range(n):
                field = 0.0
                for j in range(n):
                    field += T[i, j] * g(out[r, j], code, gain)
                x = field - out[r, i]
                nxt[i] = out[r, i] + dt * x
                speed += x * x
            for i in range(n):
                out[r, i] = nxt[i]
            if not math.isfinite(speed):
                break
            if math.sqrt(speed) <= tol:
                steps[r] = s + 1
                break
