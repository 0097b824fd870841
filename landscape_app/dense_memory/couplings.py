"""Non-constant couplings T(V) and the Lagrangians Φ(V) they come from (docs/science.md section 4).

A ``Coupling`` gives the field F(V) = T(V)V (a compiled field function, see
``kernels.state_couplings``) and the potential by the line integral

    W(x) = ∫₀¹ λ xᵀ T(λx) x dλ = ∫₀¹ F(λx)·x dλ,

which is a potential of F (∇W = F) exactly when the closure condition holds (``closure``). A
``Lagrangian`` is the coupling T = ∇²Φ; it always satisfies the condition and has the closed form

    W(x) = x·∇Φ(x) − Φ(x) + Φ(0)

(for Φ homogeneous of degree d, W = (d − 1)Φ; for constant T, W = ½VᵀTV). Built in:

    DenseLagrangian        Φ = Σ_μ (ξ_μ·V)ᵈ / (d nᵈ⁻¹)       (d = 2: the Hebbian ½VᵀTV, T = ξᵀξ/n)
    LogSumExpLagrangian    Φ = β⁻¹ log Σ_μ exp(β ξ_μ·V)
    ExpressionLagrangian   Φ typed in V1..Vn (n ≤ 6), through the landscapes' whitelisted parser
    ExpressionCoupling     T(V) typed entry by entry (need not come from a Φ, nor be symmetric)
"""

from __future__ import annotations

import numpy as np
import param
import sympy
from numpy.polynomial.legendre import leggauss

from ..kernels.state_couplings import (
    FIELD_SIGNATURE,
    dense_field,
    field_at,
    line_potential,
    log_sum_exp_field,
)
from ..landscapes.base import LazyCFunc
from ..landscapes.expression import (
    ExpressionError,
    compile_vector_field,
    derivative,
    parse_expression,
    vector_variables,
)
from ..params import Count, FiniteNumber

MAX_EXPRESSION_NEURONS = 6

_NODES, _WEIGHTS = leggauss(48)
#: Gauss–Legendre nodes and weights on [0, 1]: exact for polynomial integrands up to degree 95.
QUAD_NODES = 0.5 * (_NODES + 1.0)
QUAD_WEIGHTS = 0.5 * _WEIGHTS


def as_states(V, n: int) -> tuple[np.ndarray, bool]:
    """Validate states (n,) or (k, n); returns the (k, n) array and whether one was given."""
    v = np.asarray(V, dtype=np.float64)
    single = v.ndim == 1
    v = np.atleast_2d(v)
    if v.ndim != 2 or v.shape[1] != n:
        raise ValueError(f"states must have shape ({n},) or (k, {n}), got {np.shape(V)}")
    if not np.all(np.isfinite(v)):
        raise ValueError("states contain NaN or inf")
    return np.ascontiguousarray(v), single


def _result(values: np.ndarray, single: bool):
    return values[0] if single else values


class Coupling(param.Parameterized):
    """A state-dependent coupling T(V) on n neurons, seen through F(V) = T(V)V."""

    n_neurons = Count(2, bounds=(1, None), constant=True, doc="Number of neurons n.")

    #: whether T(V) is the Hessian of a Lagrangian (then the closure condition holds).
    is_hessian = False

    @property
    def field_function(self):
        raise NotImplementedError

    @property
    def kernel_params(self) -> np.ndarray:
        return np.zeros(2)

    def matrix(self, V) -> np.ndarray:
        """T(V), (n, n) or (k, n, n)."""
        raise NotImplementedError

    def field(self, V) -> np.ndarray:
        """F(V) = T(V)V."""
        v, single = as_states(V, self.n_neurons)
        return _result(field_at(self.field_function, self.kernel_params, v), single)

    def potential_line(self, V) -> np.ndarray | float:
        """W by the line integral ∫₀¹ F(λx)·x dλ (48-point Gauss–Legendre)."""
        v, single = as_states(V, self.n_neurons)
        w = line_potential(self.field_function, self.kernel_params, v, QUAD_NODES, QUAD_WEIGHTS)
        return float(w[0]) if single else w

    def potential(self, V) -> np.ndarray | float:
        """W(V): the closed form where there is one, else the line integral."""
        return self.potential_line(V)


