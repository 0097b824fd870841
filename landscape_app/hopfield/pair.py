"""Two neurons: the energy over (V₁, V₂), the flow of the continuous dynamics, fixed points.

E(V) = −½ VᵀT_sV + G(V₁) + G(V₂) − IᵀV with T_s = (T + Tᵀ)/2 is a ``Landscape`` (so the
plots, critical points and samplers of the explorer apply to it unchanged). It is the energy of
the dynamics only when T is symmetric; otherwise the flow V̇ = g′(u)(TV − u + I), u = g⁻¹(V),
can circulate (sources, sinks, spirals, limit cycles) and has no energy, and the fixed points
are classified by the eigenvalues of the flow's Jacobian D T − 1, D = diag(g′(uᵢ)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import param
from numba import njit

from ..kernels.abi import apply_pointwise
from ..landscapes.base import Landscape, LazyCFunc
from ..params import FiniteNumber
from .activations import (
    ACTIVATIONS,
    G,
    activation_code,
    g_inverse,
    g_inverse_numpy,
    g_numpy,
    value_range,
)

#: distance kept from the edges of the box of V, where g⁻¹ is infinite
EDGE = 1e-3


@njit(inline="always")
def _pair_energy(x, y, p):
    t11, t12, t21, t22, i1, i2, gain = p[0], p[1], p[2], p[3], p[4], p[5], p[6]
    code = int(p[7])
    ts = 0.5 * (t12 + t21)
    e = -0.5 * (t11 * x * x + 2.0 * ts * x * y + t22 * y * y) \
        + G(x, code, gain) + G(y, code, gain) - i1 * x - i2 * y
    gx = -(t11 * x + ts * y) + g_inverse(x, code, gain) - i1
    gy = -(ts * x + t22 * y) + g_inverse(y, code, gain) - i2
    return e, gx, gy


def _pair_energy_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_pair_energy, n, xs, ys, p, want_grad, e, gx, gy)


def box(activation: str) -> tuple[float, float, float, float]:
    lo, hi = value_range(activation)
    return (lo + EDGE, hi - EDGE, lo + EDGE, hi - EDGE)


class PairEnergy(Landscape):
    """Energy of two continuous Hopfield neurons over (V₁, V₂) (x = V₁, y = V₂)."""

    formula = "−½ VᵀT_sV + G(V₁) + G(V₂) − IᵀV"
    _batch = LazyCFunc(_pair_energy_batch)
    t11 = FiniteNumber(0.0, softbounds=(-3, 3), doc="Self-coupling T₁₁.")
    t12 = FiniteNumber(1.0, softbounds=(-3, 3), doc="Coupling T₁₂ (from neuron 2 to 1).")
    t21 = FiniteNumber(1.0, softbounds=(-3, 3), doc="Coupling T₂₁ (from neuron 1 to 2).")
    t22 = FiniteNumber(0.0, softbounds=(-3, 3), doc="Self-coupling T₂₂.")
    i1 = FiniteNumber(0.0, softbounds=(-2, 2), doc="Input I₁.")
    i2 = FiniteNumber(0.0, softbounds=(-2, 2), doc="Input I₂.")
    gain = FiniteNumber(2.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                        softbounds=(0.2, 10.0), doc="Gain β of the activation.")
    activation = param.Selector(default="tanh", objects=list(ACTIVATIONS), doc="Activation g.")

    def __init__(self, **params):
        params.setdefault("name", "two neurons")
        super().__init__(**params)
        self._follow_activation()

    @param.depends("activation", watch=True)
    def _follow_activation(self):
        self.window = box(self.activation)

    def kernel_params(self):
        return np.array([self.t11, self.t12, self.t21, self.t22, self.i1, self.i2, self.gain,
                         float(activation_code(self.activation))])

    @property
    def weights(self) -> np.ndarray:
        return np.array([[self.t11, self.t12], [self.t21, self.t22]])

    @property
    def inputs(self) -> np.ndarray:
        return np.array([self.i1, self.i2])

    @property
    def is_symmetric(self) -> bool:
        return abs(self.t12 - self.t21) < 1e-12

    def flow(self, V) -> np.ndarray:
        """V̇ at points V (n, 2): the continuous dynamics seen in V-space."""
        V = np.atleast_2d(np.asarray(V, dtype=float))
        with np.errstate(all="ignore"):
            u = g_inverse_numpy(V, self.activation, self.gain)
            du = V @ self.weights.T - u + self.inputs
            slope = _g_prime_numpy(u, self.activation, self.gain)
        return slope * du

    def speed(self, V) -> np.ndarray:
        """|V̇| at points V (n, 2): where the flow is slow (near fixed points and limit
        cycles' slow parts) when no energy exists to draw."""
        return np.linalg.norm(self.flow(V), axis=-1)

    def fixed_points(self, grid: int = 25, iterations: int = 60) -> list[FixedPoint]:
        """Equilibria TV − g⁻¹(V) + I = 0 in the box, by Newton from a grid of starts."""
        x0, x1, y0, y1 = self.window
        gx, gy = np.meshgrid(np.linspace(x0, x1, grid + 2)[1:-1],
                             np.linspace(y0, y1, grid + 2)[1:-1])
        v = np.column_stack([gx.ravel(), gy.ravel()])
        T, inputs = self.weights, self.inputs
        with np.errstate(all="ignore"):
            for _ in range(iterations):
                u = g_inverse_numpy(v, self.activation, self.gain)
                f = v @ T.T - u + inputs
                du_dv = 1.0 / _g_prime_numpy(u, self.activation, self.gain)
                jac = np.broadcast_to(T, (len(v), 2, 2)).copy()
                jac[:, 0, 0] -= du_dv[:, 0]
                jac[:, 1, 1] -= du_dv[:, 1]
                step = np.linalg.solve(jac, -f[..., None])[..., 0]
                step = np.where(np.isfinite(step), step, 0.0)
                v = np.clip(v + step, [x0, y0], [x1, y1])
            u = g_inverse_numpy(v, self.activation, self.gain)
            residual = np.linalg.norm(v @ T.T - u + inputs, axis=1)
        found = []
        for point in v[residual < 1e-8]:
            if all(np.hypot(*(point - q.position)) > 1e-6 for q in found):
                found.append(self._classify(point))
        return found

    def _classify(self, point) -> FixedPoint:
        u = g_inverse_numpy(point, self.activation, self.gain)
        d = _g_prime_numpy(u, self.activation, self.gain)
        jacobian = d[:, None] * self.weights - np.eye(2)
        eig = np.linalg.eigvals(jacobian)
        re = eig.real
        if np.all(re < 0):
            kind = "sink" if np.all(np.abs(eig.imag) < 1e-12) else "stable spiral"
        elif np.all(re > 0):
            kind = "source" if np.all(np.abs(eig.imag) < 1e-12) else "unstable spiral"
        elif np.any(re > 0) and np.any(re < 0):
            kind = "saddle"
        else:
            kind = "centre"
        return FixedPoint(float(point[0]), float(point[1]), kind, tuple(eig))

    def trajectory(self, V0, t_max: float = 20.0, dt: float = 0.01):
        """The continuous dynamics from V(0) = ``V0``: (times, V (k, 2))."""
        from .continuous import ContinuousHopfield

        net = ContinuousHopfield(self.weights, inputs=self.inputs, activation=self.activation,
                                 gain=self.gain)
        lo, hi = value_range(self.activation)
        v0 = np.clip(np.asarray(V0, dtype=float), lo + EDGE, hi - EDGE)
        run = net.run(net.g_inverse(v0), t_max=t_max, dt=dt, record_every=5)
        return run.times, run.V


@dataclass(frozen=True)
class FixedPoint:
    x: float
    y: float
    kind: str  # sink | source | saddle | stable spiral | unstable spiral | centre
    eigenvalues: tuple

    @property
    def position(self) -> np.ndarray:
        return np.array([self.x, self.y])


def _g_prime_numpy(u, name, gain):
    if name == "tanh":
        return gain * (1.0 - np.tanh(gain * u) ** 2)
    if name == "logistic":
        s = g_numpy(u, name, gain)
        return gain * s * (1.0 - s)
    return gain / (np.pi * (1.0 + (gain * u) ** 2))
