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

from .chains import n_tiles, tile_range
from .fastmath import JIT, fast_exp
from .rng import fill_normal_pairs, fill_uniforms

#: modes of ``reward_network_kernel``: the networks' gradient estimate, the exact gradient, and
#: underdamped Langevin on the plain target (exact gradient, noise on a velocity)
SAMPLED, EXACT, UNDERDAMPED = 0, 1, 2


@njit(inline="always", **JIT)
def weight(theta, w0, theta0):
    """w = w₀ exp(θ − θ₀) for θ > 0, 0 for a retracted synapse (θ ≤ 0)."""
    return w0 * fast_exp(theta - theta0) if theta > 0.0 else 0.0


@njit(inline="always", **JIT)
def update_synapse(theta, g, grad, temperature, noise, settings):
    """One tick of θ (and of the filter g) for one synapse; returns (θ, g).

    ``settings``: (β, c_p, μ, c (c_g with the filter), τ_g (0: no filter), g_clip, θ_min,
    θ_max, dt).
    """
    beta, c_prior, mu, gain, tau_g, g_clip, theta_min, theta_max, dt = settings
    if tau_g > 0.0:
        g = g + dt * grad - (dt / tau_g) * g
        g = min(max(g, -g_clip), g_clip)
        drive = gain * g
    else:
        drive = gain * grad
    theta = theta + dt * beta * (c_prior * (mu - theta) + drive)
    if temperature > 0.0:
        theta += math.sqrt(2.0 * temperature * beta * dt) * noise
    return min(max(theta, theta_min), theta_max), g


@njit(inline="always", **JIT)
def _policy(w, bias, x, n_in, pi, top, total):
    """π = softmax(u) of every lane: u_k = b_k + Σ_i w[k·n_in + i] x_i; ``w`` (S, m), ``x``
    (n_in, m), ``pi`` (n_out, m); ``top``, ``total`` (m,) scratch."""
    n_out, m = pi.shape
    for j in range(m):
        top[j] = -1e300
        total[j] = 0.0
    for k in range(n_out):
        for j in range(m):
            pi[k, j] = bias[k]
        for i in range(n_in):
            s = k * n_in + i
            for j in range(m):
                pi[k, j] += w[s, j] * x[i, j]
        for j in range(m):
            top[j] = max(top[j], pi[k, j])
    for k in range(n_out):
        for j in range(m):
            pi[k, j] = fast_exp(pi[k, j] - top[j])
            total[j] += pi[k, j]
    for j in range(m):
        total[j] = 1.0 / total[j]
    for k in range(n_out):
        for j in range(m):
            pi[k, j] *= total[j]


@njit(inline="always", **JIT)
def _expected_reward(w, task, n_in, x, pi, top, total, mean, value, grad, want_grad):
    """R(θ) of every lane into ``value`` (m,); with ``want_grad`` ∂R/∂θ into ``grad`` (S, m).
    ``x``, ``mean``: scratch."""
    bias, inputs, rewards, cue_probs = task
    n_out, m = pi.shape
    for j in range(m):
        value[j] = 0.0
    if want_grad:
        grad[:, :] = 0.0
    for c in range(inputs.shape[0]):
        for i in range(n_in):
            for j in range(m):
                x[i, j] = inputs[c, i]
        _policy(w, bias, x, n_in, pi, top, total)
        for j in range(m):
            mean[j] = 0.0
        for k in range(n_out):
            for j in range(m):
                mean[j] += pi[k, j] * rewards[c, k]
        for j in range(m):
            value[j] += cue_probs[c] * mean[j]
        if want_grad:
            for k in range(n_out):
                for i in range(n_in):
                    s = k * n_in + i
                    for j in range(m):
                        grad[s, j] += (cue_probs[c] * pi[k, j] * (rewards[c, k] - mean[j])
                                       * inputs[c, i] * w[s, j])


@njit(inline="always", **JIT)
def _reflect(theta, v, lo, hi):
    """A position past a bound comes back as far inside, its velocity reversed."""
    if theta > hi:
        return 2.0 * hi - theta, -v
    if theta < lo:
        return 2.0 * lo - theta, -v
    return theta, v


