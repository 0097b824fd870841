"""The continuous Hopfield network and its energy.

    u̇ = T g(u) − u + I,    V = g(u),    E(V) = −½ VᵀTV + Σᵢ G(Vᵢ) − IᵀV

For symmetric T, dE/dt = −Σᵢ g′(uᵢ) u̇ᵢ² ≤ 0: E is a Lyapunov function and the dynamics
descend it. For asymmetric T no such energy exists (the flow can circulate: sources, sinks,
limit cycles); the network still runs, and the value of the formula above is reported with
``lyapunov = False``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import param

from ..kernels.hopfield import continuous_run
from ..limits import check_memory, check_steps, count, finite
from ..params import FiniteNumber
from .activations import (
    ACTIVATIONS,
    G_numpy,
    activation_code,
    g_inverse_numpy,
    g_numpy,
    value_range,
)


@dataclass
class ContinuousRun:
    """``times`` (k,), ``u`` and ``V`` (k, N), ``energies`` (k,); ``lyapunov``: whether the
    energy is guaranteed not to increase (T symmetric); ``diverged_at``: the step at which
    the integration became unstable and stopped (the arrays end before it), else None."""

    times: np.ndarray
    u: np.ndarray
    V: np.ndarray
    energies: np.ndarray
    lyapunov: bool
    diverged_at: int | None = None
    dt: float = 0.0
    #: what the energy means for this run, where the default (about a constant T) does not fit
    energy_note: str | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def note(self) -> str:
        if self.diverged:
            return (f"diverged at step {self.diverged_at} (t = {self.diverged_at * self.dt:g}): "
                    f"RK4 is unstable with dt = {self.dt:g} here; use a smaller dt.")
        if self.energy_note:
            return self.energy_note
        if self.lyapunov:
            return "T is symmetric: the energy is a Lyapunov function and never increases."
        return ("T is not symmetric: no energy function exists; the values shown are those of "
                "the symmetric formula and may rise.")


def integration_steps(t_max, dt, record_every, n_neurons: int) -> int:
    """Validate an integration's settings; returns the number of steps.

    Refused before anything is allocated: more than ``limits.MAX_STEPS`` steps, or a record
    (u, then V = g(u), of ``n_neurons`` floats per recorded step) larger than memory allows.
    """
    t_max = finite(t_max, "t_max", low=0.0, low_open=True)
    dt = finite(dt, "dt", low=0.0, low_open=True)
    record_every = count(record_every, "record_every")
    check_steps(t_max / dt, f"t_max = {t_max:g} with dt = {dt:g}", "pass a larger dt or a "
                "smaller t_max")
    n_steps = round(t_max / dt)
    if n_steps < 1:
        raise ValueError("t_max must be at least dt")
    records = n_steps // record_every + 1
    check_memory(2 * 8 * records * (n_neurons + 1), f"recording {records:,} states",
                 "pass record_every=... to record fewer")
    return int(n_steps)


def trim_divergence(u, done, n_steps, dt, record_every, what):
    """Cut a kernel's output at the step where it left its bound, warning "diverged at step
    k"; returns (u, times, diverged_at or None)."""
    diverged_at = None
    if done < n_steps:
        diverged_at = done + 1  # the step whose result left the bound
        u = u[: done // int(record_every) + 1]
        warnings.warn(f"{what} diverged at step {diverged_at} (dt = {dt:g} is too large for "
                      f"RK4)", RuntimeWarning, stacklevel=3)
    return u, np.arange(u.shape[0]) * dt * record_every, diverged_at


def as_weights(weights) -> np.ndarray:
    t = np.asarray(weights, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"weights must be a square matrix, got shape {np.shape(weights)}")
    if t.shape[0] < 1:
        raise ValueError("weights must have at least one neuron, got shape (0, 0)")
    if not np.all(np.isfinite(t)):
        raise ValueError("weights contain NaN or inf")
    return np.ascontiguousarray(t)


class ContinuousHopfield(param.Parameterized):
    """Continuous Hopfield dynamics with couplings ``weights`` (N × N, any signs)."""

    activation = param.Selector(default="tanh", objects=list(ACTIVATIONS),
                                doc="Activation g: tanh, logistic or arctan.")
    gain = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                        softbounds=(0.1, 20.0), doc="Gain β of g (for arctan ε = 1/β).")

    def __init__(self, weights, inputs=None, **params):
        super().__init__(**params)
        self.weights = as_weights(weights)
        n = self.weights.shape[0]
        self.inputs = np.zeros(n) if inputs is None else np.asarray(inputs, dtype=np.float64)
        if self.inputs.shape != (n,) or not np.all(np.isfinite(self.inputs)):
            raise ValueError(f"inputs must be {n} finite numbers, got {np.shape(inputs)}")

    @property
    def n_neurons(self) -> int:
        return self.weights.shape[0]

    @property
    def is_symmetric(self) -> bool:
        return bool(np.allclose(self.weights, self.weights.T, rtol=0, atol=1e-12))

    def g(self, u):
        return g_numpy(u, self.activation, self.gain)

    def g_inverse(self, v):
        return g_inverse_numpy(v, self.activation, self.gain)

    def energy(self, V) -> np.ndarray | float:
        """E(V) = −½ VᵀTV + Σ G(Vᵢ) − IᵀV for V (N,) or (k, N)."""
        v = np.asarray(V, dtype=np.float64)
        single = v.ndim == 1
        v = np.atleast_2d(v)
        quad = np.einsum("ki,ki->k", v, v @ self.weights.T)
        e = -0.5 * quad + G_numpy(v, self.activation, self.gain).sum(1) - v @ self.inputs
        return float(e[0]) if single else e

    def run(self, u0, t_max: float, dt: float = 0.01, record_every: int = 1) -> ContinuousRun:
        """Integrate from u(0) = ``u0`` to ``t_max`` with RK4 steps of ``dt``."""
        u0 = np.asarray(u0, dtype=np.float64)
        if u0.shape != (self.n_neurons,) or not np.all(np.isfinite(u0)):
            raise ValueError(f"u0 must be {self.n_neurons} finite numbers, got {np.shape(u0)}")
        n_steps = integration_steps(t_max, dt, record_every, self.n_neurons)
        lo, hi = value_range(self.activation)
        reach = np.abs(self.weights).sum(1) * max(abs(lo), abs(hi)) + np.abs(self.inputs)
        limit = 10.0 * (np.abs(u0).max() + reach.max()) + 10.0
        u, done = continuous_run(self.weights, u0.copy(), self.inputs,
                                 activation_code(self.activation), float(self.gain), float(dt),
                                 n_steps, int(record_every), float(limit))
        u, times, diverged_at = trim_divergence(u, done, n_steps, dt, record_every,
                                                "continuous Hopfield dynamics")
        V = self.g(u)
        energies = self.energy(V)
        return ContinuousRun(times, u, V, np.atleast_1d(energies), self.is_symmetric,
                             diverged_at, float(dt))
