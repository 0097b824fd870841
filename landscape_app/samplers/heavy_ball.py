"""The family of gradient descent, momentum and Langevin: one kernel, three models."""

import numpy as np

from ..kernels.heavy_ball import heavy_ball_kernel
from .base import Sampler


class HeavyBallFamily(Sampler):
    """v ← m v − η∇E + √(2(1 − m)ηT) ξ; x ← x + v (see ``kernels.heavy_ball``)."""

    def _momentum(self) -> float:
        return 0.0

    def _init_extra(self, state):
        n = state.n_chains
        state.extra["vx"] = np.zeros(n)
        state.extra["vy"] = np.zeros(n)

    def _advance(self, state, temperatures, thin, out, diverged):
        heavy_ball_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.extra["vx"], state.extra["vy"], state.energy, state.grad_x,
             state.grad_y, state.live, diverged, state.streams),
            temperatures,
            (float(self.step_size), float(self._momentum()), int(thin),
             float(self.divergence_bound)),
            (out["positions"], out["energies"]),
        )
