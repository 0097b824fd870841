"""Kernel of the Morris–Lecar neuron and its forward sensitivities (seed 004; SCIENCE.md § 6;
docs/stiff.md).

Many parameter sets at once (one per thread at a time), each integrated by classical RK4 at a
fixed step dt (ms) from the same start:

    C dV/dt = I − g_L (V − V_L) − g_Ca m∞(V) (V − V_Ca) − g_K w (V − V_K)
      dw/dt = φ (w∞(V) − w) cosh((V − V₃) / 2V₄)
    m∞ = ½ (1 + tanh((V − V₁)/V₂)),  w∞ = ½ (1 + tanh((V − V₃)/V₄))

and, for the parameters listed in ``grad_indices``, the tangent s = ∂(V, w)/∂θ of the *discrete*
map: each RK4 stage's tangent is J(stage)·(s + c·s_prev stage) + ∂f/∂θ(stage), so the gradient of
the loss is exact for the discretisation (not for the ODE). The loss is the mean squared
difference of V, sampled every ``sample_every`` steps, from a target trace; its gradient
2·mean((V − V*) ∂V/∂θ). A run whose state stops being finite or leaves |V| ≤ 1e3 mV stops:
``diverged_at`` = its step (else −1), its loss and gradient NaN.
"""

import math

import numpy as np
from numba import njit, prange

from .fastmath import JIT, fast_exp

#: parameter vector layout (units: µA/cm², mS/cm², mV, µF/cm², 1/ms)
(I_APP, G_L, G_CA, G_K, V_L, V_CA, V_K, V1, V2, V3, V4, PHI, CAPACITANCE) = range(13)
N_PARAMETERS = 13
#: the parameters the sensitivities are computed for
DIFFERENTIABLE = (I_APP, G_CA, G_K, PHI)
V_LIMIT = 1e3
#: runs stepped side by side by the loss kernel (a few SIMD registers of doubles)
TILE = 16


@njit(inline="always", **JIT)
def _field(p, v, w):
    """(dV/dt, dw/dt) and the pieces the Jacobian reuses."""
    a = math.tanh((v - p[V1]) / p[V2])
    b = math.tanh((v - p[V3]) / p[V4])
    half = (v - p[V3]) / (2.0 * p[V4])
    lam = math.cosh(half)
    m = 0.5 * (1.0 + a)
    w_inf = 0.5 * (1.0 + b)
    dv = (p[I_APP] - p[G_L] * (v - p[V_L]) - p[G_CA] * m * (v - p[V_CA])
          - p[G_K] * w * (v - p[V_K])) / p[CAPACITANCE]
    dw = p[PHI] * (w_inf - w) * lam
    return dv, dw, a, b, half, lam, m, w_inf


@njit(inline="always", **JIT)
def _tangent(p, v, w, a, b, half, lam, m, w_inf, sv, sw, which):
    """d/dθ of (dV/dt, dw/dt) along the tangent (sv, sw) for parameter ``which``."""
    c = p[CAPACITANCE]
    dm = (1.0 - a * a) / (2.0 * p[V2])
    dw_inf = (1.0 - b * b) / (2.0 * p[V4])
    dlam = math.sinh(half) / (2.0 * p[V4])
    fvv = (-p[G_L] - p[G_CA] * (dm * (v - p[V_CA]) + m) - p[G_K] * w) / c
    fvw = -p[G_K] * (v - p[V_K]) / c
    fwv = p[PHI] * (dw_inf * lam + (w_inf - w) * dlam)
    fww = -p[PHI] * lam
    tv = fvv * sv + fvw * sw
    tw = fwv * sv + fww * sw
    if which == I_APP:
        tv += 1.0 / c
    elif which == G_CA:
        tv -= m * (v - p[V_CA]) / c
    elif which == G_K:
        tv -= w * (v - p[V_K]) / c
    elif which == PHI:
        tw += (w_inf - w) * lam
    return tv, tw


