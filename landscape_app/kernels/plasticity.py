"""Kernel of the inner loop of meta-learned plasticity (seed 002; docs/plasticity.md).

Many rules at once (one per thread at a time), each training a linear neuron y = w·x on the
same input presentations x(1..T) from the same start w(0):

    Δw_i = η Σ_{a,b,c ∈ {0,1,2}} A_abc x_i^a y^b w_i^c      (27 coefficients, index 9a + 3b + c)

computed per presentation as B_ac = Σ_b A_abc y^b (nine numbers), then per synapse
(B₀₀ + B₀₁w + B₀₂w²) + x(B₁₀ + B₁₁w + B₁₂w²) + x²(B₂₀ + B₂₁w + B₂₂w²). A rule whose weights
leave |w_i| ≤ ``limit`` (or stop being finite) is stopped there: ``diverged_at[r]`` = the
presentation, else −1.
"""

import numpy as np
from numba import njit, prange

from .fastmath import JIT

N_COEFFICIENTS = 27


@njit(cache=True, nogil=True, parallel=True, **JIT)
def plasticity_inner_kernel(coefficients, inputs, w0, eta, limit, w_out, diverged_at):
    """``coefficients`` (R, 27), ``inputs`` (T, n), ``w0`` (n,): ``w_out`` (R, n) the final
    weights (or the last finite ones of a diverged rule)."""
    n_rules = coefficients.shape[0]
    n_steps, n_in = inputs.shape
    for r in prange(n_rules):
        A = coefficients[r]
        w = w_out[r]
        for i in range(n_in):
            w[i] = w0[i]
        diverged_at[r] = -1
        b = np.empty(9)
        for t in range(n_steps):
            x = inputs[t]
            y = 0.0
            for i in range(n_in):
                y += w[i] * x[i]
            y2 = y * y
            for a in range(3):
                for c in range(3):
                    b[3 * a + c] = eta * (A[9 * a + c] + A[9 * a + 3 + c] * y
                                          + A[9 * a + 6 + c] * y2)
            bad = False
            for i in range(n_in):
                xi = x[i]
                wi = w[i]
                step = ((b[0] + wi * (b[1] + wi * b[2]))
                        + xi * ((b[3] + wi * (b[4] + wi * b[5]))
                                + xi * (b[6] + wi * (b[7] + wi * b[8]))))
                new = wi + step
                if not abs(new) <= limit:  # also NaN
                    bad = True
                    break
                w[i] = new
            if bad:
                diverged_at[r] = t + 1
                break


@njit(inline="always", **JIT)
def _rule_step(A, eta, pre, post, weight):
    """η Σ_abc A_abc pre^a post^b weight^c."""
    total = 0.0
    pa = 1.0
    for a in range(3):
        pb = pa
        for b in range(3):
            pc = pb
            for c in range(3):
                total += A[9 * a + 3 * b + c] * pc
                pc *= weight
            pb *= post
        pa *= pre
    return eta * total


@njit(cache=True, nogil=True, parallel=True, **JIT)
def plasticity_network_kernel(feedforward, lateral, inputs, w0, eta, eta_lateral, limit,
                              w_out, l_out, diverged_at):
    """A layer of M linear outputs with hierarchical lateral weights (Rubner & Tavan):

        y_j = w_j·x + Σ_{k<j} l_jk y_k,
        Δw_ji = η Σ A_abc x_i^a y_j^b w_ji^c,   Δl_jk = η_l Σ B_abc y_k^a y_j^b l_jk^c,

    rule r's A = ``feedforward[r]``, B = ``lateral[r]`` (R, 27) each; ``w0`` (M, n) the start
    (l = 0); ``w_out`` (R, M, n), ``l_out`` (R, M, M) the final weights. Oja's A with the
    anti-Hebbian B = (y_k y_j: −1) makes the outputs the top M principal components."""
    n_rules = feedforward.shape[0]
    n_steps, n_in = inputs.shape
    m = w0.shape[0]
    for r in prange(n_rules):
        A = feedforward[r]
        B = lateral[r]
        w = w_out[r]
        lat = l_out[r]
        for j in range(m):
            for i in range(n_in):
                w[j, i] = w0[j, i]
            for k in range(m):
                lat[j, k] = 0.0
        diverged_at[r] = -1
        y = np.empty(m)
        b = np.empty(9)
        for t in range(n_steps):
            x = inputs[t]
            for j in range(m):
                total = 0.0
                for i in range(n_in):
                    total += w[j, i] * x[i]
                for k in range(j):
                    total += lat[j, k] * y[k]
                y[j] = total
            bad = False
            for j in range(m):
                # the post-synaptic powers summed once per output, as in the one-neuron kernel
                yj, yj2 = y[j], y[j] * y[j]
                for a in range(3):
                    for c in range(3):
                        b[3 * a + c] = eta * (A[9 * a + c] + A[9 * a + 3 + c] * yj
                                              + A[9 * a + 6 + c] * yj2)
                for i in range(n_in):
                    xi = x[i]
                    wi = w[j, i]
                    new = wi + ((b[0] + wi * (b[1] + wi * b[2]))
                                + xi * ((b[3] + wi * (b[4] + wi * b[5]))
                                        + xi * (b[6] + wi * (b[7] + wi * b[8]))))
                    if not abs(new) <= limit:
                        bad = True
                    w[j, i] = new
                for k in range(j):
                    new = lat[j, k] + _rule_step(B, eta_lateral, y[k], y[j], lat[j, k])
                    if not abs(new) <= limit:
                        bad = True
                    lat[j, k] = new
            if bad:
                diverged_at[r] = t + 1
                break
