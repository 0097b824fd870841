"""The closure condition: when does a state-dependent coupling T(V) have an energy?

Seed 001's theorem (docs/science.md section 4): on a simply connected domain, with T symmetric,

    C_ij(V) = (T_kj,i − T_ki,j) V_k = 0   for all i, j        (comma: ∂/∂V)

is equivalent to X̂ = T(V)V − g⁻¹(V) being a gradient, −∇E, with

    E(V) = −W(V) + Σᵢ ∫ g⁻¹(Vᵢ),   W(x) = ∫₀¹ λ xᵀ T(λx) x dλ.

The check evaluates the curl of F(V) = T(V)V, ∂ᵢFⱼ − ∂ⱼFᵢ = C_ij + (T_ji − T_ij): for a
symmetric T exactly the closure expression, and for an asymmetric T it also counts the
asymmetry (which on its own already rules out a gradient). Derivatives are exact for typed
couplings (sympy) and central finite differences for callables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy

from ..kernels.activations import ACTIVATIONS, G_numpy, value_range
from ..landscapes.expression import derivative
from ..limits import check_memory, count, finite, seed_value
from .couplings import QUAD_NODES, QUAD_WEIGHTS, Coupling, ExpressionCoupling, as_states
from .network import CouplingNetwork


@dataclass
class ClosureResult:
    """``holds``; ``max_violation`` = max |C_ij(V)| over the samples (and its ``relative`` size
    against the largest |∂F|); ``energy``: E(V) callable when the condition holds, else None;
    ``potential``: W(V) (line integral) when it holds; ``worst_point``: the sample of the
    largest violation; ``symmetric``: whether T(V) was symmetric on every sample."""

    holds: bool
    max_violation: float
    relative: float
    symmetric: bool
    worst_point: np.ndarray
    samples: int
    tolerance: float
    energy: Callable | None = None
    potential: Callable | None = None
    coupling: Coupling | None = field(default=None, repr=False)

    @property
    def message(self) -> str:
        where = ", ".join(f"{v:.2f}" for v in self.worst_point)
        if self.holds:
            return (f"closure condition holds (max |C| = {self.max_violation:.1e} over "
                    f"{self.samples} samples): X̂ = −∇E and the energy exists")
        kind = "" if self.symmetric else " (T(V) is not even symmetric)"
        return (f"closure condition violated{kind}: max |C| = {self.max_violation:.3g} "
                f"at V = ({where}); X̂ is not a gradient and no energy exists")


def _coupling_from(coupling, n_neurons):
    """An ``ExpressionCoupling`` for a matrix of strings, else the callable as given."""
    if isinstance(coupling, ExpressionCoupling):
        return coupling
    if isinstance(coupling, list | tuple | np.ndarray) and not callable(coupling):
        entries = [list(map(str, row)) for row in np.asarray(coupling, dtype=object).tolist()]
        c = ExpressionCoupling(entries)
        if n_neurons is not None and c.n_neurons != n_neurons:
            raise ValueError(f"the coupling is {c.n_neurons} × {c.n_neurons} but n_neurons is "
                             f"{n_neurons}")
        return c
    if callable(coupling):
        return coupling
    raise TypeError("coupling must be a callable V -> (n, n) array or an n × n matrix of "
                    "expression strings in V1..Vn")


def _callable_matrix(coupling, v, n):
    t = np.asarray(coupling(v.copy()), dtype=np.float64)
    if t.shape != (n, n):
        raise ValueError(f"the coupling returned shape {t.shape} for {n} neurons; expected "
                         f"({n}, {n})")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"the coupling is not finite at V = {np.round(v, 3).tolist()}")
    return t


def _curls_callable(coupling, points, n, step):
    """∂ᵢFⱼ − ∂ⱼFᵢ with F = T(V)V by central differences, and T at each point."""
    curls = np.empty((len(points), n, n))
    mats = np.empty((len(points), n, n))
    jac = np.empty((n, n))
    for k, v in enumerate(points):
        mats[k] = _callable_matrix(coupling, v, n)
        for i in range(n):
            e = np.zeros(n)
            e[i] = step
            f_plus = _callable_matrix(coupling, v + e, n) @ (v + e)
            f_minus = _callable_matrix(coupling, v - e, n) @ (v - e)
            jac[i] = (f_plus - f_minus) / (2 * step)  # jac[i, j] = ∂ᵢFⱼ
        curls[k] = jac - jac.T
    return curls, mats


def _curls_expression(coupling: ExpressionCoupling, points):
    n = coupling.n_neurons
    s = coupling.symbols
    curl = sympy.Matrix(n, n, lambda i, j: derivative(coupling.sympy_field[j], s[i])
                        - derivative(coupling.sympy_field[i], s[j]))
    evaluate = sympy.lambdify(s, curl.tolist(), "numpy")
    jacobian = [[derivative(f, v) for v in s] for f in coupling.sympy_field]
    jac = sympy.lambdify(s, jacobian, "numpy")
    curls = np.array([np.array(evaluate(*v), dtype=float) for v in points])
    scale = np.array([np.abs(np.array(jac(*v), dtype=float)).max() for v in points])
    mats = coupling.matrix(points)
    return curls, mats, scale


def check_closure(coupling, n_neurons: int | None = None, samples: int = 200, domain=None,
                  activation: str = "tanh", gain: float = 1.0, tol: float = 1e-6,
                  seed: int = 0) -> ClosureResult:
    """Check the closure condition for ``coupling`` on ``samples`` random points.

    ``coupling``: a callable V -> (n, n) array, or an n × n matrix of expression strings in
    V1..Vn (numbers allowed), e.g. ``[["0", "V1"], ["V1", "0"]]``. ``domain``: (low, high) of
    every Vᵢ, by default 95 % of the activation's range. The condition holds when
    max |C| ≤ ``tol`` · (1 + max |∂F|). Where it holds, ``.energy`` is
    E(V) = −W(V) + Σ G(Vᵢ) for the given ``activation`` and ``gain``.
    """
    target = _coupling_from(coupling, n_neurons)
    if isinstance(target, ExpressionCoupling):
        n = target.n_neurons
    else:
        if isinstance(n_neurons, bool) or not isinstance(n_neurons, int | np.integer) \
                or n_neurons < 1:
            raise ValueError("n_neurons (a positive integer) is needed for a callable coupling")
        n = int(n_neurons)
    samples = count(samples, "samples", 1, 100_000)
    seed = seed_value(seed)
    gain = finite(gain, "gain", low=0.0, low_open=True)
    tol = finite(tol, "tol", low=0.0)
    # the curls and the couplings at every sample, (samples, n, n) each
    check_memory(8 * samples * (2 * n * n + n), f"the closure check of {n:,} neurons on "
                 f"{samples:,} samples", "pass fewer samples")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of "
                         f"{', '.join(ACTIVATIONS)}")
    if domain is None:
        lo, hi = value_range(activation)
        mid, half = (lo + hi) / 2, 0.95 * (hi - lo) / 2
        domain = (mid - half, mid + half)
    lo, hi = (float(d) for d in domain)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"domain must be (low, high) with low < high, got {domain!r}")
    points = np.random.default_rng(seed).uniform(lo, hi, size=(int(samples), n))

    if isinstance(target, ExpressionCoupling):
        curls, mats, scale = _curls_expression(target, points)
    else:
        step = 1e-5 * max(1.0, abs(lo), abs(hi))
        curls, mats = _curls_callable(target, points, n, step)
        scale = np.array([np.abs(m).max() for m in mats])
    defined = np.isfinite(curls).all(axis=(1, 2)) & np.isfinite(mats).all(axis=(1, 2))
    if not defined.all():
        where = ", ".join(f"{v:.3g}" for v in points[int(np.argmin(defined))])
        raise ValueError(f"the coupling or its derivatives are not finite at V = ({where}), "
                         f"inside the checked domain {lo:g}..{hi:g}: T(V) must be defined on "
                         f"all of it")
    violation = np.abs(curls).max(axis=(1, 2))
    worst = int(np.argmax(violation))
    max_violation = float(violation[worst])
    reference = 1.0 + float(np.max(scale))
    holds = max_violation <= tol * reference
    symmetric = bool(np.allclose(mats, np.transpose(mats, (0, 2, 1)), rtol=0,
                                 atol=tol * reference))
    result = ClosureResult(holds, max_violation, max_violation / reference, symmetric,
                           points[worst], int(samples), tol * reference,
                           coupling=target if isinstance(target, Coupling) else None)
    if holds:
        if isinstance(target, Coupling):
            network = CouplingNetwork(target, closed=True, activation=activation, gain=gain)
            result.potential = target.potential_line
            result.energy = lambda V: network.energy(V, method="line")
        else:
            def potential(V):
                v, single = as_states(V, n)
                w = np.array([sum(wq * (_callable_matrix(target, lq * x, n) @ (lq * x)) @ x
                                  for lq, wq in zip(QUAD_NODES, QUAD_WEIGHTS, strict=True))
                              for x in v])
                return float(w[0]) if single else w

            def energy(V):
                v, single = as_states(V, n)
                e = -np.atleast_1d(potential(v)) + G_numpy(v, activation, gain).sum(axis=1)
                return float(e[0]) if single else e

            result.potential = potential
            result.energy = energy
    return result
