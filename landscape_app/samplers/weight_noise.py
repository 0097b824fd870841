"""Langevin dynamics with weight-dependent noise (Fang, Yu & Chen)."""

import param

from ..kernels.weight_noise import weight_noise_kernel
from ..params import FiniteNumber
from .base import Sampler


class WeightNoiseLangevin(Sampler):
    """Langevin with noise variance growing with the weight: Dᵢ(w) = min(α e^{wᵢ}, D_max).

    w ← w − η∇E + √(2ηT D(w)) ξ as in Fang, Yu & Chen; with ``preserve_density`` the drift
    becomes −ηD∇E + ηT∇·D, which keeps exp(−E/T) stationary.
    """

    alpha = FiniteNumber(0.5, bounds=(0.0, None), inclusive_bounds=(False, True),
                         softbounds=(0.01, 5.0), doc="Noise gain α of the variance α e^w.")
    max_variance = FiniteNumber(100.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                                softbounds=(1.0, 1000.0), doc="Cap D_max of the variance.")
    preserve_density = param.Boolean(False, doc="Add the drift T∇·D so that exp(−E/T) is "
                                                "stationary (and precondition by D).")

    def _advance(self, state, temperatures, thin, out, diverged):
        weight_noise_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, state.grad_x, state.grad_y, state.live, diverged,
             state.streams),
            temperatures,
            (float(self.step_size), float(self.alpha), float(self.max_variance),
             bool(self.preserve_density), int(thin), float(self.divergence_bound)),
            (out["positions"], out["energies"]),
        )
