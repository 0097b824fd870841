"""Kernel of synaptic sampling in a winner-take-all classifier (seed 003; docs/saddles.md).

Many runs at once (one per thread at a time), each presenting stimuli one by one:

    x_i ~ Poisson(λ_ni)                   input spike counts of stimulus n in its window
    u_k = Σ_i (w_ki x_i − a_ki),  w = e^{θ−θ₀},  a = min(α e^{w}, a_max)
    p = softmax(u);  S ~ Multinomial(n_out, p)   the WTA's output spikes; predicted: argmax S
    θ_ki ← θ_ki + η [(μ − θ_ki)/σ² + N w_ki (x_i − a_ki)(Θ{h = k} − s_k)] + √(2ηT D_ki) ξ

with s_k = S_k as printed in seed 003's Eq. 2 (PRINTED) or s_k = S_k / n_out (CORRECTED, an
unbiased estimate of p_k: the drift is then a stochastic gradient of the log posterior, since
∂u_k/∂θ_ki = w_ki (x_i − a_ki)); N: the stimuli the likelihood counts (Eq. 2's Σ_{n=1}^N,
one presentation standing for the average of N). Noise: D = 0 (NONE), 1 (ISOTROPIC) or
N a_ki (WEIGHT: the variance N α e^{w} of seed 003's Eq. 3). θ is clipped to [θ_min, θ_max].

``spiking = 0`` replaces every draw but the synaptic noise by its mean (x = λ, s = p, predicted
argmax u): the deterministic dynamics that start symmetric and have no spike noise.
"""

import math

import numpy as np
from numba import njit, prange

from .fastmath import FASTMATH, JIT, fast_exp
from .rng import fill_stream_normals, fill_stream_uniforms, next_uniform

NONE, ISOTROPIC, WEIGHT = 0, 1, 2
PRINTED, CORRECTED = 0, 1
#: reassociation lets the sums over inputs (potentials, Σ α e^{w}) vectorise; the order is then
#: fixed by the compiled code, so a run still repeats exactly on one machine
SUMS = dict(JIT, fastmath=FASTMATH | {"reassoc"})
#: settings vector layout
(ETA, MU, SIGMA, THETA0, ALPHA, A_MAX, THETA_MIN, THETA_MAX, N_OUT, RULE, SPIKING,
 N_SAMPLES) = range(12)
N_SETTINGS = 12
#: the largest input count a window draws (λ ≤ 100 is checked by the model: P(x > 400) < 1e-100)
MAX_COUNT = 400


@njit(inline="always", **JIT)
def _argmax_random_ties(values, states, r):
    """The index of the largest value; ties broken uniformly (with the run's stream)."""
    best = values[0]
    for k in range(1, values.shape[0]):
        if values[k] > best:
            best = values[k]
    n_best = 0
    for k in range(values.shape[0]):
        if values[k] == best:
            n_best += 1
    pick = int(next_uniform(states, r) * n_best) if n_best > 1 else 0
    pick = min(pick, n_best - 1)
    for k in range(values.shape[0]):
        if values[k] == best:
            if pick == 0:
                return k
            pick -= 1
    return 0


@njit(inline="always", **JIT)
def _respond(theta_w, a_sum, x, u, p):
    """Potentials u_k = Σ_i w_ki x_i − Σ_i a_ki, and p = softmax(u)."""
    n_out = u.shape[0]
    top = -np.inf
    for k in range(n_out):
        total = -a_sum[k]
        # dense: a silent input adds 0, and a contiguous loop vectorises where a gather over
        # the inputs that spiked did not (half of them spike)
        for i in range(x.shape[0]):
            total += theta_w[k, i] * x[i]
        u[k] = total
        if total > top:
            top = total
    z = 0.0
    for k in range(n_out):
        p[k] = math.exp(u[k] - top)
        z += p[k]
    for k in range(n_out):
        p[k] /= z


