"""Stein variational gradient descent: sets of interacting particles moved deterministically
towards exp(−E/T) (Liu & Wang 2016; docs/samplers.md, "SVGD"; kernel ``kernels/svgd.py``)."""

from __future__ import annotations

import numpy as np

from ..kernels.svgd import svgd_kernel
from ..params import Count, FiniteNumber
from .base import Sampler
from .ensemble import split_groups


class SVGD(Sampler):
    """SVGD: particles pulled up exp(−E/T) and pushed apart by an RBF kernel (Liu & Wang).

    x_i ← x_i + ε φ(x_i), φ(x_i) = (1/n) Σ_j [k(x_j, x_i)(−∇E(x_j)/T) + ∇_{x_j}k(x_j, x_i)],
    k(x, y) = exp(−|x − y|²/h) with the median heuristic h = med²/log n (or a fixed
    ``bandwidth``). The chains are particles in sets of ``particles`` consecutive chains; each
    set is one deterministic approximation of the density (the seed fixes only the starts).
    Not a Markov chain: it converges to a set of points whose spread matches the density's,
    not to independent draws. One gradient evaluation per particle and step; O(n²) kernel
    terms per set.
    """

    step_size = FiniteNumber(0.05, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 1.0), doc="Step ε of the particles' update.")
    temperature = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                               softbounds=(0.05, 50.0),
                               doc="Temperature T of the target exp(−E/T).")
    particles = Count(32, bounds=(1, 2000), softbounds=(2, 256),
                      doc="Particles per set: consecutive chains that interact.")
    bandwidth = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 10.0),
                             doc="RBF bandwidth h of exp(−|x − y|²/h); 0: the median "
                                 "heuristic med²/log n, every step.")

    def _advance(self, state, temperatures, thin, out, diverged):
        if temperatures.size and not np.all(temperatures > 0):
            raise ValueError("SVGD needs T > 0 at every step (its drift is −∇E/T): use the "
                             "constant schedule or a final temperature > 0")
        svgd_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, state.grad_x, state.grad_y, state.live),
            split_groups(state.n_chains, int(self.particles), 2),
            np.ascontiguousarray(temperatures),
            (float(self.step_size), float(self.bandwidth), int(thin),
             float(self.divergence_bound)),
            (out["positions"], out["energies"]), diverged,
        )
