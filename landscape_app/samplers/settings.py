"""The chain settings every sampler has, declared once.

``ChainSettings`` (temperature, chains, seed) and ``ScheduleSettings`` (with the annealing
schedule T(k), docs/science.md section 2) are the parameters shared by every ``Sampler`` and by
the page models that drive samplers (``page_models.sampling``): a page re-declares a parameter
only to narrow it for its widgets (a slider's range), and inherits the rest of its definition.
"""

import param

from ..params import Count, FiniteNumber
from .schedules import SCHEDULES

#: chains one sampler may step (a chain's state and first record take ~200 bytes)
MAX_CHAINS = 1_000_000


class ChainSettings(param.Parameterized):
    """Temperature, number of chains and seed."""

    temperature = FiniteNumber(1.0, bounds=(0.0, None), softbounds=(0.0, 50.0),
                               doc="Temperature T of the Boltzmann density exp(−E/T) "
                                   "(the initial T when annealing); 0 makes samplers descend.")
    n_chains = Count(100, bounds=(1, MAX_CHAINS), softbounds=(1, 2000),
                     doc="Number of independent chains (at most a million).")
    seed = Count(0, bounds=(0, 2**63 - 1), doc="Seed of every random stream.")


class ScheduleSettings(ChainSettings):
    """``ChainSettings`` and the temperature schedule T(k) (annealing)."""

    schedule = param.Selector(default="constant", objects=list(SCHEDULES),
                              doc="Temperature schedule T(k) (annealing).")
    cooling_rate = FiniteNumber(0.999, bounds=(0.0, 1.0), inclusive_bounds=(False, True),
                                softbounds=(0.9, 1.0),
                                doc="Factor a of the exponential schedule T₀aᵏ.")
    anneal_steps = Count(1000, bounds=(1, None), softbounds=(10, 20000),
                         doc="Steps of the linear schedule from T₀ to the final T.")
    final_temperature = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 10.0),
                                     doc="Floor of every annealing schedule.")


#: the parameters a page model passes to whichever sampler is active
SCHEDULE_PARAMETERS = tuple(p for p in ScheduleSettings.param if p != "name")
