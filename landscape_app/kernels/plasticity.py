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