class Lagrangian(Coupling):
    """T(V) = ∇²Φ(V), symmetric and closed; subclasses give Φ, ∇Φ and ∇²Φ."""

    is_hessian = True

    def _phi(self, v):
        raise NotImplementedError

    def _gradient(self, v):
        raise NotImplementedError

    def _hessian(self, v):
        raise NotImplementedError

    def phi(self, V):
        v, single = as_states(V, self.n_neurons)
        return _result(self._phi(v), single)

    def gradient(self, V):
        v, single = as_states(V, self.n_neurons)
        return _result(self._gradient(v), single)

    def matrix(self, V):
        v, single = as_states(V, self.n_neurons)
        return _result(self._hessian(v), single)

    hessian = matrix

    def potential(self, V):
        """W(x) = x·∇Φ(x) − Φ(x) + Φ(0)."""
        v, single = as_states(V, self.n_neurons)
        w = (np.einsum("ki,ki->k", v, self._gradient(v)) - self._phi(v)
             + self._phi(np.zeros((1, self.n_neurons)))[0])
        return float(w[0]) if single else w


def as_patterns(patterns) -> np.ndarray:
    xi = np.asarray(patterns, dtype=np.float64)
    if xi.ndim == 1:
        xi = xi[None, :]
    if xi.ndim != 2 or xi.shape[0] < 1:
        raise ValueError(f"patterns must be an array (K, n), got shape {np.shape(patterns)}")
    if not np.all(np.isfinite(xi)):
        raise ValueError("patterns contain NaN or inf")
    return np.ascontiguousarray(xi)


class _PatternLagrangian(Lagrangian):
    _field = None

    def __init__(self, patterns, **params):
        xi = as_patterns(patterns)
        super().__init__(n_neurons=xi.shape[1], **params)
        self.patterns = xi

    @property
    def field_function(self):
        return self._field.get()

    def _second(self) -> float:
        raise NotImplementedError

    @property
    def kernel_params(self):
        return np.concatenate([[self.patterns.shape[0], self._second()], self.patterns.ravel()])


class DenseLagrangian(_PatternLagrangian):
    """Φ(V) = Σ_μ (ξ_μ·V)ᵈ / (d nᵈ⁻¹): the dense associative memory's Lagrangian."""

    degree = Count(3, bounds=(2, 12), constant=True, doc="The power d.")
    _field = LazyCFunc(dense_field, signature=FIELD_SIGNATURE)

    def _second(self):
        return float(self.degree)

    def _scale(self):
        return float(self.n_neurons) ** (self.degree - 1)

    def _phi(self, v):
        return (v @ self.patterns.T) ** self.degree @ np.ones(len(self.patterns)) / (
            self.degree * self._scale())

    def _gradient(self, v):
        return (v @ self.patterns.T) ** (self.degree - 1) @ self.patterns / self._scale()

    def _hessian(self, v):
        c = (self.degree - 1) * (v @ self.patterns.T) ** (self.degree - 2) / self._scale()
        return np.einsum("km,mi,mj->kij", c, self.patterns, self.patterns)


class LogSumExpLagrangian(_PatternLagrangian):
    """Φ(V) = β⁻¹ log Σ_μ exp(β ξ_μ·V): the modern Hopfield network's Lagrangian."""

    beta = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                        constant=True, doc="Inverse temperature β.")
    _field = LazyCFunc(log_sum_exp_field, signature=FIELD_SIGNATURE)

    def _second(self):
        return float(self.beta)

    def _softmax(self, v):
        z = self.beta * (v @ self.patterns.T)
        z_max = z.max(axis=1, keepdims=True)
        w = np.exp(z - z_max)
        total = w.sum(axis=1, keepdims=True)
        return w / total, (z_max[:, 0] + np.log(total[:, 0])) / self.beta

    def _phi(self, v):
        return self._softmax(v)[1]

    def _gradient(self, v):
        return self._softmax(v)[0] @ self.patterns

    def _hessian(self, v):
        p = self._softmax(v)[0]
        mean = p @ self.patterns
        second = np.einsum("km,mi,mj->kij", p, self.patterns, self.patterns)
        return self.beta * (second - mean[:, :, None] * mean[:, None, :])


