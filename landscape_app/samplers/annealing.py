"""Simulated annealing: a Metropolis or Langevin sampler whose temperature follows a schedule."""

import param

from ..params import FiniteNumber
from .base import Sampler
from .langevin import Langevin
from .metropolis import RandomWalkMetropolis

_BASES = {"metropolis": RandomWalkMetropolis, "langevin": Langevin}


class SimulatedAnnealing(Sampler):
    """Simulated annealing: ``base`` ("metropolis", the classic, or "langevin") run with T(k).

    T(k) follows ``schedule`` from ``temperature`` = T₀ (exponential T₀aᵏ by default, also
    logarithmic T₀ ln2/ln(2 + k) and linear), so the chains sample broadly first and settle into
    low minima as T falls.
    """

    temperature = FiniteNumber(20.0, bounds=(0.0, None), softbounds=(0.0, 200.0),
                               doc="Initial temperature T₀.")
    schedule = param.Selector(default="exponential",
                              objects=["constant", "exponential", "logarithmic", "linear"],
                              doc="Temperature schedule T(k).")
    step_size = FiniteNumber(0.05, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 1.0),
                             doc="Proposal scale (metropolis) or step η (langevin).")
    base = param.Selector(default="metropolis", objects=list(_BASES),
                          doc="The sampler whose temperature is annealed.")

    @property
    def is_metropolis(self):
        return self.base == "metropolis"

    @property
    def uses_gradient(self):
        return self.base == "langevin"

    def _delegate(self):
        cls = _BASES[self.base]
        shared = {k: v for k, v in self.param.values().items()
                  if k in cls.param and k not in ("name", "landscape")}
        return cls(landscape=self.landscape, **shared)

    def _init_extra(self, state):
        self._delegate()._init_extra(state)

    def _last_proposal_shape(self, n_chains):
        return self._delegate()._last_proposal_shape(n_chains)

    def _advance(self, state, temperatures, thin, out, diverged):
        self._delegate()._advance(state, temperatures, thin, out, diverged)
