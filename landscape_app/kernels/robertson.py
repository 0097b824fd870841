"""Robertson's reactions by a Rosenbrock method, with forward sensitivities, many rate pairs at
once (seed 004's stiff benchmark; docs/stiff.md, "Robertson's reactions").

    y' = f(y),  f = (−k₁y₁ + k₃y₂y₃,  k₁y₁ − k₂y₂² − k₃y₂y₃,  k₂y₂²),  y(0) = (1, 0, 0)
    S' = J S + ∂f/∂θ,  S = ∂y/∂θ,  θ = (log₁₀ k₂, log₁₀ k₃)

ROS2 (Verwer, Spee, Blom & Hundsdorfer 1999; L-stable, order 2, γ = 1 + 1/√2) on z = (y, S):

    W k₁ = F(zₙ),   W k₂ = F(zₙ + h k₁) − 2k₁,   zₙ₊₁ = zₙ + h(3k₁ + k₂)/2,   W = I − γhJ_z,

with J_z the exact Jacobian of (y, S)' — block lower-triangular, so one 3 × 3 LU of
I − γhJ(y) solves it by forward substitution. The embedded first-order solution zₙ + hk₁ gives
the error estimate h(k₁ + k₂)/2, controlled in y (rtol, atol per species); each output time is
hit exactly. Linear invariants are kept by every Rosenbrock step: y₁ + y₂ + y₃ = 1 to rounding.
"""

import math

import numpy as np
from numba import njit, prange

from .fastmath import JIT

GAMMA = 1.0 + 1.0 / math.sqrt(2.0)
LN10 = math.log(10.0)
#: what a run reports in ``status``
OK, TOO_MANY_STEPS, NOT_FINITE = 0, 1, 2


@njit(inline="always", **JIT)
def _field(y1, y2, y3, k1, k2, k3, f):
    f[0] = -k1 * y1 + k3 * y2 * y3
    f[1] = k1 * y1 - k2 * y2 * y2 - k3 * y2 * y3
    f[2] = k2 * y2 * y2


@njit(inline="always", **JIT)
def _rhs(z, k1, k2, k3, out):
    """F(z) for z = (y (3), S (3 × 2) row-major)."""
    y1, y2, y3 = z[0], z[1], z[2]
    _field(y1, y2, y3, k1, k2, k3, out)
    for c in range(2):
        s1, s2, s3 = z[3 + c], z[5 + c], z[7 + c]
        # J S
        out[3 + c] = -k1 * s1 + k3 * y3 * s2 + k3 * y2 * s3
        out[5 + c] = k1 * s1 - (2.0 * k2 * y2 + k3 * y3) * s2 - k3 * y2 * s3
        out[7 + c] = 2.0 * k2 * y2 * s2
    # ∂f/∂log₁₀k₂ (column 0) and ∂f/∂log₁₀k₃ (column 1)
    out[5] += -LN10 * k2 * y2 * y2
    out[7] += LN10 * k2 * y2 * y2
    out[3 + 1] += LN10 * k3 * y2 * y3
    out[5 + 1] += -LN10 * k3 * y2 * y3


@njit(inline="always", **JIT)
def _factor(y2, y3, k1, k2, k3, gh, lu, piv):
    """LU (partial pivoting) of W = I − γhJ(y) into ``lu`` (3 × 3), rows in ``piv``."""
    lu[0, 0] = 1.0 + gh * k1
    lu[0, 1] = -gh * k3 * y3
    lu[0, 2] = -gh * k3 * y2
    lu[1, 0] = -gh * k1
    lu[1, 1] = 1.0 + gh * (2.0 * k2 * y2 + k3 * y3)
    lu[1, 2] = gh * k3 * y2
    lu[2, 0] = 0.0
    lu[2, 1] = -gh * 2.0 * k2 * y2
    lu[2, 2] = 1.0
    for i in range(3):
        piv[i] = i
    for col in range(3):
        best = col
        for row in range(col + 1, 3):
            if abs(lu[row, col]) > abs(lu[best, col]):
                best = row
        if best != col:
            for j in range(3):
                lu[col, j], lu[best, j] = lu[best, j], lu[col, j]
            piv[col], piv[best] = piv[best], piv[col]
        for row in range(col + 1, 3):
            lu[row, col] /= lu[col, col]
            for j in range(col + 1, 3):
                lu[row, j] -= lu[row, col] * lu[col, j]