@njit(cache=True, nogil=True, parallel=True, **JIT)
def morris_lecar_kernel(parameters, v0, w0, dt, n_steps, sample_every, target, grad_indices,
                        traces, losses, gradients, diverged_at):
    """Integrate every row of ``parameters`` (R, 13) for ``n_steps``; ``traces`` (R, S) the
    voltage every ``sample_every`` steps (S = n_steps // sample_every); with a ``target`` of
    length S, ``losses`` (R,) and ``gradients`` (R, G) for ``grad_indices`` (G,)."""
    n_runs = parameters.shape[0]
    n_samples = traces.shape[1]
    n_grad = grad_indices.shape[0]
    scored = target.shape[0] == n_samples and n_samples > 0
    for r in prange(n_runs):
        p = parameters[r]
        v, w = v0, w0
        sv = np.zeros(n_grad)
        sw = np.zeros(n_grad)
        kv = np.empty((4, n_grad))
        kw = np.empty((4, n_grad))
        grad = np.zeros(n_grad)
        total = 0.0
        diverged_at[r] = -1
        sample = 0
        for step in range(n_steps):
            # RK4 stages of the state and, for each parameter, of its tangent
            f1v, f1w, a, b, h, lam, m, wi = _field(p, v, w)
            for g in range(n_grad):
                kv[0, g], kw[0, g] = _tangent(p, v, w, a, b, h, lam, m, wi, sv[g], sw[g],
                                              grad_indices[g])
            v2, w2 = v + 0.5 * dt * f1v, w + 0.5 * dt * f1w
            f2v, f2w, a, b, h, lam, m, wi = _field(p, v2, w2)
            for g in range(n_grad):
                kv[1, g], kw[1, g] = _tangent(p, v2, w2, a, b, h, lam, m, wi,
                                              sv[g] + 0.5 * dt * kv[0, g],
                                              sw[g] + 0.5 * dt * kw[0, g], grad_indices[g])
            v3, w3 = v + 0.5 * dt * f2v, w + 0.5 * dt * f2w
            f3v, f3w, a, b, h, lam, m, wi = _field(p, v3, w3)
            for g in range(n_grad):
                kv[2, g], kw[2, g] = _tangent(p, v3, w3, a, b, h, lam, m, wi,
                                              sv[g] + 0.5 * dt * kv[1, g],
                                              sw[g] + 0.5 * dt * kw[1, g], grad_indices[g])
            v4, w4 = v + dt * f3v, w + dt * f3w
            f4v, f4w, a, b, h, lam, m, wi = _field(p, v4, w4)
            for g in range(n_grad):
                kv[3, g], kw[3, g] = _tangent(p, v4, w4, a, b, h, lam, m, wi,
                                              sv[g] + dt * kv[2, g], sw[g] + dt * kw[2, g],
                                              grad_indices[g])
            v += dt / 6.0 * (f1v + 2.0 * f2v + 2.0 * f3v + f4v)
            w += dt / 6.0 * (f1w + 2.0 * f2w + 2.0 * f3w + f4w)
            for g in range(n_grad):
                sv[g] += dt / 6.0 * (kv[0, g] + 2.0 * kv[1, g] + 2.0 * kv[2, g] + kv[3, g])
                sw[g] += dt / 6.0 * (kw[0, g] + 2.0 * kw[1, g] + 2.0 * kw[2, g] + kw[3, g])
            if not (abs(v) <= V_LIMIT and math.isfinite(w)):
                diverged_at[r] = step + 1
                break
            if (step + 1) % sample_every == 0 and sample < n_samples:
                traces[r, sample] = v
                if scored:
                    error = v - target[sample]
                    total += error * error
                    for g in range(n_grad):
                        grad[g] += 2.0 * error * sv[g]
                sample += 1
        if diverged_at[r] >= 0:
            for s in range(sample, n_samples):
                traces[r, s] = np.nan
            losses[r] = np.nan
            for g in range(n_grad):
                gradients[r, g] = np.nan
        else:
            losses[r] = total / n_samples if scored else np.nan
            for g in range(n_grad):
                gradients[r, g] = grad[g] / n_samples if scored else np.nan


@njit(inline="always", **JIT)
def _tanh(x):
    """tanh by one vectorisable exponential: 1 − 2/(1 + e^{2x}) (absolute error ~1e-16,
    which is what m∞ = ½(1 + tanh) needs; ±1 beyond |x| ≈ 19)."""
    return 1.0 - 2.0 / (1.0 + fast_exp(2.0 * x))


