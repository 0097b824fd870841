"""Kernel of a recurrent network of Morris–Lecar neurons driven by input pulses (seed 004's
working-memory task; docs/stiff.md, "The network").

Many networks at once (one per thread at a time), each run on every trial of the task from
its resting state, by classical RK4 at a fixed step dt (ms):

    C dVᵢ/dt = Iᵢ − g_L(Vᵢ − V_L) − g_Ca m∞(Vᵢ)(Vᵢ − V_Ca) − g_K wᵢ(Vᵢ − V_K)
       dwᵢ/dt = φ (w∞(Vᵢ) − wᵢ) cosh((Vᵢ − V₃)/2V₄)
       dsᵢ/dt = α σ((Vᵢ − V_s)/k_s)(1 − sᵢ) − sᵢ/τ_s            (the synaptic gate)
           Iᵢ = bᵢ + gᵢ u(t) + Σⱼ Wᵢⱼ sⱼ

(u(t) ∈ {0, 1} the pulses of the trial). ``s`` and ``V`` are sampled every ``sample_every``
steps; a network whose state stops being finite or leaves |V| ≤ 1e3 mV stops: ``diverged_at``
its step (else −1), its samples from there NaN.
"""

import math

import numpy as np
from numba import njit, prange

from .fastmath import JIT, fast_exp
from .morris_lecar import (
    CAPACITANCE,
    G_CA,
    G_K,
    G_L,
    PHI,
    V1,
    V2,
    V3,
    V4,
    V_CA,
    V_K,
    V_L,
    _tanh,
)

#: the synaptic gate: rise rate α (1/ms), threshold V_s and slope k_s (mV), decay τ_s (ms)
ALPHA, V_SYN, K_SYN, TAU_SYN = 0.5, 10.0, 2.0, 20.0
V_LIMIT = 1e3


@njit(inline="always", **JIT)
def _neuron(q, v, w, s, current):
    """(dV/dt, dw/dt, ds/dt); ``q`` the neuron's parameters as scalars, and tanh, cosh and the
    gate's sigmoid from one vectorisable exponential each (``morris_lecar._tanh``)."""
    g_l, g_ca, g_k, v_l, v_ca, v_k, v1, v2, v3, v4, phi, c = q
    m = 0.5 * (1.0 + _tanh((v - v1) / v2))
    w_inf = 0.5 * (1.0 + _tanh((v - v3) / v4))
    e = fast_exp((v - v3) / (2.0 * v4))
    lam = 0.5 * (e + 1.0 / e)
    dv = (current - g_l * (v - v_l) - g_ca * m * (v - v_ca) - g_k * w * (v - v_k)) / c
    dw = phi * (w_inf - w) * lam
    ds = ALPHA / (1.0 + fast_exp(-(v - V_SYN) / K_SYN)) * (1.0 - s) - s / TAU_SYN
    return dv, dw, ds


