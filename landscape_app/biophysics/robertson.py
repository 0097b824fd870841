"""Robertson's reactions, the stiff benchmark of seed 004 (SCIENCE.md § 6; docs/stiff.md):

    y₁' = −k₁ y₁ + k₃ y₂ y₃,   y₂' = k₁ y₁ − k₂ y₂² − k₃ y₂ y₃,   y₃' = k₂ y₂²

k₁ = 0.04, k₂ = 3e7, k₃ = 1e4, y(0) = (1, 0, 0); the rates span eleven orders of magnitude, so
an explicit method needs steps below ~1e-3 where the solution changes on scales up to 1e5.
Fitting θ = (log₁₀ k₂, log₁₀ k₃) to the trajectory at 50 log-spaced times in [1e-5, 1e5]: the
loss is the mean squared error of y / y_scale (y_scale the true trajectory's peak per species:
y₂ peaks at 3.6e-5), the gradient the forward sensitivities S = ∂y/∂θ solved with y,

    S' = J S + ∂f/∂θ,   ∂f/∂log₁₀ k = ln 10 · k ∂f/∂k.

The forward pass: ``"ROS2"`` (default), the numba Rosenbrock kernel (``kernels.robertson``:
many rate pairs at once, ~1 ms a solve with sensitivities), or scipy's ``"BDF"`` / ``"Radau"``
(implicit multistep / Runge–Kutta with the analytic Jacobian: the reference, ~100 ms a solve).
Beside them an explicit RK4 at a fixed step, reported as "diverged at step k".
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

from ..kernels import robertson as kernel
from ..limits import check_memory, count, finite

TRUE_RATES = (0.04, 3e7, 1e4)
TIMES = np.logspace(-5, 5, 50)
#: tolerances of scipy's implicit solvers: y₂ lives near 1e-5, so the absolute one is far below
RTOL, ATOL = 1e-8, 1e-14
#: the Rosenbrock kernel's (errors of y ~ rtol relative to each species' peak, measured
#: against BDF at 1e-8), absolute tolerances per species; and its step budget per solve
ROS_RTOL = 1e-6
ROS_ATOL = np.array([1e-10, 1e-14, 1e-10])
ROS_MAX_STEPS = 200_000
METHODS = ("ROS2", "BDF", "Radau")
LN10 = math.log(10.0)


def _rates(theta, k1=TRUE_RATES[0]):
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (2,) or not np.all(np.isfinite(theta)):
        raise ValueError(f"θ = (log₁₀ k₂, log₁₀ k₃) must be two finite numbers, got {theta!r}")
    if not np.all((theta > -3) & (theta < 12)):
        raise ValueError(f"log₁₀ k₂ and log₁₀ k₃ must lie in (−3, 12), got {theta.tolist()}")
    return k1, 10.0 ** theta[0], 10.0 ** theta[1]


def field(y, k1, k2, k3):
    y1, y2, y3 = y
    return np.array([-k1 * y1 + k3 * y2 * y3, k1 * y1 - k2 * y2 * y2 - k3 * y2 * y3,
                     k2 * y2 * y2])


def jacobian(y, k1, k2, k3):
    _, y2, y3 = y
    return np.array([[-k1, k3 * y3, k3 * y2],
                     [k1, -2 * k2 * y2 - k3 * y3, -k3 * y2],
                     [0.0, 2 * k2 * y2, 0.0]])


def _augmented(t, z, k1, k2, k3):
    """(y, S) with S (3, 2) = ∂y/∂(log₁₀ k₂, log₁₀ k₃)."""
    y, s = z[:3], z[3:].reshape(3, 2)
    j = jacobian(y, k1, k2, k3)
    _, y2, y3 = y
    df = np.array([[0.0, LN10 * k3 * y2 * y3],
                   [-LN10 * k2 * y2 * y2, -LN10 * k3 * y2 * y3],
                   [LN10 * k2 * y2 * y2, 0.0]])
    return np.concatenate([field(y, k1, k2, k3), (j @ s + df).ravel()])


def _augmented_jacobian(t, z, k1, k2, k3):
    """The Jacobian of (y, S)' in (y, S): [[J, 0], [∂(JS + ∂f/∂θ)/∂y, J ⊗ I₂]]."""
    y, s = z[:3], z[3:].reshape(3, 2)
    j = jacobian(y, k1, k2, k3)
    _, y2, y3 = y
    out = np.zeros((9, 9))
    out[:3, :3] = j
    for a in range(3):
        for c in range(2):
            out[3 + 2 * a + c, 3 + c:9:2] = j[a]
    # ∂/∂y of (J S)[a, c] = Σ_b J[a, b](y) S[b, c], and of ∂f/∂θ
    for c in range(2):
        s1, s2, s3 = s[:, c]
        out[3 + 0 * 2 + c, 1] += k3 * s3
        out[3 + 0 * 2 + c, 2] += k3 * s2
        out[3 + 1 * 2 + c, 1] += -2 * k2 * s2 - k3 * s3
        out[3 + 1 * 2 + c, 2] += -k3 * s2
        out[3 + 2 * 2 + c, 1] += 2 * k2 * s2
    out[3 + 1, 1] += LN10 * k3 * y3
    out[3 + 1, 2] += LN10 * k3 * y2
    out[3 + 2, 1] += -2 * LN10 * k2 * y2
    out[3 + 3, 1] += -LN10 * k3 * y3
    out[3 + 3, 2] += -LN10 * k3 * y2
    out[3 + 4, 1] += 2 * LN10 * k2 * y2
    return out


