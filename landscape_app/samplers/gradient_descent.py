"""Gradient descent: x ← x − η∇E(x), Euler's method on the gradient flow ẋ = −∇E."""

from ..params import FiniteNumber
from .heavy_ball import HeavyBallFamily


class GradientDescent(HeavyBallFamily):
    """Gradient descent, x ← x − η∇E(x); with T > 0 it becomes x ← x − η∇E + √(2ηT) ξ.

    An optimizer, so its default temperature is 0. One gradient evaluation per step.
    """

    temperature = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 50.0),
                               doc="Temperature; T > 0 adds Langevin noise √(2ηT) ξ.")
