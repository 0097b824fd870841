"""Fitting a Morris–Lecar neuron to a voltage trace (seed 004; SCIENCE.md § 6; docs/stiff.md):
the loss over its parameters, its exact gradient by forward sensitivities, and why a gradient
method gets stuck where an evolution strategy does not.

The target is the voltage the neuron makes at known parameters (I* = 110 µA/cm² by default);
the loss of a parameter set θ is L(θ) = mean_j (V_θ(t_j) − V*(t_j))² over samples every
``sample_ms``. Both traces start at rest (V = −60 mV, w = w∞(−60)). The kernel
(``kernels.morris_lecar``) integrates by RK4 at ``dt`` and differentiates that discrete map.
"""

from __future__ import annotations

import math

import numpy as np

from ..kernels import morris_lecar as kernel
from ..limits import check_memory, finite

#: parameter names, in the kernel's order
PARAMETERS = ("I_app", "g_L", "g_Ca", "g_K", "V_L", "V_Ca", "V_K", "V1", "V2", "V3", "V4",
              "phi", "C")
#: the Rinzel–Ermentrout Hopf set (SCIENCE.md § 6), driven at I_app = 110
HOPF = np.array([110.0, 2.0, 4.4, 8.0, -60.0, 120.0, -84.0, -1.2, 18.0, 2.0, 30.0, 0.04, 20.0])
DIFFERENTIABLE = tuple(PARAMETERS[i] for i in kernel.DIFFERENTIABLE)
V_START = -60.0
#: the most RK4 steps one call may take in all (runs × steps): ~20 s of one core (a
#: 100 × 100 landscape of 1 s traces is 2e8)
MAX_STEPS = 4e8


def _index(name: str) -> int:
    if name not in DIFFERENTIABLE:
        raise ValueError(f"a fitted parameter must be one of {', '.join(DIFFERENTIABLE)}, got "
                         f"{name!r}")
    return PARAMETERS.index(name)


def w_infinity(v: float, base=HOPF) -> float:
    return 0.5 * (1.0 + math.tanh((v - base[kernel.V3]) / base[kernel.V4]))