def _check_expression_neurons(n):
    if isinstance(n, bool) or not isinstance(n, int | np.integer) \
            or not 1 <= n <= MAX_EXPRESSION_NEURONS:
        raise ValueError(f"typed couplings take 1 to {MAX_EXPRESSION_NEURONS} neurons, got {n!r}")


class ExpressionLagrangian(Lagrangian):
    """Φ typed as an expression in V1..Vn, e.g. ``"(V1**4 + V2**4)/12 + V1**2*V2**2/2"``; its
    gradient and Hessian are exact (sympy) and the field T(V)V is compiled with numba."""

    expression = param.String("(V1**4 + V2**4)/12", constant=True, doc="Φ(V1, ..., Vn).")

    def __init__(self, expression, n_neurons=2, **params):
        _check_expression_neurons(n_neurons)
        super().__init__(expression=expression, n_neurons=n_neurons, **params)
        variables = vector_variables(n_neurons)
        self.symbols = tuple(variables.values())
        self.sympy_phi = parse_expression(expression, variables)
        grad = [derivative(self.sympy_phi, s) for s in self.symbols]
        self.sympy_hessian = sympy.Matrix([[derivative(gi, s) for s in self.symbols]
                                           for gi in grad])
        field = self.sympy_hessian * sympy.Matrix(self.symbols)
        # no sympy.simplify: unbounded in time on typed input (minutes on a nested expression);
        # the common subexpressions are shared when the field is compiled
        self._compiled = compile_vector_field(tuple(field), self.symbols)
        self._numeric = sympy.lambdify(self.symbols, [self.sympy_phi, grad,
                                                      self.sympy_hessian.tolist()], "numpy")

    @property
    def field_function(self):
        return self._compiled

    def _evaluate(self, v):
        phi, grad, hess = [], [], []
        for row in v:
            p, gr, h = self._numeric(*row)
            phi.append(p)
            grad.append(gr)
            hess.append(h)
        return np.array(phi, float), np.array(grad, float), np.array(hess, float)

    def _phi(self, v):
        return self._evaluate(v)[0]

    def _gradient(self, v):
        return self._evaluate(v)[1]

    def _hessian(self, v):
        return self._evaluate(v)[2]


class ExpressionCoupling(Coupling):
    """T(V) typed entry by entry: an n × n nested list of expressions in V1..Vn (or numbers).
    It may violate the closure condition, or be asymmetric: ``closure.check_closure`` says."""

    def __init__(self, entries, **params):
        rows = [list(r) if isinstance(r, list | tuple) else None for r in entries] \
            if isinstance(entries, list | tuple) else None
        n = len(rows) if rows else 0
        if not rows or any(r is None or len(r) != n for r in rows):
            raise ValueError("the coupling must be a square matrix (n lists of n entries)")
        _check_expression_neurons(n)
        super().__init__(n_neurons=n, **params)
        variables = vector_variables(n)
        self.symbols = tuple(variables.values())
        parsed = []
        for i, row in enumerate(rows):
            for j, entry in enumerate(row):
                try:
                    parsed.append(parse_expression(str(entry), variables))
                except ExpressionError as error:
                    raise ExpressionError(f"T[{i + 1},{j + 1}]: {error}", error.token,
                                          error.position) from None
        self.sympy_matrix = sympy.Matrix(n, n, parsed)
        self.entries = [[str(e) for e in row] for row in rows]
        field = self.sympy_matrix * sympy.Matrix(self.symbols)
        # not expanded: (V1 + V2 + 1)**200 would become thousands of terms
        self.sympy_field = tuple(field)
        self._compiled = compile_vector_field(self.sympy_field, self.symbols)
        self._matrix = sympy.lambdify(self.symbols, self.sympy_matrix.tolist(), "numpy")

    @property
    def field_function(self):
        return self._compiled

    def matrix(self, V):
        v, single = as_states(V, self.n_neurons)
        t = np.array([np.array(self._matrix(*row), dtype=float) for row in v])
        return _result(t, single)