def _times(times) -> np.ndarray:
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size < 1 or not np.all(np.isfinite(times)) or \
            times[0] <= 0 or np.any(np.diff(times) <= 0):
        raise ValueError("the output times must be finite, positive and increasing")
    return times


def solve_many(thetas, times=TIMES, sensitivities: bool = False):
    """The Rosenbrock kernel for rows of θ (R, 2): y (R, T, 3), S (R, T, 3, 2) or None, and
    per row whether it failed (too many steps or not finite: its y and S NaN)."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    if thetas.ndim != 2 or thetas.shape[1] != 2:
        raise ValueError(f"give rows of (log₁₀ k₂, log₁₀ k₃), got shape {thetas.shape}")
    for theta in thetas:
        _rates(theta)
    times = _times(times)
    r, t = thetas.shape[0], times.size
    check_memory(8.0 * r * t * (9 if sensitivities else 3), "the trajectories", "fewer rows")
    y = np.empty((r, t, 3))
    s = np.empty((r, t, 3, 2) if sensitivities else (1, 1, 3, 2))
    status = np.empty(r, dtype=np.int64)
    taken = np.empty(r, dtype=np.int64)
    kernel.robertson_kernel(np.ascontiguousarray(thetas), TRUE_RATES[0], times, ROS_RTOL,
                            ROS_ATOL, ROS_MAX_STEPS, sensitivities, y, s, status, taken)
    return y, (s if sensitivities else None), status != kernel.OK


def solve(theta, times=TIMES, sensitivities: bool = False, method: str = "ROS2"):
    """y at ``times`` (T, 3) by the implicit solver (``method``: the numba Rosenbrock kernel
    "ROS2", scipy's "BDF" or "Radau"), and with ``sensitivities`` S (T, 3, 2); raises
    ValueError if the solver fails."""
    if method not in METHODS:
        raise ValueError(f"the implicit solver is one of {', '.join(METHODS)}, got {method!r}")
    if method == "ROS2":
        y, s, failed = solve_many([theta], times, sensitivities)
        if failed[0]:
            raise ValueError(f"the Rosenbrock solver failed at θ = {list(theta)}: more than "
                             f"{ROS_MAX_STEPS:,} steps, or not finite")
        return (y[0], s[0]) if sensitivities else y[0]
    k1, k2, k3 = _rates(theta)
    times = _times(times)
    if sensitivities:
        z0, fun, jac = np.zeros(9), _augmented, _augmented_jacobian
        z0[0] = 1.0
    else:
        z0 = np.array([1.0, 0.0, 0.0])
        fun = lambda t, y, *k: field(y, *k)  # noqa: E731
        jac = lambda t, y, *k: jacobian(y, *k)  # noqa: E731
    result = solve_ivp(fun, (0.0, float(times[-1])), z0, method=method, t_eval=times,
                       args=(k1, k2, k3), jac=jac, rtol=RTOL, atol=ATOL)
    if not result.success:
        raise ValueError(f"the implicit solver failed: {result.message}")
    z = result.y.T
    return (z[:, :3], z[:, 3:].reshape(-1, 3, 2)) if sensitivities else z


class RobertsonFit:
    """The loss of θ = (log₁₀ k₂, log₁₀ k₃) against the trajectory at the true rates; the
    protocol of ``MorrisLecarFit`` (rows of θ in, one loss per row out), so that
    ``fitting``'s methods run on either."""

    fitted = ("log₁₀ k₂", "log₁₀ k₃")
    #: Rosenbrock steps of a typical solve (the cost budgets count them; measured 12,000-15,000
    #: at rtol 1e-6 across the page's window)
    steps_per_run = 15_000

    def __init__(self, times=TIMES, method: str = "ROS2"):
        self.times = _times(times)
        if method not in METHODS:
            raise ValueError(f"the solver is one of {', '.join(METHODS)}, got {method!r}")
        self.method = method
        self.truth = np.log10(TRUE_RATES[1:])
        self.target = solve(self.truth, self.times, method=method)
        self.scale = np.abs(self.target).max(axis=0)

    def parameters(self, values) -> np.ndarray:
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if values.ndim != 2 or values.shape[1] != 2:
            raise ValueError(f"give rows of (log₁₀ k₂, log₁₀ k₃), got shape {values.shape}")
        for theta in values:
            _rates(theta)
        return values

    def _score(self, y, s):
        """Loss (R,) and gradient (R, 2) (or None) of trajectories y (R, T, 3), S (R, T, 3, 2)."""
        error = (y - self.target) / self.scale
        loss = np.mean(error ** 2, axis=(1, 2))
        if s is None:
            return loss, None
        gradient = 2.0 * np.einsum("rta,rtac->rc", error / self.scale, s) / error[0].size
        return loss, gradient

    def _one(self, theta, sensitivities):
        try:
            out = solve(theta, self.times, sensitivities=sensitivities, method=self.method)
        except ValueError:
            return np.nan, np.full(2, np.nan)
        y, s = out if sensitivities else (out, None)
        loss, gradient = self._score(y[None], None if s is None else s[None])
        return float(loss[0]), (None if gradient is None else gradient[0])

    def evaluate(self, values) -> dict:
        """``loss`` (R,) and ``gradient`` (R, 2) through the implicit solver's sensitivities
        (NaN where the solver failed)."""
        values = self.parameters(values)
        if self.method == "ROS2":
            y, s, _ = solve_many(values, self.times, sensitivities=True)
            loss, gradient = self._score(y, s)
            return {"loss": loss, "gradient": gradient}
        parts = [self._one(theta, True) for theta in values]
        return {"loss": np.array([p[0] for p in parts]),
                "gradient": np.array([p[1] for p in parts])}

    def __call__(self, values) -> np.ndarray:
        """The losses alone: forward passes only."""
        values = self.parameters(values)
        if self.method == "ROS2":
            return self._score(solve_many(values, self.times)[0], None)[0]
        return np.array([self._one(theta, False)[0] for theta in values])

    def traces(self, values) -> np.ndarray:
        """y at the fit's times (R, T, 3) for each row of θ (NaN where the solver failed)."""
        values = self.parameters(values)
        if self.method == "ROS2":
            return solve_many(values, self.times)[0]
        return np.array([solve(theta, self.times, method=self.method) for theta in values])


def explicit_rk4(theta, dt: float = 1e-3, t_end: float = 1e5, max_steps: int = 10**6) -> dict:
    """Classical RK4 at the fixed step ``dt`` up to ``t_end``: ``diverged_at`` the first step
    at which y left [−1, 2]³ or stopped being finite (None if it did not within
    ``max_steps``), ``steps`` taken, ``y`` the last state."""
    k = _rates(theta)
    dt = finite(dt, "step dt", 0.0, low_open=True)
    steps = min(int(math.ceil(finite(t_end, "end time", 0.0, low_open=True) / dt)),
                count(max_steps, "steps", 1, 10**8))
    y = np.array([1.0, 0.0, 0.0])
    step = kernel.explicit_rk4_kernel(*k, dt, steps, y)
    if step:
        return {"diverged_at": int(step), "steps": int(step), "y": y}
    return {"diverged_at": None, "steps": steps, "y": y}
