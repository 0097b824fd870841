"""Metropolis-adjusted Langevin algorithm."""

from ..kernels.mala import mala_kernel
from .base import Sampler


class MALA(Sampler):
    """MALA: the Langevin proposal x' = x − η∇E + √(2ηT) ξ, accepted by Metropolis–Hastings.

    Exact for exp(−E/T) at any step size; one gradient evaluation per step.
    """

    is_metropolis = True

    def _advance(self, state, temperatures, thin, out, diverged):
        mala_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, state.grad_x, state.grad_y, state.live, state.streams,
             state.accept_count),
            temperatures,
            (float(self.step_size), int(thin), float(self.divergence_bound)),
            (out["positions"], out["energies"], out["accepted"], out["last_proposal"]),
        )
