"""Asymmetric couplings steered by bounded optimal control (docs/science.md section 5).

    from landscape_app.control import ControlledHopfield

    m = ControlledHopfield(A=[[0, 1], [1, 0]], activation="arctan", eps=0.1, K=0.5, k=0.0,
                           dt=1.0, horizon=50, discount=0.0, mu=0.0005)
    sol = m.solve(u0=[-1.0, 0.5], restarts=4, seed=0)   # sol.cost, .controls, .u, .outcome
    m.learn([-1.0, 0.5])                                # T ← T + ξ_∞, memories tracked
"""

from .learning import STATUSES, LearningHistory, LearningRound, Memory
from .model import CONTROL_ACTIVATIONS, ControlledHopfield, ControlSolution, random_couplings
from .multistart import Multistart, multistart
from .outcomes import OUTCOMES, Verdict, classify

__all__ = ["CONTROL_ACTIVATIONS", "OUTCOMES", "STATUSES", "ControlSolution",
           "ControlledHopfield", "LearningHistory", "LearningRound", "Memory", "Multistart",
           "Verdict", "classify", "multistart", "random_couplings"]
