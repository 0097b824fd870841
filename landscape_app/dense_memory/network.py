"""A network with a non-constant coupling T(V): Krotov's vector field, energy and dynamics.

    X̂ᵢ(V) = Tᵢⱼ(V)Vⱼ − g⁻¹(Vᵢ)              (docs/science.md section 4)
    E(V)  = −W(V) + Σᵢ G(Vᵢ),   G = ∫ g⁻¹
    u̇ = X̂(g(u)),                V = g(u)

When the closure condition holds (always for T = ∇²Φ), ∇W = T(V)V, so −∇E = X̂ and
dE/dt = −Σᵢ g′(uᵢ) X̂ᵢ² ≤ 0: the energy never increases along trajectories. With a constant
T this is the continuous Hopfield network of ``hopfield.continuous``.
"""

from __future__ import annotations

import numpy as np
import param

from ..hopfield.continuous import ContinuousRun, integration_steps, trim_divergence
from ..kernels.activations import (
    ACTIVATIONS,
    G_numpy,
    activation_code,
    g_inverse_numpy,
    g_numpy,
    value_range,
)
from ..kernels.state_couplings import coupled_run
from ..params import FiniteNumber
from .couplings import Coupling, as_states


class CouplingNetwork(param.Parameterized):
    """``CouplingNetwork(coupling, activation="tanh", gain=1.0)`` for a ``Coupling`` (a
    ``Lagrangian`` such as ``DenseLagrangian``, or a typed ``ExpressionCoupling``)."""

    activation = param.Selector(default="tanh", objects=list(ACTIVATIONS),
                                doc="Activation g: tanh, logistic or arctan.")
    gain = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                        softbounds=(0.1, 20.0), doc="Gain β of g.")

    def __init__(self, coupling: Coupling, closed: bool | None = None, **params):
        if not isinstance(coupling, Coupling):
            raise TypeError(f"coupling must be a Coupling, got {type(coupling).__name__}")
        super().__init__(**params)
        self.coupling = coupling
        #: whether −∇E = X̂ (True for Hessian couplings; pass the closure check's verdict else)
        self.closed = coupling.is_hessian if closed is None else bool(closed)

    @property
    def n_neurons(self) -> int:
        return self.coupling.n_neurons

    def g(self, u):
        return g_numpy(u, self.activation, self.gain)

    def vector_field(self, V) -> np.ndarray:
        """X̂(V) = T(V)V − g⁻¹(V)."""
        v, single = as_states(V, self.n_neurons)
        x = self.coupling.field(v) - g_inverse_numpy(v, self.activation, self.gain)
        return x[0] if single else x

    def energy(self, V, method: str = "closed") -> np.ndarray | float:
        """E(V) = −W(V) + Σ G(Vᵢ); W in closed form (``"closed"``, for Lagrangians) or by the
        line integral (``"line"``)."""
        v, single = as_states(V, self.n_neurons)
        if method not in ("closed", "line"):
            raise ValueError(f"method must be 'closed' or 'line', got {method!r}")
        w = self.coupling.potential(v) if method == "closed" else self.coupling.potential_line(v)
        e = -np.asarray(w) + G_numpy(v, self.activation, self.gain).sum(axis=1)
        return float(e[0]) if single else e

    def run(self, u0, t_max: float, dt: float = 0.01, record_every: int = 1) -> ContinuousRun:
        """Integrate u̇ = T(g(u))g(u) − u from ``u0`` with RK4 steps of ``dt``; a run that
        blows up stops and reports "diverged at step k" (``ContinuousRun.note``)."""
        u0, _ = as_states(u0, self.n_neurons)
        u0 = u0[0]
        n_steps = integration_steps(t_max, dt, record_every, self.n_neurons)
        lo, hi = value_range(self.activation)
        corners = np.array(np.meshgrid(*[[lo, hi]] * min(self.n_neurons, 10))).reshape(
            min(self.n_neurons, 10), -1).T
        if self.n_neurons > 10:
            corners = np.hstack([corners, np.full((len(corners), self.n_neurons - 10), hi)])
        reach = np.abs(self.coupling.field(corners)).max()
        limit = 100.0 * (np.abs(u0).max() + reach) + 100.0
        u, done = coupled_run(self.coupling.field_function, self.coupling.kernel_params,
                              u0.copy(), activation_code(self.activation), float(self.gain),
                              float(dt), n_steps, int(record_every), float(limit))
        u, times, diverged_at = trim_divergence(u, done, n_steps, dt, record_every,
                                                "coupling network dynamics")
        V = self.g(u)
        energies = np.atleast_1d(self.energy(V))
        note = ("the closure condition holds: −∇E = X̂, and E never increases along the "
                "trajectory" if self.closed else
                "the closure condition fails: X̂ is not a gradient and no energy exists; the "
                "values shown are −W + ΣG with W by the line integral, and may rise")
        return ContinuousRun(times, u, V, energies, self.closed, diverged_at, float(dt), note)