@njit(inline="always", **JIT)
def _solve3(lu, piv, b0, b1, b2, out, offset, stride):
    """x = W⁻¹ b into out[offset + stride·i]."""
    b = (b0, b1, b2)
    x0 = b[piv[0]]
    x1 = b[piv[1]] - lu[1, 0] * x0
    x2 = b[piv[2]] - lu[2, 0] * x0 - lu[2, 1] * x1
    x2 /= lu[2, 2]
    x1 = (x1 - lu[1, 2] * x2) / lu[1, 1]
    x0 = (x0 - lu[0, 1] * x1 - lu[0, 2] * x2) / lu[0, 0]
    out[offset] = x0
    out[offset + stride] = x1
    out[offset + 2 * stride] = x2


@njit(inline="always", **JIT)
def _stage(z, r, k1, k2, k3, gh, lu, piv, sensitivities, k):
    """k = W_z⁻¹ r: y first, then each sensitivity column with the coupling γh (∂(JS)/∂y
    + ∂²f/∂θ∂y) k_y added to its right side."""
    _solve3(lu, piv, r[0], r[1], r[2], k, 0, 1)
    if not sensitivities:
        return
    y2, y3 = z[1], z[2]
    d2, d3 = k[1], k[2]
    for c in range(2):
        s2, s3 = z[5 + c], z[7 + c]
        # ∂(J S)_{a c}/∂y_b · k_y_b (J depends on y₂ and y₃ only)
        m0 = k3 * s3 * d2 + k3 * s2 * d3
        m1 = -(2.0 * k2 * s2 + k3 * s3) * d2 - k3 * s2 * d3
        m2 = 2.0 * k2 * s2 * d2
        if c == 0:  # ∂/∂y of ∂f/∂log₁₀k₂ = (0, −ln10 k₂ y₂², ln10 k₂ y₂²)
            m1 += -2.0 * LN10 * k2 * y2 * d2
            m2 += 2.0 * LN10 * k2 * y2 * d2
        else:  # of ∂f/∂log₁₀k₃ = (ln10 k₃ y₂y₃, −ln10 k₃ y₂y₃, 0)
            m0 += LN10 * k3 * (y3 * d2 + y2 * d3)
            m1 -= LN10 * k3 * (y3 * d2 + y2 * d3)
        _solve3(lu, piv, r[3 + c] + gh * m0, r[5 + c] + gh * m1, r[7 + c] + gh * m2, k,
                3 + c, 2)


