"""Kernels of reward-based synaptic sampling with a CaMKII-like filtered reward gradient
(Kappel et al. 2018; seed 000; docs/synaptic_sampling.md, SCIENCE.md section 1).

Per synapse a parameter θ, weight w = w₀ exp(θ − θ₀) for θ > 0 and w = 0 (retracted) for θ ≤ 0.
One tick (dt = 1, 100 ms of the network's time) updates, for every plastic synapse,

    CaMKII:  g ← g + dt (−g/τ_g + G),  g clipped to ±g_clip;  drive = c_g g
    plain:   drive = c G                                   (τ_g → 0, no memory)
    θ ← clip(θ + dt β [c_p (μ − θ) + drive] + √(2 T β dt) ξ,  θ_min, θ_max)

where G is the reward gradient: estimated by the network (dopamine × eligibility trace) or, in
the mean-field mode, the exact ∂R/∂θ of the expected reward R.

The network: input rates x(c) of the current cue c (held for a trial), output drives
u_k = b_k + Σ_i w_ki x_i(c) and a winner-take-all circuit emitting one output spike per tick from
neuron k with probability π_k = softmax(u)_k. The spike of k* earns r = R[c, k*]; the dopamine
signal is r minus a running baseline r̄ (time constant τ_b), and

    e_ki ← e_ki (1 − dt/τ_e) + (1{k = k*} − π_k) x_i w_ki        (= ∂ log π_k* / ∂θ_ki)
    G_ki = (r − r̄) e_ki

so that E[G] = ∂R/∂θ with R(θ) = Σ_c p_c Σ_k π_k(c) R[c, k] (REINFORCE; the older terms of e
are independent of the present spike).

Every network owns a SplitMix64 stream (``rng.chain_streams``): results depend on the seed only.
"""

import math

import numpy as np
from numba import njit, prange

from .fastmath import JIT
from .rng import _GAMMA, _half_open_unit, _mix64, _open_unit

#: gradient modes of ``reward_network_kernel``
SAMPLED, EXACT = 0, 1


@njit(inline="always", **JIT)
def _uniform(streams, n):
    s = streams[n] + _GAMMA
    streams[n] = s
    return _half_open_unit(_mix64(s))


@njit(inline="always", **JIT)
def _normal(streams, n):
    """One N(0, 1) (Box–Muller, the cosine branch: two draws per normal keeps it simple)."""
    s1 = streams[n] + _GAMMA
    s2 = s1 + _GAMMA
    streams[n] = s2
    radius = math.sqrt(-2.0 * math.log(_open_unit(_mix64(s1))))
    return radius * math.cos(2.0 * math.pi * _half_open_unit(_mix64(s2)))


@njit(inline="always", **JIT)
def weight(theta, w0, theta0):
    """w = w₀ exp(θ − θ₀) for θ > 0, 0 for a retracted synapse (θ ≤ 0)."""
    return w0 * math.exp(theta - theta0) if theta > 0.0 else 0.0


@njit(inline="always", **JIT)
def update_synapse(theta, g, grad, temperature, noise, settings):
    """One tick of θ (and of the filter g) for one synapse; returns (θ, g).

    ``settings``: (β, c_p, μ, c (c_g with the filter), τ_g (0: no filter), g_clip, θ_min,
    θ_max, dt).
    """
    beta, c_prior, mu, gain, tau_g, g_clip, theta_min, theta_max, dt = settings
    if tau_g > 0.0:
        g = g + dt * (grad - g / tau_g)
        g = min(max(g, -g_clip), g_clip)
        drive = gain * g
    else:
        drive = gain * grad
    theta = theta + dt * beta * (c_prior * (mu - theta) + drive)
    if temperature > 0.0:
        theta += math.sqrt(2.0 * temperature * beta * dt) * noise
    return min(max(theta, theta_min), theta_max), g


@njit(inline="always", **JIT)
def _policy(theta, task_bias, inputs, cue, w0, theta0, n, pi):
    """π = softmax(u) of network n for cue ``cue`` into ``pi`` (n_out,)."""
    n_out, n_in = theta.shape[1], theta.shape[2]
    top = -1e300
    for k in range(n_out):
        u = task_bias[k]
        for i in range(n_in):
            u += weight(theta[n, k, i], w0, theta0) * inputs[cue, i]
        pi[k] = u
        top = max(top, u)
    total = 0.0
    for k in range(n_out):
        pi[k] = math.exp(pi[k] - top)
        total += pi[k]
    for k in range(n_out):
        pi[k] /= total


@njit(inline="always", **JIT)
def _expected_reward(theta, task, w0, theta0, n, pi, grad, want_grad):
    """R(θ) of network n; with ``want_grad`` also ∂R/∂θ into ``grad`` (n_out, n_in)."""
    bias, inputs, rewards, cue_probs = task
    n_out, n_in = theta.shape[1], theta.shape[2]
    if want_grad:
        grad[:, :] = 0.0
    value = 0.0
    for c in range(inputs.shape[0]):
        _policy(theta, bias, inputs, c, w0, theta0, n, pi)
        mean = 0.0
        for k in range(n_out):
            mean += pi[k] * rewards[c, k]
        value += cue_probs[c] * mean
        if want_grad:
            for k in range(n_out):
                advantage = cue_probs[c] * pi[k] * (rewards[c, k] - mean)
                for i in range(n_in):
                    grad[k, i] += (advantage * inputs[c, i]
                                   * weight(theta[n, k, i], w0, theta0))
    return value


