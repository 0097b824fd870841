"""The closure check of two neurons as the page drives it: a typed T(V), its verdict, and the
pictures (energy or speed, flow, trajectories) computed for the view (no GUI code here)."""

from __future__ import annotations

import numpy as np
import param

from ...dense_memory.closure import check_closure
from ...dense_memory.couplings import ExpressionCoupling
from ...dense_memory.network import CouplingNetwork
from ...kernels.activations import ACTIVATIONS, g_inverse_numpy, value_range
from ...params import FiniteNumber

#: name -> the entries of T(V) (T11, T12, T21, T22)
PRESETS = {
    "Hessian of Φ = ¾(V1² + V2²) + ½V1²V2² (holds)":
        ("1.5 + V2**2", "2*V1*V2", "2*V1*V2", "1.5 + V1**2"),
    "Constant symmetric T (holds)": ("0", "1.5", "1.5", "0"),
    "T = [[1, 2V1], [2V1, 1]] (violates)": ("1", "2*V1", "2*V1", "1"),
    "Asymmetric constant T (violates)": ("1.5", "2", "-2", "1.5"),
}


class ClosureSession(param.Parameterized):
    """A 2 × 2 coupling T(V) typed entry by entry, checked and run."""

    preset = param.Selector(default=next(iter(PRESETS)), objects=list(PRESETS),
                            doc="A coupling to start from.")
    t11 = param.String(PRESETS[next(iter(PRESETS))][0], doc="T₁₁(V1, V2)")
    t12 = param.String(PRESETS[next(iter(PRESETS))][1], doc="T₁₂(V1, V2)")
    t21 = param.String(PRESETS[next(iter(PRESETS))][2], doc="T₂₁(V1, V2)")
    t22 = param.String(PRESETS[next(iter(PRESETS))][3], doc="T₂₂(V1, V2)")
    activation = param.Selector(default="tanh", objects=list(ACTIVATIONS), doc="Activation g.")
    gain = FiniteNumber(1.0, bounds=(0.1, 20.0), doc="Gain β of g.")

    def __init__(self, **params):
        super().__init__(**params)
        self.update()

    @param.depends("preset", watch=True)
    def _load_preset(self):
        t11, t12, t21, t22 = PRESETS[self.preset]
        self.param.update(t11=t11, t12=t12, t21=t21, t22=t22)

    @param.depends("t11", "t12", "t21", "t22", "activation", "gain", watch=True)
    def update(self):
        """Parse, compile and check the coupling; on a typing error keep the last good one and
        set ``error``."""
        try:
            coupling = ExpressionCoupling([[self.t11, self.t12], [self.t21, self.t22]])
            result = check_closure(coupling, activation=self.activation, gain=self.gain)
        except ValueError as error:  # a typing error, or T(V) undefined on the domain
            self.error = str(error)
            return
        self.error = None
        self.coupling = coupling
        self.result = result
        self.network = CouplingNetwork(coupling, closed=self.result.holds,
                                     activation=self.activation, gain=self.gain)

    @property
    def window(self) -> tuple[float, float, float, float]:
        lo, hi = value_range(self.activation)
        pad = 0.02 * (hi - lo)
        return (lo + pad, hi - pad, lo + pad, hi - pad)

    def grid(self, resolution: int = 121):
        """(xs, ys, values, label): the energy where the condition holds, else the speed |X̂|."""
        x0, x1, y0, y1 = self.window
        xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
        xx, yy = np.meshgrid(xs, ys)
        points = np.column_stack([xx.ravel(), yy.ravel()])
        if self.result.holds:
            values, label = self.network.energy(points, method="line"), "energy E"
        else:
            values = np.linalg.norm(self.network.vector_field(points), axis=1)
            label = "speed |X̂|"
        return xs, ys, np.asarray(values).reshape(xx.shape), label

    def flow(self, n: int = 17):
        x0, x1, y0, y1 = self.window
        g = np.linspace(0, 1, n + 2)[1:-1]
        xx, yy = np.meshgrid(x0 + (x1 - x0) * g, y0 + (y1 - y0) * g)
        points = np.column_stack([xx.ravel(), yy.ravel()])
        return points, self.network.vector_field(points)

    def trajectory(self, start, t_max: float = 20.0, dt: float = 0.01):
        """V(t) and E(t) from the state ``start`` = (V1, V2)."""
        lo, hi = value_range(self.activation)
        v0 = np.clip(np.asarray(start, dtype=float), lo + 1e-6, hi - 1e-6)
        u0 = g_inverse_numpy(v0, self.activation, self.gain)
        run = self.network.run(u0, t_max, dt, record_every=5)
        return run