@njit(cache=True, nogil=True, parallel=True, **JIT)
def robertson_kernel(thetas, k1, times, rtol, atol, max_steps, sensitivities, out_y, out_s,
                     status, steps_taken):
    """Each row of ``thetas`` (R, 2) = (log₁₀ k₂, log₁₀ k₃) from y(0) = (1, 0, 0) to every
    ``times`` (T,) (> 0, increasing): ``out_y`` (R, T, 3), ``out_s`` (R, T, 3, 2) when
    ``sensitivities``; ``status[r]`` OK, TOO_MANY_STEPS or NOT_FINITE (then the outputs from
    there on are NaN); ``steps_taken[r]`` accepted and rejected steps."""
    n_runs = thetas.shape[0]
    n_times = times.shape[0]
    size = 9 if sensitivities else 3
    for r in prange(n_runs):
        k2 = 10.0 ** thetas[r, 0]
        k3 = 10.0 ** thetas[r, 1]
        z = np.zeros(9)
        z[0] = 1.0
        trial = np.zeros(9)
        f0 = np.zeros(9)
        f1 = np.zeros(9)
        s1 = np.zeros(9)
        s2 = np.zeros(9)
        lu = np.zeros((3, 3))
        piv = np.zeros(3, dtype=np.int64)
        t = 0.0
        h = 1e-6 * times[0] if times[0] > 0 else 1e-8
        taken = 0
        state = OK
        for j in range(n_times):
            while t < times[j] and state == OK:
                if taken >= max_steps:
                    state = TOO_MANY_STEPS
                    break
                taken += 1
                last = h >= times[j] - t
                step = times[j] - t if last else h
                gh = GAMMA * step
                _factor(z[1], z[2], k1, k2, k3, gh, lu, piv)
                _rhs(z, k1, k2, k3, f0)
                _stage(z, f0, k1, k2, k3, gh, lu, piv, sensitivities, s1)
                for i in range(size):
                    trial[i] = z[i] + step * s1[i]
                _rhs(trial, k1, k2, k3, f1)
                for i in range(size):
                    f1[i] -= 2.0 * s1[i]
                _stage(z, f1, k1, k2, k3, gh, lu, piv, sensitivities, s2)
                err = 0.0
                for i in range(3):
                    new = z[i] + step * (1.5 * s1[i] + 0.5 * s2[i])
                    e = abs(0.5 * step * (s1[i] + s2[i])) / (atol[i] + rtol * max(abs(new),
                                                                                   abs(z[i])))
                    err = max(err, e)
                if not math.isfinite(err):
                    state = NOT_FINITE
                    break
                if err <= 1.0:
                    for i in range(size):
                        z[i] += step * (1.5 * s1[i] + 0.5 * s2[i])
                    t = times[j] if last else t + step
                # order 2, error estimate of order 1: h ∝ err^(−1/2)
                factor = 0.9 / math.sqrt(max(err, 1e-10))
                h = step * min(4.0, max(0.2, factor))
            if state != OK:
                for jj in range(j, n_times):
                    for i in range(3):
                        out_y[r, jj, i] = np.nan
                        if sensitivities:
                            out_s[r, jj, i, 0] = np.nan
                            out_s[r, jj, i, 1] = np.nan
                break
            for i in range(3):
                out_y[r, j, i] = z[i]
                if sensitivities:
                    out_s[r, j, i, 0] = z[3 + 2 * i]
                    out_s[r, j, i, 1] = z[4 + 2 * i]
        status[r] = state
        steps_taken[r] = taken


@njit(cache=True, nogil=True, **JIT)
def explicit_rk4_kernel(k1, k2, k3, dt, n_steps, y):
    """Classical RK4 at the fixed step ``dt`` from ``y`` (3,), in place, for up to ``n_steps``;
    returns the first step after which y left [−1, 2]³ or stopped being finite (0: none)."""
    a = np.empty(3)
    b = np.empty(3)
    c = np.empty(3)
    d = np.empty(3)
    for step in range(1, n_steps + 1):
        y1, y2, y3 = y[0], y[1], y[2]
        _field(y1, y2, y3, k1, k2, k3, a)
        _field(y1 + 0.5 * dt * a[0], y2 + 0.5 * dt * a[1], y3 + 0.5 * dt * a[2], k1, k2, k3, b)
        _field(y1 + 0.5 * dt * b[0], y2 + 0.5 * dt * b[1], y3 + 0.5 * dt * b[2], k1, k2, k3, c)
        _field(y1 + dt * c[0], y2 + dt * c[1], y3 + dt * c[2], k1, k2, k3, d)
        bad = False
        for i in range(3):
            y[i] += dt / 6.0 * (a[i] + 2.0 * b[i] + 2.0 * c[i] + d[i])
            if not (y[i] >= -1.0 and y[i] <= 2.0):  # also NaN
                bad = True
        if bad:
            return step
    return 0
