"""Underdamped Langevin dynamics ("Hamiltonian sampling"), BAOAB integrator."""

import numpy as np

from ..kernels.rng import normal_pairs
from ..kernels.underdamped import baoab_kernel
from ..params import FiniteNumber
from .base import Sampler


class UnderdampedLangevin(Sampler):
    """Underdamped Langevin dx = v dt, dv = −∇E dt − γv dt + √(2γT) dW, by BAOAB.

    The momentum v is the CaMKII variable of Yu et al. 2016: it carries chains over saddles and
    barriers. Velocities start from N(0, T). One gradient evaluation per step.
    """

    step_size = FiniteNumber(0.05, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 0.5), doc="Time step h.")
    friction = FiniteNumber(1.0, bounds=(0.0, None), softbounds=(0.0, 20.0),
                            doc="Friction γ (0: Hamiltonian dynamics; large: overdamped).")

    def _init_extra(self, state):
        t0 = float(self.temperatures(0, 1)[0])
        draws = normal_pairs(state.streams, 1)[0] * np.sqrt(max(t0, 0.0))
        state.extra["vx"] = np.ascontiguousarray(draws[:, 0])
        state.extra["vy"] = np.ascontiguousarray(draws[:, 1])

    def _advance(self, state, temperatures, thin, out, diverged):
        baoab_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.extra["vx"], state.extra["vy"], state.energy, state.grad_x,
             state.grad_y, state.live, diverged, state.streams),
            temperatures,
            (float(self.step_size), float(self.friction), int(thin), float(self.divergence_bound)),
            (out["positions"], out["energies"]),
        )
