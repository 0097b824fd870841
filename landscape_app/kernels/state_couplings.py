"""Kernels of networks with non-constant symmetric couplings T(V) (Krotov; docs/science.md
section 4).

A coupling reaches the kernels as one C-callable *field function*

    f(n, V, params, out) -> None        out = F(V) = T(V) V,  V and out of length n

that reads the float64 ``params`` of its model (for the built-in Lagrangians: the number of
patterns, the degree or β, then the patterns row by row). As with the landscape ABI
(``kernels.abi``), a ``cfunc`` has one numba type whatever the coupling, so the integrator below is
compiled once, cached on disk, and serves built-in, typed and user couplings alike.

The dynamics, in the neurons' internal variables u with V = g(u):

    u̇ = T(g(u)) g(u) − u = X̂(V) + g⁻¹(V) − u = X̂(V)          (u = g⁻¹(V))

so along a trajectory dE/dt = −Σᵢ g′(uᵢ) X̂ᵢ² ≤ 0 whenever X̂ = −∇E.
"""

import math

import numpy as np
from numba import carray, njit, types

from .abi import data_pointer
from .activations import g
from .fastmath import JIT
from .integrators import rk4_finish, rk4_stage

_F64_PTR = types.CPointer(types.float64)

#: numba signature of a coupling field function F(V) = T(V) V.
FIELD_SIGNATURE = types.void(types.int64, _F64_PTR, _F64_PTR, _F64_PTR)


@njit(inline="always", **JIT)
def call_field(field, params, v, out):
    field(v.shape[0], data_pointer(v), data_pointer(params), data_pointer(out))


@njit(cache=True, nogil=True, **JIT)
def field_at(field, params, points):
    """F(V) = T(V)V at each row of ``points`` (k, n); returns (k, n)."""
    k, n = points.shape
    out = np.empty((k, n))
    v = np.empty(n)
    f = np.empty(n)
    for row in range(k):
        for i in range(n):
            v[i] = points[row, i]
        call_field(field, params, v, f)
        for i in range(n):
            out[row, i] = f[i]
    return out


@njit(cache=True, nogil=True, **JIT)
def line_potential(field, params, points, nodes, weights):
    """W(x) = ∫₀¹ λ xᵀT(λx)x dλ = ∫₀¹ F(λx)·x dλ by Gauss–Legendre quadrature on [0, 1]
    (``nodes``, ``weights``), for each row x of ``points``."""
    k, n = points.shape
    out = np.zeros(k)
    v = np.empty(n)
    f = np.empty(n)
    for row in range(k):
        total = 0.0
        for q in range(nodes.shape[0]):
            for i in range(n):
                v[i] = nodes[q] * points[row, i]
            call_field(field, params, v, f)
            dot = 0.0
            for i in range(n):
                dot += f[i] * points[row, i]
            total += weights[q] * dot
        out[row] = total
    return out


@njit(inline="always", **JIT)
def _velocity(field, params, u, code, gain, v, f, out):
    n = u.shape[0]
    for i in range(n):
        v[i] = g(u[i], code, gain)
    call_field(field, params, v, f)
    for i in range(n):
        out[i] = f[i] - u[i]


@njit(cache=True, nogil=True, **JIT)
def coupled_run(field, params, u0, code, gain, dt, n_steps, record_every, limit):
    """Classical Runge–Kutta (RK4) integration of u̇ = T(g(u)) g(u) − u.

    Returns (u at every ``record_every``-th step, (n_steps // record_every + 1, n), steps done);
    stops early, rows after it NaN, when some |uᵢ| exceeds ``limit`` or is not finite, which for
    a bounded g and bounded T means the integrator is unstable (dt too large).
    """
    n = u0.shape[0]
    out = np.full((n_steps // record_every + 1, n), np.nan)
    u = u0.copy()
    out[0] = u
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    tmp = np.empty(n)
    v = np.empty(n)
    f = np.empty(n)
    for step in range(n_steps):
        _velocity(field, params, u, code, gain, v, f, k1)
        rk4_stage(u, 0.5 * dt, k1, tmp)
        _velocity(field, params, tmp, code, gain, v, f, k2)
        rk4_stage(u, 0.5 * dt, k2, tmp)
        _velocity(field, params, tmp, code, gain, v, f, k3)
        rk4_stage(u, dt, k3, tmp)
        _velocity(field, params, tmp, code, gain, v, f, k4)
        if not rk4_finish(u, dt, k1, k2, k3, k4, limit):
            return out, step
        if (step + 1) % record_every == 0:
            out[(step + 1) // record_every] = u
    return out, n_steps


# -- the built-in Lagrangians' fields ------------------------------------------------------------
# params = [K, degree or β, ξ_1 (n values), ..., ξ_K]; compiled as cfuncs on first use.


@njit(inline="always")
def _unpack(n, v_ptr, p_ptr, out_ptr):
    k = int(carray(p_ptr, 1)[0])
    return carray(v_ptr, n), carray(p_ptr, 2 + k * n), carray(out_ptr, n), k


def dense_field(n, v_ptr, p_ptr, out_ptr):
    """Φ(V) = Σ_μ (ξ_μ·V)ᵈ / (d nᵈ⁻¹) is homogeneous of degree d, so
    T(V)V = (d − 1)∇Φ = (d − 1) Σ_μ ξ_μ (ξ_μ·V)ᵈ⁻¹ / nᵈ⁻¹."""
    v, p, out, k = _unpack(n, v_ptr, p_ptr, out_ptr)
    d = int(p[1])
    scale = (d - 1) / float(n) ** (d - 1)
    for i in range(n):
        out[i] = 0.0
    for mu in range(k):
        base = 2 + mu * n
        m = 0.0
        for i in range(n):
            m += p[base + i] * v[i]
        c = scale * m ** (d - 1)
        for i in range(n):
            out[i] += c * p[base + i]


def log_sum_exp_field(n, v_ptr, p_ptr, out_ptr):
    """Φ(V) = β⁻¹ log Σ_μ exp(β m_μ), m_μ = ξ_μ·V: with softmax weights p_μ,
    ∇Φ = Σ p_μ ξ_μ,  T = ∇²Φ = β (Σ p_μ ξ_μξ_μᵀ − ∇Φ∇Φᵀ),
    T(V)V = β Σ_μ p_μ (m_μ − m̄) ξ_μ with m̄ = Σ p_μ m_μ = ∇Φ·V."""
    v, p, out, k = _unpack(n, v_ptr, p_ptr, out_ptr)
    beta = p[1]
    m_max = -np.inf
    for mu in range(k):
        m_max = max(m_max, _overlap(p, 2 + mu * n, v, n))
    total = 0.0
    weighted = 0.0
    for mu in range(k):
        m = _overlap(p, 2 + mu * n, v, n)
        w = math.exp(beta * (m - m_max))
        total += w
        weighted += w * m
    mean = weighted / total
    for i in range(n):
        out[i] = 0.0
    for mu in range(k):
        base = 2 + mu * n
        m = _overlap(p, base, v, n)
        c = beta * math.exp(beta * (m - m_max)) / total * (m - mean)
        for i in range(n):
            out[i] += c * p[base + i]


@njit(inline="always")
def _overlap(p, base, v, n):
    m = 0.0
    for i in range(n):
        m += p[base + i] * v[i]
    return m