@njit(inline="always", **JIT)
def _underdamped_tick(th, v, w, grad, plastic_list, temperature, settings, w0, theta0,
                      streams, n1, n2, task, n_in, scratch):
    """One BAOAB step (Leimkuhler–Matthews) of dθ = v dt,
    dv = a ∇Φ dt − γ v dt + √(2γaT) dW with Φ = −c_p|θ − μ|²/2 + c R(θ), a = β/τ_g,
    γ = 1/τ_g: without noise the CaMKII dynamics at the same gain (θ̈ = a c ∇R − θ̇/τ_g plus
    the prior); stationary exp(Φ/T)·exp(−v²/(2aT)), so θ samples the plain target exactly
    (to O(dt²)). ``grad`` holds ∂R/∂θ at θ on entry and on exit; ``v`` is kept in g's place.
    """
    beta, c_prior, mu, gain, tau_g, g_clip, lo, hi, dt = settings
    xr, pi, top, total, mean, value = scratch
    a = beta / tau_g
    friction = math.exp(-dt / tau_g)
    kick = math.sqrt(max(0.0, (1.0 - friction * friction) * a * temperature))
    half = 0.5 * dt
    m = th.shape[1]
    for q in range(plastic_list.shape[0]):
        s = plastic_list[q]
        if temperature > 0.0 and q % 2 == 0:
            fill_normal_pairs(streams, n1, n2)
        for j in range(m):
            vel = v[s, j] + half * a * (c_prior * (mu - th[s, j]) + gain * grad[s, j])
            theta = th[s, j] + half * vel
            if temperature > 0.0:
                vel = friction * vel + kick * (n1[j] if q % 2 == 0 else n2[j])
            else:
                vel = friction * vel
            theta, vel = _reflect(theta + half * vel, vel, lo, hi)
            th[s, j] = min(max(theta, lo), hi)
            v[s, j] = vel
            w[s, j] = weight(th[s, j], w0, theta0)
    _expected_reward(w, task, n_in, xr, pi, top, total, mean, value, grad, True)
    for q in range(plastic_list.shape[0]):
        s = plastic_list[q]
        for j in range(m):
            v[s, j] += half * a * (c_prior * (mu - th[s, j]) + gain * grad[s, j])