@njit(cache=True, nogil=True, parallel=True, **JIT)
def reward_network_kernel(state, task, plastic, temperatures, settings, network, records):
    """Advance every network ``temperatures.size`` ticks (tick k at temperature T_k).

    state: θ, e, g (n_net, n_out, n_in); baseline r̄, cue, cue_left, streams (n_net,); first_hit
        (n_net,) int64, the tick at which R(θ) first reached the level (−1: not yet), and
        diverged_at (n_net,) int64; ``task``: bias (n_out,), inputs (n_cues, n_in), rewards
        (n_cues, n_out), cue_probs (n_cues,); ``plastic`` (n_out, n_in) bool.
    settings: ``update_synapse``'s settings; ``network``: (w₀, θ₀, τ_e, τ_b, trial_ticks,
        mode (SAMPLED/EXACT), level, first_tick, thin).
    records: reward (n_rec, n_net) R(θ) every ``thin`` ticks (row 0: before the first tick),
        pair (n_rec, n_net, 2) the first two plastic synapses' θ, spikes (n_ticks, n_net) int8
        the winner of each tick (−1 in EXACT mode).
    """
    theta, elig, g, baseline, cue, cue_left, streams, first_hit, diverged_at = state
    bias, inputs, rewards, cue_probs = task
    w0, theta0, tau_e, tau_b, trial_ticks, mode, level, first_tick, thin = network
    reward_rec, pair_rec, spike_rec = records
    dt = settings[8]
    n_net, n_out, n_in = theta.shape
    n_ticks = temperatures.shape[0]
    thin_i = int(thin)
    first = int(first_tick)
    pair_k = np.empty(2, np.int64)
    pair_i = np.empty(2, np.int64)
    found = 0
    for k in range(n_out):
        for i in range(n_in):
            if plastic[k, i] and found < 2:
                pair_k[found] = k
                pair_i[found] = i
                found += 1
    for n in prange(n_net):
        pi = np.empty(n_out)
        grad = np.empty((n_out, n_in))
        value = _expected_reward(theta, task, w0, theta0, n, pi, grad, False)
        reward_rec[0, n] = value
        for j in range(found):
            pair_rec[0, n, j] = theta[n, pair_k[j], pair_i[j]]
        if first_hit[n] < 0 and value >= level:
            first_hit[n] = first
        for t in range(n_ticks):
            if diverged_at[n] >= 0:
                break
            temperature = temperatures[t]
            if mode == SAMPLED:
                if cue_left[n] <= 0:
                    u = _uniform(streams, n)
                    c = 0
                    acc = cue_probs[0]
                    while u >= acc and c < cue_probs.shape[0] - 1:
                        c += 1
                        acc += cue_probs[c]
                    cue[n] = c
                    cue_left[n] = trial_ticks
                cue_left[n] -= 1
                c = int(cue[n])
                _policy(theta, bias, inputs, c, w0, theta0, n, pi)
                u = _uniform(streams, n)
                winner = 0
                acc = pi[0]
                while u >= acc and winner < n_out - 1:
                    winner += 1
                    acc += pi[winner]
                spike_rec[t, n] = winner
                r = rewards[c, winner]
                dopamine = r - baseline[n]
                baseline[n] += dt * (r - baseline[n]) / tau_b
                decay = 1.0 - dt / tau_e
                for k in range(n_out):
                    post = (1.0 if k == winner else 0.0) - pi[k]
                    for i in range(n_in):
                        w = weight(theta[n, k, i], w0, theta0)
                        elig[n, k, i] = elig[n, k, i] * decay + post * inputs[c, i] * w
                        grad[k, i] = dopamine * elig[n, k, i]
            else:
                spike_rec[t, n] = -1
                _expected_reward(theta, task, w0, theta0, n, pi, grad, True)
            for k in range(n_out):
                for i in range(n_in):
                    if plastic[k, i]:
                        noise = _normal(streams, n) if temperature > 0.0 else 0.0
                        theta[n, k, i], g[n, k, i] = update_synapse(
                            theta[n, k, i], g[n, k, i], grad[k, i], temperature, noise,
                            settings)
                        if not (math.isfinite(theta[n, k, i]) and math.isfinite(g[n, k, i])):
                            diverged_at[n] = first + t
            value = _expected_reward(theta, task, w0, theta0, n, pi, grad, False)
            if first_hit[n] < 0 and value >= level:
                first_hit[n] = first + t + 1
            if (t + 1) % thin_i == 0:
                row = (t + 1) // thin_i
                reward_rec[row, n] = value
                for j in range(found):
                    pair_rec[row, n, j] = theta[n, pair_k[j], pair_i[j]]


@njit(cache=True, nogil=True, **JIT)
def quadratic_reward_kernel(theta, g, hessian, settings, n_ticks, out):
    """No noise, reward R(θ) = ½ θᵀHθ (a saddle when H has a positive eigenvalue):
    ``update_synapse`` with G = Hθ for ``n_ticks``; ``out`` (n_ticks + 1, n_syn) the path.
    The linear theory (SCIENCE.md section 1) predicts growth along H's unstable direction at
    β c λ (no filter) or at the positive root of s² + s/τ_g − β c_g λ = 0."""
    n = theta.shape[0]
    grad = np.empty(n)
    out[0, :] = theta
    for t in range(n_ticks):
        for a in range(n):
            grad[a] = 0.0
            for b in range(n):
                grad[a] += hessian[a, b] * theta[b]
        for a in range(n):
            theta[a], g[a] = update_synapse(theta[a], g[a], grad[a], 0.0, 0.0, settings)
        out[t + 1, :] = theta
