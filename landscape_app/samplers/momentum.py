"""Heavy-ball momentum (Polyak): v ← m v − η∇E(x); x ← x + v."""

from ..params import FiniteNumber
from .heavy_ball import HeavyBallFamily


class Momentum(HeavyBallFamily):
    """Heavy-ball momentum, v ← m v − η∇E(x), x ← x + v, m ∈ [0, 1).

    Near a saddle with Hessian eigenvalue −|λ| the unstable coordinate grows per step by
    z = [(1 + m + a) + √((1 + m + a)² − 4m)]/2, a = η|λ|, against 1 + a for m = 0: at a = 1e-3
    momentum 0.9 leaves the saddle 9.2× sooner (docs/science.md section 2). With T > 0 the noise
    √(2(1 − m)ηT) ξ makes it a discretised underdamped Langevin equation.
    """

    temperature = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 50.0),
                               doc="Temperature; T > 0 adds noise √(2(1 − m)ηT) ξ.")
    momentum = FiniteNumber(0.9, bounds=(0.0, 1.0), inclusive_bounds=(True, False),
                            softbounds=(0.0, 0.99), doc="Momentum coefficient m.")

    def _momentum(self):
        return self.momentum