@njit(inline="always", **JIT)
def _lane_field(q, v, w):
    """(dV/dt, dw/dt) from one run's parameters ``q`` as a tuple of scalars: the lanes' loop
    reads each parameter from a row of its own (a 2-D parameter block did not vectorise)."""
    i_app, g_l, g_ca, g_k, v_l, v_ca, v_k, v1, v2, v3, v4, phi, c = q
    a = _tanh((v - v1) / v2)
    b = _tanh((v - v3) / v4)
    e = fast_exp((v - v3) / (2.0 * v4))
    lam = 0.5 * (e + 1.0 / e)
    dv = (i_app - g_l * (v - v_l) - g_ca * 0.5 * (1.0 + a) * (v - v_ca)
          - g_k * w * (v - v_k)) / c
    dw = phi * (0.5 * (1.0 + b) - w) * lam
    return dv, dw


@njit(cache=True, nogil=True, parallel=True, **JIT)
def morris_lecar_loss_kernel(parameters, v0, w0, dt, n_steps, sample_every, target, traces,
                             losses, diverged_at):
    """The same simulation and loss as ``morris_lecar_kernel`` without sensitivities, for
    many runs at once: ``TILE`` runs step side by side in one loop without branches, which
    vectorises (tanh and cosh from ``fast_exp``, not the C library's one lane at a time).
    ``traces`` (R, S) or (0, 0) not to keep them; ``target`` of length S scores the loss."""
    n_runs = parameters.shape[0]
    n_samples = n_steps // sample_every
    keep = traces.shape[0] == n_runs
    scored = target.shape[0] == n_samples and n_samples > 0
    n_tiles = (n_runs + TILE - 1) // TILE
    for tile in prange(n_tiles):
        first = tile * TILE
        p = np.empty((N_PARAMETERS, TILE))
        for lane in range(TILE):
            r = min(first + lane, n_runs - 1)
            for k in range(N_PARAMETERS):
                p[k, lane] = parameters[r, k]
        v = np.full(TILE, v0)
        w = np.full(TILE, w0)
        total = np.zeros(TILE)
        first_bad = np.full(TILE, -1)
        sample = 0
        (i_app, g_l, g_ca, g_k, v_l, v_ca, v_k, v1, v2, v3, v4, phi,
         c) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12])
        lanes = min(TILE, n_runs - first)  # a last partial tile steps its own runs only
        for step in range(n_steps):
            for lane in range(lanes):
                vi, wi = v[lane], w[lane]
                q = (i_app[lane], g_l[lane], g_ca[lane], g_k[lane], v_l[lane], v_ca[lane],
                     v_k[lane], v1[lane], v2[lane], v3[lane], v4[lane], phi[lane], c[lane])
                f1v, f1w = _lane_field(q, vi, wi)
                f2v, f2w = _lane_field(q, vi + 0.5 * dt * f1v, wi + 0.5 * dt * f1w)
                f3v, f3w = _lane_field(q, vi + 0.5 * dt * f2v, wi + 0.5 * dt * f2w)
                f4v, f4w = _lane_field(q, vi + dt * f3v, wi + dt * f3w)
                vn = vi + dt / 6.0 * (f1v + 2.0 * f2v + 2.0 * f3v + f4v)
                wn = wi + dt / 6.0 * (f1w + 2.0 * f2w + 2.0 * f3w + f4w)
                v[lane] = vn
                w[lane] = wn
                # a select, not a branch: the lanes' loop stays vectorised; a run that left
                # the bounds goes on as inf/NaN, harmlessly, and its results are dropped
                ok = (abs(vn) <= V_LIMIT) & (wn - wn == 0.0)
                first_bad[lane] = step + 1 if (first_bad[lane] < 0) & (not ok) \
                    else first_bad[lane]
            if (step + 1) % sample_every == 0 and sample < n_samples:
                for lane in range(lanes):
                    error = v[lane] - target[sample] if scored else 0.0
                    total[lane] += error * error
                if keep:
                    for lane in range(lanes):
                        traces[first + lane, sample] = v[lane]
                sample += 1
        for lane in range(TILE):
            r = first + lane
            if r >= n_runs:
                break
            diverged_at[r] = first_bad[lane]
            if first_bad[lane] >= 0:
                losses[r] = np.nan
                if keep:
                    for s in range(min(first_bad[lane] // sample_every, n_samples), n_samples):
                        traces[r, s] = np.nan
            else:
                losses[r] = total[lane] / n_samples if scored else np.nan
