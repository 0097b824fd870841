"""Hamiltonian Monte Carlo."""

import numpy as np

from ..kernels.hmc import hmc_kernel
from ..params import Count, FiniteNumber
from .base import Sampler


class HMC(Sampler):
    """HMC: p ~ N(0, T·I), ``n_leapfrog`` leapfrog steps of size ε, accept with exp(−ΔH/T).

    H = E(x) + |p|²/2. ``n_leapfrog`` gradient evaluations per step. The leapfrog path of the
    last step of a run is kept in ``run.last_path`` (n_leapfrog + 1, n_chains, 2).
    """

    is_metropolis = True
    step_size = FiniteNumber(0.05, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 1.0), doc="Leapfrog step size ε.")
    n_leapfrog = Count(10, bounds=(1, 10_000), softbounds=(1, 100),
                       doc="Leapfrog steps L per HMC step.")

    def _grad_evals_per_step(self):
        return self.n_leapfrog

    def _advance(self, state, temperatures, thin, out, diverged):
        out["last_path"] = np.full((self.n_leapfrog + 1, state.n_chains, 2), np.nan)
        hmc_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, state.grad_x, state.grad_y, state.live, state.streams,
             state.accept_count, state.divergent_count),
            temperatures,
            (float(self.step_size), int(self.n_leapfrog), int(thin), float(self.divergence_bound)),
            (out["positions"], out["energies"], out["accepted"], out["last_path"]),
        )

    def _last_proposal_shape(self, n_chains):
        return None