@njit(cache=True, nogil=True, parallel=True, **JIT)
def ml_network_kernel(p, base, gain, weights, v0, w0, pulses, dt, sample_every, s_out, v_out,
                      diverged_at):
    """Every network r of ``base``, ``gain`` (R, N), ``weights`` (R, N, N), from its rest
    (``v0``, ``w0`` (R, N)), on every trial of ``pulses`` (T, n_steps): ``s_out``, ``v_out``
    (R, T, S, N); ``diverged_at`` (R, T)."""
    n_runs, n = base.shape
    n_trials, n_steps = pulses.shape
    q = (p[G_L], p[G_CA], p[G_K], p[V_L], p[V_CA], p[V_K], p[V1], p[V2], p[V3], p[V4], p[PHI],
         p[CAPACITANCE])
    for r in prange(n_runs):
        v = np.empty(n)
        w = np.empty(n)
        s = np.empty(n)
        stage_v = np.empty(n)
        stage_w = np.empty(n)
        stage_s = np.empty(n)
        kv = np.empty((4, n))
        kw = np.empty((4, n))
        ks = np.empty((4, n))
        current = np.empty(n)
        for trial in range(n_trials):
            for i in range(n):
                v[i] = v0[r, i]
                w[i] = w0[r, i]
                s[i] = 0.0
            diverged_at[r, trial] = -1
            for step in range(n_steps):
                u = pulses[trial, step]
                for stage in range(4):
                    c = 0.0 if stage == 0 else (0.5 if stage < 3 else 1.0)
                    for i in range(n):
                        if stage == 0:
                            stage_v[i], stage_w[i], stage_s[i] = v[i], w[i], s[i]
                        else:
                            stage_v[i] = v[i] + c * dt * kv[stage - 1, i]
                            stage_w[i] = w[i] + c * dt * kw[stage - 1, i]
                            stage_s[i] = s[i] + c * dt * ks[stage - 1, i]
                    # the currents first, then every neuron's field in one loop over the
                    # neurons without branches (it vectorises)
                    for i in range(n):
                        total = base[r, i] + gain[r, i] * u
                        for j in range(n):
                            total += weights[r, i, j] * stage_s[j]
                        current[i] = total
                    for i in range(n):
                        kv[stage, i], kw[stage, i], ks[stage, i] = _neuron(
                            q, stage_v[i], stage_w[i], stage_s[i], current[i])
                bad = False
                for i in range(n):
                    v[i] += dt / 6.0 * (kv[0, i] + 2.0 * kv[1, i] + 2.0 * kv[2, i] + kv[3, i])
                    w[i] += dt / 6.0 * (kw[0, i] + 2.0 * kw[1, i] + 2.0 * kw[2, i] + kw[3, i])
                    s[i] += dt / 6.0 * (ks[0, i] + 2.0 * ks[1, i] + 2.0 * ks[2, i] + ks[3, i])
                    if not (abs(v[i]) <= V_LIMIT and math.isfinite(w[i] + s[i])):
                        bad = True
                if bad:
                    diverged_at[r, trial] = step + 1
                    s_out[r, trial, (step + 1) // sample_every:] = np.nan
                    v_out[r, trial, (step + 1) // sample_every:] = np.nan
                    break
                if (step + 1) % sample_every == 0:
                    k = (step + 1) // sample_every - 1
                    for i in range(n):
                        s_out[r, trial, k, i] = s[i]
                        v_out[r, trial, k, i] = v[i]


@njit(inline="always", **JIT)
def _neuron_jacobian(q, v, w, s):
    """The partial derivatives of (dV/dt, dw/dt, ds/dt) in (V, w, s): (∂V̇/∂V, ∂V̇/∂w,
    ∂ẇ/∂V, ∂ẇ/∂w, ∂ṡ/∂V, ∂ṡ/∂s); ∂V̇/∂I = 1/C."""
    g_l, g_ca, g_k, v_l, v_ca, v_k, v1, v2, v3, v4, phi, c = q
    a = _tanh((v - v1) / v2)
    b = _tanh((v - v3) / v4)
    e = fast_exp((v - v3) / (2.0 * v4))
    lam = 0.5 * (e + 1.0 / e)
    m = 0.5 * (1.0 + a)
    w_inf = 0.5 * (1.0 + b)
    dm = (1.0 - a * a) / (2.0 * v2)
    dw_inf = (1.0 - b * b) / (2.0 * v4)
    dlam = 0.5 * (e - 1.0 / e) / (2.0 * v4)
    fvv = (-g_l - g_ca * (dm * (v - v_ca) + m) - g_k * w) / c
    fvw = -g_k * (v - v_k) / c
    fwv = phi * (dw_inf * lam + (w_inf - w) * dlam)
    fww = -phi * lam
    sig = 1.0 / (1.0 + fast_exp(-(v - V_SYN) / K_SYN))
    fsv = ALPHA * sig * (1.0 - sig) / K_SYN * (1.0 - s)
    fss = -ALPHA * sig - 1.0 / TAU_SYN
    return fvv, fvw, fwv, fww, fsv, fss


@njit(cache=True, nogil=True, parallel=True, **JIT)
def ml_network_tangent_kernel(p, base, gain, weights, v0, w0, d_base, d_gain, d_weights, dv0,
                              dw0, pulses, dt, sample_every, ds_out, diverged_at):
    """One network (``base``, ``gain`` (N,), ``weights`` (N, N), from rest ``v0``, ``w0``) on
    every trial of ``pulses``, with the tangents of D directions of its parameters
    (``d_base``, ``d_gain`` (D, N), ``d_weights`` (D, N, N); ``dv0``, ``dw0`` (D, N) the rest's
    tangents): ``ds_out`` (T, D, S, N) the tangents ∂s/∂θ·d of the gates, exact for the RK4
    map (each stage's tangent is J(stage)·(δx + c·dt·δk_prev) + ∂f/∂θ·d). ``diverged_at``
    (T, D): the step the state or the tangent left |V| ≤ 1e3 or stopped being finite (else
    −1); samples from there NaN. Threads share the trials × directions."""
    n = base.shape[0]
    n_dirs = d_base.shape[0]
    n_trials, n_steps = pulses.shape
    q = (p[G_L], p[G_CA], p[G_K], p[V_L], p[V_CA], p[V_K], p[V1], p[V2], p[V3], p[V4], p[PHI],
         p[CAPACITANCE])
    for job in prange(n_trials * n_dirs):
        trial, d = job // n_dirs, job % n_dirs
        v = np.empty(n)
        w = np.empty(n)
        s = np.empty(n)
        tv = np.empty(n)
        tw = np.empty(n)
        ts = np.empty(n)
        stage_v = np.empty(n)
        stage_w = np.empty(n)
        stage_s = np.empty(n)
        stage_tv = np.empty(n)
        stage_tw = np.empty(n)
        stage_ts = np.empty(n)
        kv = np.empty((4, n))
        kw = np.empty((4, n))
        ks = np.empty((4, n))
        jv = np.empty((4, n))
        jw = np.empty((4, n))
        js = np.empty((4, n))
        diverged_at[trial, d] = -1
        for i in range(n):
            v[i], w[i], s[i] = v0[i], w0[i], 0.0
            tv[i], tw[i], ts[i] = dv0[d, i], dw0[d, i], 0.0
        for step in range(n_steps):
            u = pulses[trial, step]
            for stage in range(4):
                c = 0.0 if stage == 0 else (0.5 if stage < 3 else 1.0)
                for i in range(n):
                    if stage == 0:
                        stage_v[i], stage_w[i], stage_s[i] = v[i], w[i], s[i]
                        stage_tv[i], stage_tw[i], stage_ts[i] = tv[i], tw[i], ts[i]
                    else:
                        h = c * dt
                        stage_v[i] = v[i] + h * kv[stage - 1, i]
                        stage_w[i] = w[i] + h * kw[stage - 1, i]
                        stage_s[i] = s[i] + h * ks[stage - 1, i]
                        stage_tv[i] = tv[i] + h * jv[stage - 1, i]
                        stage_tw[i] = tw[i] + h * jw[stage - 1, i]
                        stage_ts[i] = ts[i] + h * js[stage - 1, i]
                for i in range(n):
                    current = base[i] + gain[i] * u
                    d_current = d_base[d, i] + d_gain[d, i] * u
                    for j in range(n):
                        current += weights[i, j] * stage_s[j]
                        d_current += d_weights[d, i, j] * stage_s[j] + weights[i, j] * stage_ts[j]
                    kv[stage, i], kw[stage, i], ks[stage, i] = _neuron(
                        q, stage_v[i], stage_w[i], stage_s[i], current)
                    fvv, fvw, fwv, fww, fsv, fss = _neuron_jacobian(
                        q, stage_v[i], stage_w[i], stage_s[i])
                    jv[stage, i] = fvv * stage_tv[i] + fvw * stage_tw[i] + d_current / q[11]
                    jw[stage, i] = fwv * stage_tv[i] + fww * stage_tw[i]
                    js[stage, i] = fsv * stage_tv[i] + fss * stage_ts[i]
            bad = False
            for i in range(n):
                v[i] += dt / 6.0 * (kv[0, i] + 2.0 * kv[1, i] + 2.0 * kv[2, i] + kv[3, i])
                w[i] += dt / 6.0 * (kw[0, i] + 2.0 * kw[1, i] + 2.0 * kw[2, i] + kw[3, i])
                s[i] += dt / 6.0 * (ks[0, i] + 2.0 * ks[1, i] + 2.0 * ks[2, i] + ks[3, i])
                tv[i] += dt / 6.0 * (jv[0, i] + 2.0 * jv[1, i] + 2.0 * jv[2, i] + jv[3, i])
                tw[i] += dt / 6.0 * (jw[0, i] + 2.0 * jw[1, i] + 2.0 * jw[2, i] + jw[3, i])
                ts[i] += dt / 6.0 * (js[0, i] + 2.0 * js[1, i] + 2.0 * js[2, i] + js[3, i])
                if not (abs(v[i]) <= V_LIMIT and math.isfinite(w[i] + s[i] + tv[i] + tw[i]
                                                               + ts[i])):
                    bad = True
            if bad:
                diverged_at[trial, d] = step + 1
                ds_out[trial, d, (step + 1) // sample_every:] = np.nan
                break
            if (step + 1) % sample_every == 0:
                k = (step + 1) // sample_every - 1
                for i in range(n):
                    ds_out[trial, d, k, i] = ts[i]
