"""The bound-constrained optimal-control problem of one start, solved by L-BFGS-B.

The variables are the controlled entries of ξ_k for every step k (entries with bound 0 are not
variables: they stay 0). J and its exact gradient come from the numba adjoint kernel
(``kernels/control.py``), so one evaluation costs one forward and one backward pass instead of
the 1 + (number of variables) passes of finite differences. scipy's L-BFGS-B handles the box
|ξᵢⱼ| ≤ bᵢⱼ exactly (projected quasi-Newton steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..kernels import control as kernel


@dataclass(frozen=True)
class Problem:
    """Everything one solve needs, as arrays: couplings T (N, N), the bound of each entry
    (N, N; 0 = not controlled), the start, and the numbers of the cost."""

    T: np.ndarray
    bound: np.ndarray
    u0: np.ndarray
    horizon: int
    dt: float
    discount: float
    mu: float
    code: int
    gain: float

    def __post_init__(self):
        # numba compiles one version per argument type: an int μ = 1 would compile another
        for name in ("dt", "discount", "mu", "gain"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "code", int(self.code))
        object.__setattr__(self, "T", np.ascontiguousarray(self.T, dtype=float))
        object.__setattr__(self, "u0", np.ascontiguousarray(self.u0, dtype=float))

    @property
    def n(self) -> int:
        return len(self.u0)

    @property
    def mask(self) -> np.ndarray:
        return self.bound > 0

    @property
    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        return np.nonzero(self.mask)

    @property
    def n_variables(self) -> int:
        return self.horizon * int(self.mask.sum())

    def controls(self, x: np.ndarray) -> np.ndarray:
        """Variables → ξ (H, N, N)."""
        rows, cols = self.entries
        xi = np.zeros((self.horizon, self.n, self.n))
        xi[:, rows, cols] = x.reshape(self.horizon, len(rows))
        return xi

    def variables(self, xi: np.ndarray) -> np.ndarray:
        rows, cols = self.entries
        return np.ascontiguousarray(xi[:, rows, cols]).ravel()

    def limits(self) -> np.ndarray:
        rows, cols = self.entries
        return np.tile(self.bound[rows, cols], self.horizon)

    def objective(self):
        """(J, ∂J/∂x) as a function of the variables, for scipy; buffers are reused."""
        u, gu, grad, work = kernel.make_work(self.horizon, self.n)
        rows, cols = self.entries
        mask = self.mask
        xi = np.zeros((self.horizon, self.n, self.n))  # entries off the mask stay 0

        def fun(x):
            xi[:, rows, cols] = x.reshape(self.horizon, len(rows))
            value = kernel.cost_and_gradient(self.T, xi, mask, self.u0, self.dt, self.discount,
                                             self.mu, self.code, self.gain, u, gu, grad, work)
            return value, grad[:, rows, cols].ravel()
        return fun

    def cost(self, xi: np.ndarray) -> tuple[float, np.ndarray]:
        """J of the controls ξ and the trajectory they produce."""
        u, gu = np.empty((self.horizon + 1, self.n)), np.empty((self.horizon + 1, self.n))
        value = kernel.cost(self.T, np.ascontiguousarray(xi, dtype=float), self.u0, self.dt,
                            self.discount, self.mu, self.code, self.gain, u, gu)
        return float(value), u


@dataclass
class Optimum:
    controls: np.ndarray  # (H, N, N)
    cost: float
    iterations: int
    evaluations: int
    message: str


def solve(problem: Problem, starts: list[np.ndarray], max_iterations: int = 3000) -> Optimum:
    """L-BFGS-B from each start (variables) with the analytic gradient; the lowest J wins."""
    if problem.n_variables == 0:
        xi = np.zeros((problem.horizon, problem.n, problem.n))
        return Optimum(xi, problem.cost(xi)[0], 0, 1, "nothing to control (all bounds are 0)")
    limit = problem.limits()
    bounds = list(zip(-limit, limit, strict=True))
    fun = problem.objective()
    best, iterations, evaluations = None, 0, 0
    for x0 in starts:
        result = minimize(fun, np.clip(x0, -limit, limit), jac=True, method="L-BFGS-B",
                          bounds=bounds, options={"maxiter": max_iterations})
        iterations += result.nit
        evaluations += result.nfev
        if best is None or result.fun < best.fun:
            best = result
    x = np.clip(best.x, -limit, limit)
    return Optimum(problem.controls(x), float(best.fun), iterations, evaluations,
                   str(best.message))


def random_starts(problem: Problem, restarts: int, seed: int,
                  first: np.ndarray | None = None) -> list[np.ndarray]:
    """``restarts`` initial guesses uniform in the box (``first``, if given, replaces the first)."""
    rng = np.random.default_rng(seed)
    limit = problem.limits()
    starts = [rng.uniform(-limit, limit) for _ in range(max(restarts, 1))]
    if first is not None:
        starts[0] = first
    return starts
