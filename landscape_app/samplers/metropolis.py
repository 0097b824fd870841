"""Random-walk Metropolis."""

from ..kernels.metropolis import metropolis_kernel
from .base import Sampler


class RandomWalkMetropolis(Sampler):
    """Random-walk Metropolis: x' = x + s ξ, accepted with min(1, exp(−ΔE/T)).

    Gradient-free (one energy evaluation per step); ``step_size`` is the proposal scale s.
    """

    uses_gradient = False
    is_metropolis = True

    def _advance(self, state, temperatures, thin, out, diverged):
        metropolis_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, state.live, state.streams, state.accept_count),
            temperatures,
            (float(self.step_size), int(thin), float(self.divergence_bound)),
            (out["positions"], out["energies"], out["accepted"], out["last_proposal"]),
        )
