"""Gradient-estimating evolution strategy (antithetic, SGD or Adam)."""

import numpy as np
import param

from ..kernels.evolution import es_gradient_estimate, es_kernel
from ..kernels.rng import chain_streams
from ..landscapes.base import as_points
from ..params import Count, FiniteNumber
from .base import Sampler


class EvolutionStrategy(Sampler):
    """ES: ĝ = (1/(2Pσ)) Σᵢ [E(x + σεᵢ) − E(x − σεᵢ)] εᵢ over P antithetic pairs; x ← x − ηĝ.

    Forward evaluations only (2P + 1 energies per step): it works where gradients do not exist
    or explode (Hazelden et al. 2023). ``optimizer="adam"`` steps with Adam on ĝ. An optimizer:
    default temperature 0; T > 0 adds √(2ηT) ξ.
    """

    uses_gradient = False
    temperature = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 50.0),
                               doc="Temperature; T > 0 adds noise √(2ηT) ξ.")
    step_size = FiniteNumber(0.01, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 1.0), doc="Learning rate η.")
    population = Count(16, bounds=(1, 100_000), softbounds=(1, 200),
                       doc="Antithetic pairs P per step (2P evaluations).")
    sigma = FiniteNumber(0.1, bounds=(0.0, None), inclusive_bounds=(False, True),
                         softbounds=(1e-3, 2.0), doc="Perturbation scale σ.")
    optimizer = param.Selector(default="sgd", objects=["sgd", "adam"],
                               doc="Plain gradient step or Adam on the estimate.")
    beta1 = FiniteNumber(0.9, bounds=(0.0, 1.0), inclusive_bounds=(True, False),
                         doc="Adam's first-moment decay β₁.")
    beta2 = FiniteNumber(0.999, bounds=(0.0, 1.0), inclusive_bounds=(True, False),
                         doc="Adam's second-moment decay β₂.")
    adam_epsilon = FiniteNumber(1e-8, bounds=(0.0, None), inclusive_bounds=(False, True),
                                doc="Adam's ϵ.")

    def _energy_evals_per_step(self):
        return 2 * self.population + 1

    def _init_extra(self, state):
        n = state.n_chains
        for key in ("mx", "my", "sx", "sy"):
            state.extra[key] = np.zeros(n)

    def _advance(self, state, temperatures, thin, out, diverged):
        ex = state.extra
        es_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, ex["mx"], ex["my"], ex["sx"], ex["sy"], state.live,
             diverged, state.streams),
            temperatures,
            (float(self.step_size), float(self.sigma), int(self.population),
             self.optimizer == "adam", float(self.beta1), float(self.beta2),
             float(self.adam_epsilon), int(state.step), int(thin), float(self.divergence_bound)),
            (out["positions"], out["energies"]),
        )

    def estimate_gradient(self, xy, seed=None) -> np.ndarray:
        """The estimate ĝ at each point of ``xy`` (n, 2), one independent draw per point."""
        points = as_points(xy)
        streams = chain_streams(self.seed if seed is None else seed, points.shape[0])
        land = self._require_landscape()
        estimate = es_gradient_estimate(
            land.batch_function, land.kernel_params(), np.ascontiguousarray(points[:, 0]),
            np.ascontiguousarray(points[:, 1]), streams, float(self.sigma),
            int(self.population))
        land.check_errors()
        return estimate
