"""Samplers and optimizers: Param models whose ``run`` drives a numba kernel over many chains.

    from landscape_app import landscapes, samplers
    s = samplers.HMC(landscape="muller_brown", temperature=10.0, step_size=0.01, n_chains=1000)
    run = s.run(n_steps=2000)
    run.positions, run.energies, run.accepted, run.grad_evals, run.diagnostics()
"""

from .annealing import SimulatedAnnealing
from .base import ChainState, Sampler
from .ensemble import DEMCMC, StretchMove
from .evolution import EvolutionStrategy
from .gradient_descent import GradientDescent
from .hmc import HMC
from .langevin import Langevin
from .mala import MALA
from .mclmc import MCLMC
from .metropolis import RandomWalkMetropolis
from .momentum import Momentum
from .nuts import NUTS
from .run import Run
from .schedules import SCHEDULES, temperature_schedule
from .svgd import SVGD
from .tempering import ParallelTempering
from .underdamped import UnderdampedLangevin
from .weight_noise import WeightNoiseLangevin

#: every method, by class name, in the order menus show them
METHODS = {
    cls.__name__: cls
    for cls in (
        GradientDescent, Momentum, Langevin, MALA, RandomWalkMetropolis, HMC, NUTS,
        UnderdampedLangevin, MCLMC, SimulatedAnnealing, EvolutionStrategy, WeightNoiseLangevin,
        ParallelTempering, StretchMove, DEMCMC, SVGD,
    )
}


def get(name: str, **params) -> Sampler:
    """A sampler by class name (``"HMC"``), with its parameters."""
    if name not in METHODS:
        from ..landscapes.base import UnknownNameError

        raise UnknownNameError(f"unknown sampler {name!r}; known samplers: {', '.join(METHODS)}")
    return METHODS[name](**params)


__all__ = [
    "DEMCMC", "HMC", "MALA", "MCLMC", "METHODS", "SCHEDULES", "ChainState", "EvolutionStrategy",
    "GradientDescent",
    "Langevin", "Momentum", "NUTS", "ParallelTempering", "RandomWalkMetropolis", "Run", "Sampler",
    "SVGD", "SimulatedAnnealing", "StretchMove",
    "UnderdampedLangevin", "WeightNoiseLangevin", "get", "temperature_schedule",
]