class MorrisLecarFit:
    """The loss of fitting ``fitted`` (names of ``DIFFERENTIABLE``) to the trace made at
    ``truth``, the other parameters as in ``base`` (default ``HOPF``)."""

    def __init__(self, fitted=("I_app",), truth=(110.0,), duration_ms: float = 1000.0,
                 dt: float = 0.05, sample_ms: float = 1.0, base=HOPF):
        self.fitted = tuple(fitted)
        if not 1 <= len(self.fitted) <= len(DIFFERENTIABLE) or \
                len(set(self.fitted)) != len(self.fitted):
            raise ValueError(f"fit 1-{len(DIFFERENTIABLE)} distinct parameters, got "
                             f"{self.fitted!r}")
        self.indices = np.array([_index(name) for name in self.fitted], dtype=np.int64)
        self.base = self._checked(np.asarray(base, dtype=float)[None])[0]
        self.dt = finite(dt, "time step dt (ms)", 1e-4, 0.5)
        self.duration_ms = finite(duration_ms, "trace length (ms)", 10 * self.dt, 1e6)
        self.sample_every = max(int(round(finite(sample_ms, "sampling interval (ms)",
                                                 self.dt, self.duration_ms) / self.dt)), 1)
        self.n_steps = int(round(self.duration_ms / self.dt))
        self.n_samples = self.n_steps // self.sample_every
        self.truth = np.asarray(truth, dtype=float)
        if self.truth.shape != (len(self.fitted),):
            raise ValueError(f"the truth has one value per fitted parameter, got {truth!r}")
        self.target = np.zeros(0)
        self.target = self.traces(self.truth)[0]
        if not np.all(np.isfinite(self.target)):
            raise ValueError("the target trace diverged: choose other true parameters")

    @staticmethod
    def _checked(parameters: np.ndarray) -> np.ndarray:
        if parameters.ndim != 2 or parameters.shape[1] != kernel.N_PARAMETERS:
            raise ValueError(f"parameter sets must be (R, {kernel.N_PARAMETERS}), got "
                             f"{parameters.shape}")
        if not np.all(np.isfinite(parameters)):
            raise ValueError("the parameters must be finite (NaN or inf given)")
        conductances = parameters[:, [kernel.G_L, kernel.G_CA, kernel.G_K]]
        if np.any(conductances < 0):
            raise ValueError("conductances g_L, g_Ca, g_K must be ≥ 0")
        if np.any(parameters[:, [kernel.CAPACITANCE, kernel.PHI]] <= 0) or \
                np.any(parameters[:, [kernel.V2, kernel.V4]] == 0):
            raise ValueError("C and φ must be > 0, V2 and V4 non-zero")
        return np.ascontiguousarray(parameters)

    def parameters(self, values) -> np.ndarray:
        """Full parameter sets (R, 13) from fitted values (R, G) (or one set (G,))."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if values.ndim != 2 or values.shape[1] != len(self.fitted):
            raise ValueError(f"give {len(self.fitted)} value(s) per set ({', '.join(self.fitted)})"
                             f", got shape {np.shape(values)}")
        full = np.tile(self.base, (values.shape[0], 1))
        full[:, self.indices] = values
        return self._checked(full)

    def _run(self, values, scored: bool):
        full = self.parameters(values)
        r = full.shape[0]
        if r * self.n_steps > MAX_STEPS:
            raise ValueError(f"{r} runs × {self.n_steps} steps exceed the budget of "
                             f"{MAX_STEPS:.0e} steps: fewer runs or a shorter trace")
        check_memory(8.0 * r * self.n_samples, "the voltage traces", "fewer runs")
        traces = np.empty((r, self.n_samples))
        losses = np.empty(r)
        indices = self.indices if scored else self.indices[:0]
        gradients = np.empty((r, indices.size))
        diverged = np.empty(r, dtype=np.int64)
        kernel.morris_lecar_kernel(full, V_START, w_infinity(V_START, self.base), self.dt,
                                   self.n_steps, self.sample_every,
                                   self.target if scored else np.zeros(0), indices,
                                   traces, losses, gradients, diverged)
        return traces, losses, gradients, diverged

    @property
    def steps_per_run(self) -> int:
        """RK4 steps of one simulation (the cost budgets count them)."""
        return self.n_steps

    @property
    def times(self) -> np.ndarray:
        """The sample times (ms)."""
        return np.arange(1, self.n_samples + 1) * self.sample_every * self.dt

    def traces(self, values) -> np.ndarray:
        """V at the sample times (R, S) for each set of fitted values (NaN after divergence)."""
        return self._run(values, scored=False)[0]

    def evaluate(self, values) -> dict:
        """``loss`` (R,), ``gradient`` (R, G) (exact for the discretisation), ``diverged_at``
        (R,) the step a run diverged at (−1: it did not; its loss and gradient NaN)."""
        traces, losses, gradients, diverged = self._run(values, scored=True)
        return {"loss": losses, "gradient": gradients, "diverged_at": diverged}

    def __call__(self, values) -> np.ndarray:
        """The losses alone, by the kernel that steps 16 runs side by side without
        sensitivities (~5× the rate per run; equal to ``evaluate``'s to ~1e-13 relative)."""
        full = self.parameters(values)
        r = full.shape[0]
        if r * self.n_steps > MAX_STEPS:
            raise ValueError(f"{r} runs × {self.n_steps} steps exceed the budget of "
                             f"{MAX_STEPS:.0e} steps: fewer runs or a shorter trace")
        losses = np.empty(r)
        diverged = np.empty(r, dtype=np.int64)
        kernel.morris_lecar_loss_kernel(full, V_START, w_infinity(V_START, self.base), self.dt,
                                        self.n_steps, self.sample_every, self.target,
                                        np.empty((0, 0)), losses, diverged)
        return losses