@njit(cache=True, nogil=True, parallel=True, **JIT)
def reward_network_kernel(state, task, plastic, temperatures, settings, network, records):
    """Advance every network ``temperatures.size`` ticks (tick k at temperature T_k).

    state: θ, e, g (n_net, n_out, n_in); baseline r̄, cue, cue_left, streams (n_net,); first_hit
        (n_net,) int64, the tick at which R(θ) first reached the level (−1: not yet), and
        diverged_at (n_net,) int64; ``task``: bias (n_out,), inputs (n_cues, n_in), rewards
        (n_cues, n_out), cue_probs (n_cues,); ``plastic`` (n_out, n_in) bool.
    settings: ``update_synapse``'s settings; ``network``: (w₀, θ₀, τ_e, τ_b, trial_ticks,
        mode (SAMPLED/EXACT/UNDERDAMPED), level, first_tick, thin).
    records: reward (n_rec, n_net) R(θ) every ``thin`` ticks (row 0: before the first tick),
        pair (n_rec, n_net, 2) the first two plastic synapses' θ, spikes (n_watched, n_ticks)
        int8 the winner of each tick of the first n_watched networks (−1 in EXACT mode).

    Networks run in tiles (``chains.TILE``): a tile's state is a few small arrays, synapse by
    network, and every update is a loop over the tile's networks, which LLVM vectorises; each
    network draws from its own stream, so results do not depend on the tiling.
    """
    theta, elig, g, baseline, cue, cue_left, streams, first_hit, diverged_at = state
    bias, inputs, rewards, cue_probs = task
    w0, theta0, tau_e, tau_b, trial_ticks, mode, level, first_tick, thin = network
    reward_rec, pair_rec, spike_rec = records
    dt = settings[8]
    n_net, n_out, n_in = theta.shape
    n_syn = n_out * n_in
    n_cues = inputs.shape[0]
    n_ticks = temperatures.shape[0]
    n_watched = spike_rec.shape[0]
    thin_i = int(thin)
    first = int(first_tick)
    trial = int(trial_ticks)
    decay = 1.0 - dt / tau_e
    rate_b = dt / tau_b
    flat_plastic = plastic.ravel()
    n_plastic = 0
    for s in range(n_syn):
        if flat_plastic[s]:
            n_plastic += 1
    plastic_list = np.empty(n_plastic, np.int64)
    n_plastic = 0
    for s in range(n_syn):
        if flat_plastic[s]:
            plastic_list[n_plastic] = s
            n_plastic += 1
    n_pair = min(2, n_plastic)
    cumulative = np.cumsum(cue_probs)
    for tile in prange(n_tiles(n_net)):
        lo, hi = tile_range(tile, n_net)
        m = hi - lo
        th = np.empty((n_syn, m))
        el = np.empty((n_syn, m))
        gg = np.empty((n_syn, m))
        w = np.empty((n_syn, m))
        grad = np.empty((n_syn, m))
        for s in range(n_syn):
            for j in range(m):
                th[s, j] = theta[lo + j, s // n_in, s % n_in]
                el[s, j] = elig[lo + j, s // n_in, s % n_in]
                gg[s, j] = g[lo + j, s // n_in, s % n_in]
                w[s, j] = weight(th[s, j], w0, theta0)
        base = baseline[lo:hi].copy()
        tcue = np.empty(m, np.int64)
        left = np.empty(m, np.int64)
        for j in range(m):
            tcue[j] = int(cue[lo + j])
            left[j] = int(cue_left[lo + j])
        tstream = streams[lo:hi].copy()
        hit = first_hit[lo:hi].copy()
        dead = diverged_at[lo:hi].copy()
        x = np.empty((n_in, m))  # the current cue's rates
        xr = np.empty((n_in, m))  # scratch of R(θ), cue by cue
        pi = np.empty((n_out, m))
        top = np.empty(m)
        total = np.empty(m)
        mean = np.empty(m)
        value = np.empty(m)
        u = np.empty(m)
        n1 = np.empty(m)
        n2 = np.empty(m)
        winner = np.empty(m, np.int64)
        dopamine = np.empty(m)
        _expected_reward(w, task, n_in, xr, pi, top, total, mean, value, grad,
                         mode == UNDERDAMPED)
        for j in range(m):
            reward_rec[0, lo + j] = value[j]
            for q in range(n_pair):
                pair_rec[0, lo + j, q] = th[plastic_list[q], j]
            if hit[j] < 0 and value[j] >= level:
                hit[j] = first
        if mode == SAMPLED:  # the current cue's rates
            for i in range(n_in):
                for j in range(m):
                    x[i, j] = inputs[tcue[j], i]
        until_record = thin_i  # a countdown: no integer division per tick
        for t in range(n_ticks):
            temperature = temperatures[t]
            if mode == SAMPLED:
                if left[0] <= 0 or left[m - 1] <= 0:  # networks start trials together
                    fill_uniforms(tstream, u)
                    for j in range(m):
                        c = 0
                        for q in range(n_cues - 1):
                            c += 1 if u[j] >= cumulative[q] else 0
                        tcue[j] = c
                        left[j] = trial
                    for i in range(n_in):
                        for j in range(m):
                            x[i, j] = inputs[tcue[j], i]
                for j in range(m):
                    left[j] -= 1
                _policy(w, bias, x, n_in, pi, top, total)
                fill_uniforms(tstream, u)
                for j in range(m):  # the WTA spike: u ∈ (0, 1] against the cumulative π
                    winner[j] = 0
                    top[j] = 0.0
                for k in range(n_out - 1):
                    for j in range(m):
                        top[j] += pi[k, j]
                        winner[j] += 1 if u[j] > top[j] else 0
                for j in range(m):
                    r = rewards[tcue[j], winner[j]]
                    dopamine[j] = r - base[j]
                    base[j] += rate_b * (r - base[j])
                for k in range(n_out):
                    for i in range(n_in):
                        s = k * n_in + i
                        for j in range(m):
                            post = (1.0 if winner[j] == k else 0.0) - pi[k, j]
                            el[s, j] = el[s, j] * decay + post * x[i, j] * w[s, j]
                            grad[s, j] = dopamine[j] * el[s, j]
            elif mode == EXACT:
                _expected_reward(w, task, n_in, xr, pi, top, total, mean, value, grad, True)
                for j in range(m):
                    winner[j] = -1
            else:
                _underdamped_tick(th, gg, w, grad, plastic_list, temperature, settings, w0,
                                  theta0, tstream, n1, n2, task, n_in,
                                  (xr, pi, top, total, mean, value))
                for j in range(m):
                    winner[j] = -1
            for q in range(n_plastic if mode != UNDERDAMPED else 0):
                s = plastic_list[q]
                if temperature > 0.0:
                    if q % 2 == 0:
                        fill_normal_pairs(tstream, n1, n2)
                    noise = n1 if q % 2 == 0 else n2
                else:
                    noise = n1
                    for j in range(m):
                        n1[j] = 0.0
                for j in range(m):
                    new_theta, new_g = update_synapse(th[s, j], gg[s, j], grad[s, j],
                                                      temperature, noise[j], settings)
                    th[s, j] = new_theta
                    gg[s, j] = new_g
                    w[s, j] = weight(new_theta, w0, theta0)
            for q in range(n_plastic):
                s = plastic_list[q]
                for j in range(m):
                    if dead[j] < 0 and not (math.isfinite(th[s, j])
                                            and math.isfinite(gg[s, j])):
                        dead[j] = first + t
            _expected_reward(w, task, n_in, xr, pi, top, total, mean, value, grad, False)
            for j in range(m):
                if hit[j] < 0 and value[j] >= level:
                    hit[j] = first + t + 1
            for j in range(m):
                if lo + j < n_watched:
                    spike_rec[lo + j, t] = winner[j]
            until_record -= 1
            if until_record == 0:
                until_record = thin_i
                row = (t + 1) // thin_i
                for j in range(m):
                    reward_rec[row, lo + j] = value[j]
                    for q in range(n_pair):
                        pair_rec[row, lo + j, q] = th[plastic_list[q], j]
        for s in range(n_syn):
            for j in range(m):
                theta[lo + j, s // n_in, s % n_in] = th[s, j]
                elig[lo + j, s // n_in, s % n_in] = el[s, j]
                g[lo + j, s // n_in, s % n_in] = gg[s, j]
        for j in range(m):
            baseline[lo + j] = base[j]
            cue[lo + j] = tcue[j]
            cue_left[lo + j] = left[j]
            streams[lo + j] = tstream[j]
            first_hit[lo + j] = hit[j]
            diverged_at[lo + j] = dead[j]


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