@njit(inline="always", **JIT)
def _present(states, r, lam, x, work, spiking):
    """The input counts of one stimulus: Poisson(λ_i) draws, or λ_i without spiking.

    Inversion, x_i = #{k ≥ 1: u_i > F_i(k − 1)}, F_i the Poisson CDF, u_i the i-th uniform of
    the run's stream (the draws one inversion per input makes), run for all inputs at once one
    k at a time until no u exceeds its CDF: a loop over inputs without branches vectorises,
    where one input at a time mispredicts its loop's exit. ``work``: (3, I) scratch.
    """
    if not spiking:
        x[:] = lam
        return
    uniform, pmf, cdf = work[0], work[1], work[2]
    fill_stream_uniforms(states, r, uniform)
    above = 0
    for i in range(lam.shape[0]):
        pmf[i] = fast_exp(-lam[i])
        cdf[i] = pmf[i]
        x[i] = 0.0
        above += uniform[i] > cdf[i]
    k = 0
    # all inputs together while many are still counting; the few in the tail (the largest
    # counts: the whole pass ran to the largest of ~1,000 draws) one by one, by the same
    # arithmetic, so the counts are the same either way
    few = lam.shape[0] // 32
    while above > few and k < MAX_COUNT:
        k += 1
        inv_k = 1.0 / k
        above = 0
        for i in range(lam.shape[0]):
            x[i] += 1.0 if uniform[i] > cdf[i] else 0.0
            pmf[i] *= lam[i] * inv_k
            cdf[i] += pmf[i]
            above += uniform[i] > cdf[i]
    if above > 0:
        for i in range(lam.shape[0]):
            j = k
            while uniform[i] > cdf[i] and j < MAX_COUNT:
                j += 1
                x[i] += 1.0
                pmf[i] *= lam[i] * (1.0 / j)
                cdf[i] += pmf[i]


@njit(inline="always", **JIT)
def _output_spikes(states, r, p, n_spikes, counts):
    """counts ~ Multinomial(n_spikes, p) by one categorical draw per spike."""
    counts[:] = 0.0
    for _ in range(n_spikes):
        u = next_uniform(states, r)
        cdf = 0.0
        pick = p.shape[0] - 1
        for k in range(p.shape[0]):
            cdf += p[k]
            if u <= cdf:
                pick = k
                break
        counts[pick] += 1.0


@njit(**SUMS)
def _classify(states, r, w, a_sum, rates, labels, x, work, u, p, counts, n_spikes, spiking):
    """Fraction of ``rates``' stimuli whose prediction is their label (no learning)."""
    correct = 0
    for n in range(rates.shape[0]):
        _present(states, r, rates[n], x, work, spiking)
        _respond(w, a_sum, x, u, p)
        if spiking:
            _output_spikes(states, r, p, n_spikes, counts)
            guess = _argmax_random_ties(counts, states, r)
        else:
            guess = _argmax_random_ties(u, states, r)
        correct += guess == labels[n]
    return correct / rates.shape[0]


