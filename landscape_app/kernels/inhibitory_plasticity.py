"""Kernel of the spiking level of meta-learned plasticity (seed 002; Vogels et al. 2011;
docs/plasticity.md, "The spiking level").

Many inhibitory rules at once (one per thread at a time), each driving the same leaky
integrate-and-fire neuron through the same input spike trains (the rules share the stream:
common random numbers, so the rules' losses differ by the rules alone):

    τ_m dV/dt = (V_rest − V) + g_E (E_E − V) + g_I (E_I − V),   V ≥ V_th → spike, V = V_reset
    g_E += w_E · #(excitatory spikes), decaying with τ_E;  g_I += w_i at inhibitory spike i, τ_I
    pre spike of i:  w_i += η (α_pre + β_pre x_post),  x_pre,i += 1
    post spike:      w_i += η (α_post + β_post x_pre,i) for every i,  x_post += 1

w_i clipped to [0, w_max]; the traces x decay with τ_STDP. The membrane is integrated exactly
for the step's conductances (V relaxes to V∞ = (V_rest + g_E E_E + g_I E_I)/(1 + g_E + g_I) at
rate (1 + g_E + g_I)/τ_m), stable at any input. The N_E excitatory afferents fire as one
Poisson count per step at the phase's rate; each inhibitory afferent is Bernoulli(r_I dt).
"""

import math

import numpy as np
from numba import njit, prange

from .fastmath import JIT, fast_exp
from .rng import fill_stream_uniforms, next_uniform

#: a rule's coefficients
ALPHA_PRE, BETA_PRE, ALPHA_POST, BETA_POST = range(4)
N_RULE = 4
#: settings vector layout
(DT, TAU_M, V_REST, V_THRESHOLD, V_RESET, E_EXC, E_INH, REFRACTORY, TAU_EXC, TAU_INH,
 TAU_STDP, ETA, W_MAX, W_START, W_EXC, N_EXC, N_INH, RATE_INH, PHASE_STEPS) = range(19)
N_SETTINGS = 19
#: the largest excitatory count one step draws (the model checks N_E · rate · dt ≤ 100)
MAX_COUNT = 400


@njit(inline="always", **JIT)
def _poisson(states, lam, exp_minus_lam):
    """One Poisson(λ) count by inversion (λ ≤ 100: the loop ends within MAX_COUNT)."""
    u = next_uniform(states, 0)
    pmf = exp_minus_lam
    cdf = pmf
    k = 0
    while u > cdf and k < MAX_COUNT:
        k += 1
        pmf *= lam / k
        cdf += pmf
    return k


@njit(cache=True, nogil=True, parallel=True, **JIT)
def inhibitory_plasticity_kernel(rules, levels, settings, stream, bin_steps, spikes_out,
                                 weights_out):
    """Every rule of ``rules`` (R, 4) through the phases of excitation ``levels`` (P,) Hz,
    ``settings[PHASE_STEPS]`` steps each, from the input stream ``stream`` (1,) (not advanced:
    every rule sees the same inputs). Per bin of ``bin_steps`` steps: ``spikes_out`` (R, B)
    the output spikes, ``weights_out`` (R, B) the mean inhibitory weight at the bin's end."""
    n_rules = rules.shape[0]
    dt = settings[DT]
    tau_m = settings[TAU_M]
    v_rest = settings[V_REST]
    v_th = settings[V_THRESHOLD]
    v_reset = settings[V_RESET]
    e_exc = settings[E_EXC]
    e_inh = settings[E_INH]
    refractory_steps = int(round(settings[REFRACTORY] / dt))
    decay_exc = math.exp(-dt / settings[TAU_EXC])
    decay_inh = math.exp(-dt / settings[TAU_INH])
    decay_trace = math.exp(-dt / settings[TAU_STDP])
    eta = settings[ETA]
    w_max = settings[W_MAX]
    w_exc = settings[W_EXC]
    n_exc = settings[N_EXC]
    n_inh = int(settings[N_INH])
    p_inh = settings[RATE_INH] * dt
    phase_steps = int(settings[PHASE_STEPS])
    n_bins = spikes_out.shape[1]
    for r in prange(n_rules):
        a_pre = eta * rules[r, ALPHA_PRE]
        b_pre = eta * rules[r, BETA_PRE]
        a_post = eta * rules[r, ALPHA_POST]
        b_post = eta * rules[r, BETA_POST]
        own = stream[0:1].copy()
        w = np.full(n_inh, settings[W_START])
        x_pre = np.zeros(n_inh)
        uniforms = np.empty(n_inh)
        v = v_rest
        g_exc = 0.0
        g_inh = 0.0
        x_post = 0.0
        silent = 0
        step = 0
        spikes_out[r, :] = 0.0
        for phase in range(levels.shape[0]):
            lam = n_exc * levels[phase] * dt
            exp_minus_lam = math.exp(-lam)
            for _ in range(phase_steps):
                g_exc += w_exc * _poisson(own, lam, exp_minus_lam)
                fill_stream_uniforms(own, 0, uniforms)
                for i in range(n_inh):
                    if uniforms[i] < p_inh:
                        g_inh += w[i]
                        w[i] = min(max(w[i] + a_pre + b_pre * x_post, 0.0), w_max)
                        x_pre[i] += 1.0
                if silent > 0:
                    silent -= 1
                else:
                    leak = 1.0 + g_exc + g_inh
                    v_inf = (v_rest + g_exc * e_exc + g_inh * e_inh) / leak
                    v = v_inf + (v - v_inf) * fast_exp(-dt * leak / tau_m)
                    if v >= v_th:
                        v = v_reset
                        silent = refractory_steps
                        spikes_out[r, min(step // bin_steps, n_bins - 1)] += 1.0
                        for i in range(n_inh):
                            w[i] = min(max(w[i] + a_post + b_post * x_pre[i], 0.0), w_max)
                        x_post += 1.0
                g_exc *= decay_exc
                g_inh *= decay_inh
                x_post *= decay_trace
                for i in range(n_inh):
                    x_pre[i] *= decay_trace
                step += 1
                if step % bin_steps == 0 and step // bin_steps <= n_bins:
                    weights_out[r, step // bin_steps - 1] = np.mean(w)