@njit(cache=True, nogil=True, parallel=True, **SUMS)
def wta_learning_kernel(theta, streams, eval_streams, rates, labels, test_rates, test_labels, modes,
                        temperatures, settings, n_steps, eval_every, test_start,
                        train_accuracy, test_accuracy, snapshots, diverged_at):
    """Run every run ``n_steps`` presentations from its ``theta`` (R, K, I), in place.

    Records, at step 0 and every ``eval_every`` steps: the test accuracy (``test_accuracy``
    (R, n_eval + 1)), θ (``snapshots`` (R, n_eval + 1, K, I)); between them the fraction of
    presentations classified right while learning (``train_accuracy`` (R, n_eval)).
    ``diverged_at[r]``: the first step at which run r's θ stopped being finite, else −1.
    The test draws come from ``eval_streams``: how often a run is tested does not change it.
    ``test_start`` False: the start is not tested (NaN; a run continued, tested already).
    """
    n_runs, n_out, n_in = theta.shape
    eta = settings[ETA]
    mu = settings[MU]
    inv_var = 1.0 / (settings[SIGMA] * settings[SIGMA])
    theta0 = settings[THETA0]
    alpha = settings[ALPHA]
    a_max = settings[A_MAX]
    lo = settings[THETA_MIN]
    hi = settings[THETA_MAX]
    n_spikes = int(settings[N_OUT])
    corrected = settings[RULE] == CORRECTED
    spiking = settings[SPIKING] != 0.0
    n_samples = settings[N_SAMPLES]
    n_train = rates.shape[0]
    for r in prange(n_runs):
        th = theta[r]
        w = np.empty((n_out, n_in))
        a = np.empty((n_out, n_in))
        a_sum = np.zeros(n_out)
        x = np.empty(n_in)
        work = np.empty((3, n_in))
        u = np.empty(n_out)
        p = np.empty(n_out)
        counts = np.empty(n_out)
        s = np.empty(n_out)
        noise = np.empty(n_in + n_in % 2)
        # the run's streams in its own memory: runs on other threads write theirs beside it
        # (one cache line holds eight), and every draw writes the state
        own = streams[r:r + 1].copy()
        own_eval = eval_streams[r:r + 1].copy()
        for k in range(n_out):
            for i in range(n_in):
                w[k, i] = fast_exp(th[k, i] - theta0)
                a[k, i] = min(alpha * fast_exp(w[k, i]), a_max)
                a_sum[k] += a[k, i]
        mode = modes[r]
        spread = math.sqrt(2.0 * eta * temperatures[r])
        test_accuracy[r, 0] = (_classify(own_eval, 0, w, a_sum, test_rates, test_labels,
                                         x, work, u, p, counts, n_spikes, spiking)
                               if test_start else np.nan)
        snapshots[r, 0] = th
        right = 0
        for step in range(n_steps):
            n = min(int(next_uniform(own, 0) * n_train), n_train - 1)
            label = labels[n]
            _present(own, 0, rates[n], x, work, spiking)
            _respond(w, a_sum, x, u, p)
            if spiking:
                _output_spikes(own, 0, p, n_spikes, counts)
                guess = _argmax_random_ties(counts, own, 0)
                for k in range(n_out):
                    s[k] = counts[k] / n_spikes if corrected else counts[k]
            else:
                guess = _argmax_random_ties(u, own, 0)
                for k in range(n_out):
                    s[k] = p[k] if corrected else p[k] * n_spikes
            right += guess == label
            bad = 0.0
            for k in range(n_out):
                target = 1.0 if k == label else 0.0
                step_k = eta * n_samples * (target - s[k])
                if mode != NONE:
                    fill_stream_normals(own, 0, noise)
                # the noise's scale folded into the draws first, so the update below is one
                # branch-free pass for every mode (a mode test inside it kept LLVM from
                # vectorising the pass)
                if mode == ISOTROPIC:
                    for i in range(n_in):
                        noise[i] *= spread
                elif mode == WEIGHT:
                    for i in range(n_in):
                        noise[i] *= spread * math.sqrt(n_samples * a[k, i])
                else:
                    noise[:n_in] = 0.0
                total = 0.0
                # one pass over the output's synapses, without draws or branches: vectorises
                for i in range(n_in):
                    value = (th[k, i] + eta * (mu - th[k, i]) * inv_var
                             + step_k * w[k, i] * (x[i] - a[k, i]) + noise[i])
                    bad += value - value  # 0, or NaN once a value is not finite
                    value = min(max(value, lo), hi)
                    th[k, i] = value
                    wk = fast_exp(value - theta0)
                    w[k, i] = wk
                    ak = min(alpha * fast_exp(wk), a_max)
                    a[k, i] = ak
                    total += ak
                a_sum[k] = total
            finite = bad == 0.0
            if not finite:
                diverged_at[r] = step + 1
                break
            if (step + 1) % eval_every == 0:
                e = (step + 1) // eval_every
                train_accuracy[r, e - 1] = right / eval_every
                right = 0
                test_accuracy[r, e] = _classify(own_eval, 0, w, a_sum, test_rates,
                                                test_labels, x, work, u, p, counts,
                                                n_spikes, spiking)
                snapshots[r, e] = th
        streams[r] = own[0]
        eval_streams[r] = own_eval[0]
