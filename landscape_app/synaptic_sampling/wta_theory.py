"""The loss the WTA classifier's synaptic sampling descends, its gradient and curvature
(seed 003; docs/saddles.md).

With the inputs at their expected counts x̄ (the tuning curves' λ) and s_k = p_k, the corrected
rule's drift is −η ∇f of

    f(θ) = Σ_ki (θ_ki − μ)² / (2σ²) − (N / M) Σ_n log p_{h_n}(x̄_n; θ),
    p(x; θ) = softmax(u),  u_k = Σ_i (w_ki x_i − a_ki),  w = e^{θ−θ₀},  a = min(α e^{w}, a_max),

    ∂f/∂θ_ki = (θ_ki − μ)/σ² − (N / M) Σ_n w_ki (x_ni − a'_ki)(Θ{h_n = k} − p_nk),

a' = a where α e^{w} is below its clip (0 where clipped). The Hessian is the gradient's
central difference (exact to O(h²)); its spectrum says whether a point is a strict saddle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .wta import WTALearning


@dataclass(frozen=True)
class LossParts:
    """The constants of f: inputs ``x`` (M, I), ``labels`` (M,), and the model's numbers."""

    x: np.ndarray
    labels: np.ndarray
    mu: float
    sigma: float
    theta0: float
    alpha: float
    a_max: float
    n_samples: float

    @classmethod
    def of(cls, model: WTALearning, test: bool = False) -> LossParts:
        task = model.task
        return cls(task.test_rates if test else task.rates,
                   task.test_labels if test else task.labels, model.mu, model.sigma,
                   model.theta0, model.alpha, model.a_max, model.n_samples)


def _potentials(theta, parts: LossParts):
    w = np.exp(theta - parts.theta0)
    raw = parts.alpha * np.exp(w)
    a = np.minimum(raw, parts.a_max)
    u = parts.x @ w.T - a.sum(axis=1)[None, :]
    u -= u.max(axis=1, keepdims=True)
    log_p = u - np.log(np.exp(u).sum(axis=1, keepdims=True))
    return w, np.where(raw < parts.a_max, a, 0.0), log_p


def loss(theta: np.ndarray, parts: LossParts) -> float:
    """f(θ) for θ (K, I)."""
    _, _, log_p = _potentials(theta, parts)
    m = parts.x.shape[0]
    likelihood = log_p[np.arange(m), parts.labels].sum()
    prior = ((theta - parts.mu) ** 2).sum() / (2.0 * parts.sigma**2)
    return float(prior - parts.n_samples / m * likelihood)


def loss_gradient(theta: np.ndarray, parts: LossParts) -> np.ndarray:
    """∇f(θ), shape (K, I)."""
    w, a_slope, log_p = _potentials(theta, parts)
    m, k = parts.x.shape[0], theta.shape[0]
    err = np.eye(k)[parts.labels] - np.exp(log_p)          # Θ{h_n = k} − p_nk, (M, K)
    # Σ_n err_nk (x_ni − a'_ki) = (errᵀ x)_ki − a'_ki Σ_n err_nk
    drive = err.T @ parts.x - a_slope * err.sum(axis=0)[:, None]
    return (theta - parts.mu) / parts.sigma**2 - parts.n_samples / m * w * drive


def hessian(theta: np.ndarray, parts: LossParts) -> np.ndarray:
    """∇²f(θ), (K·I, K·I), exactly. With G_nki = w_ki (x_ni − a'_ki) = ∂u_nk/∂θ_ki and
    g''_nki = w_ki x_ni − a'_ki w_ki (w_ki + 1) = ∂²u_nk/∂θ_ki²,

        ∇²f = I/σ² + (N/M) Σ_n [(diag p_n − p_n p_nᵀ) ⊗ G_n G_nᵀ + diag((p_n − e_{h_n}) g''_n)]

    (output k's row of G paired with output l's)."""
    w, a_slope, log_p = _potentials(theta, parts)
    m, k = parts.x.shape[0], theta.shape[0]
    n_in = theta.shape[1]
    p = np.exp(log_p)                                                  # (M, K)
    g1 = w[None] * (parts.x[:, None, :] - a_slope[None])               # (M, K, I)
    g2 = w[None] * parts.x[:, None, :] - (a_slope * w * (w + 1.0))[None]
    weighted = (p[:, :, None] * g1).reshape(m, k * n_in)
    out = -weighted.T @ weighted                                       # −Σ p_k p_l G G
    for j in range(k):
        block = (g1[:, j, :] * p[:, j, None]).T @ g1[:, j, :]          # Σ p_k G G (k = l)
        out[j * n_in:(j + 1) * n_in, j * n_in:(j + 1) * n_in] += block
    err = p - np.eye(k)[parts.labels]
    out *= parts.n_samples / m
    out[np.diag_indices_from(out)] += (parts.n_samples / m * (err[:, :, None] * g2).sum(0)
                                       ).ravel() + 1.0 / parts.sigma**2
    return out


def hessian_by_differences(theta: np.ndarray, parts: LossParts, h: float = 1e-5) -> np.ndarray:
    """∇²f(θ) by central differences of ``loss_gradient``, symmetrised (checks ``hessian``)."""
    flat = theta.ravel().astype(float)
    n = flat.size
    out = np.empty((n, n))
    for j in range(n):
        up, down = flat.copy(), flat.copy()
        up[j] += h
        down[j] -= h
        out[j] = (loss_gradient(up.reshape(theta.shape), parts)
                  - loss_gradient(down.reshape(theta.shape), parts)).ravel() / (2.0 * h)
    return 0.5 * (out + out.T)


@dataclass(frozen=True)
class Curvature:
    """The spectrum of ∇²f at ``theta``: ``eigenvalues`` ascending, ``vectors`` (n, n) as
    columns, and the gradient's norm there (0 at a stationary point)."""

    theta: np.ndarray
    eigenvalues: np.ndarray
    vectors: np.ndarray
    gradient_norm: float

    @property
    def n_negative(self) -> int:
        return int((self.eigenvalues < 0).sum())

    def plane(self) -> np.ndarray:
        """The two directions of least curvature, (2, K, I) unit vectors."""
        return self.vectors[:, :2].T.reshape(2, *self.theta.shape)


def curvature(theta: np.ndarray, parts: LossParts) -> Curvature:
    """The Hessian's spectrum at ``theta`` (refused above 4,000 synapses: a dense eigen-
    decomposition of that size takes minutes)."""
    if theta.size > 4000:
        raise ValueError(f"the Hessian of {theta.size:,} synapses is too large to decompose "
                         "here; use at most 4,000 (fewer inputs or outputs)")
    values, vectors = np.linalg.eigh(hessian(theta, parts))
    return Curvature(theta, values, vectors, float(np.linalg.norm(loss_gradient(theta, parts))))


def loss_plane(centre: np.ndarray, directions: np.ndarray, parts: LossParts,
               extent: float = 2.0, n: int = 41):
    """f on the plane centre + a d₀ + b d₁ for a, b in [−extent, extent]: (a, b, f (n, n))
    with f[j, i] at (a[i], b[j])."""
    grid = np.linspace(-extent, extent, n)
    values = np.empty((n, n))
    for j, b in enumerate(grid):
        for i, a in enumerate(grid):
            values[j, i] = loss(centre + a * directions[0] + b * directions[1], parts)
    return grid, grid, values


def project(paths: np.ndarray, centre: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Coordinates (…, 2) of θ's (…, K, I) on the plane through ``centre`` along
    ``directions`` (2, K, I)."""
    delta = paths - centre
    return np.stack([(delta * d).sum(axis=(-2, -1)) for d in directions], axis=-1)


#: Euler–Maruyama first passage off the saddle ½(x² − λy²): the constant of SCIENCE.md's
#: escape-time reference, (1/λ)[ln(r √(2λ) / ε) + 0.635] (γ/2 + ln 2 / 2 ≈ 0.635)
ESCAPE_CONSTANT = 0.635


def predicted_escape_time(epsilon: float, radius: float, curvature: float = 1.0) -> float:
    """Mean time for noisy gradient flow dx = −∇E dt + ε dW started on a saddle to reach
    distance ``radius`` along the direction of curvature −λ (SCIENCE.md, escape times)."""
    return (math.log(radius * math.sqrt(2.0 * curvature) / epsilon) + ESCAPE_CONSTANT) / curvature


def escape_times(epsilons, radius: float = 0.1, n_chains: int = 2000, dt: float = 1e-3,
                 t_max: float = 40.0, seed: int = 0) -> dict:
    """Mean and standard error of the time overdamped Langevin dynamics with noise ε (T = ε²/2)
    started at the strict saddle (0, 0) of x⁴/4 − x²/2 + y²/2 take to reach |x| = ``radius``,
    for each ε, with the linear theory beside (λ = 1; the quartic term slows the last part of
    the way by O(radius²)). Chains that have not escaped by ``t_max`` count as ``t_max``."""
    from .. import samplers

    rows = []
    thin = 10
    n_steps = int(round(t_max / dt / thin)) * thin
    for epsilon in epsilons:
        epsilon = float(epsilon)
        if not (math.isfinite(epsilon) and epsilon > 0):
            raise ValueError(f"noise ε must be a positive number, got {epsilon!r}")
        run = samplers.Langevin(landscape="strict_saddle", step_size=dt,
                                temperature=epsilon**2 / 2, n_chains=n_chains,
                                seed=seed).run(n_steps, start=np.zeros((n_chains, 2)),
                                               thin=thin)
        out = np.abs(run.positions[:, :, 0]) >= radius
        first = np.where(out.any(axis=0), out.argmax(axis=0) * thin * dt, t_max)
        rows.append({"epsilon": epsilon, "mean": float(first.mean()),
                     "se": float(first.std(ddof=1) / math.sqrt(n_chains)),
                     "escaped": float(out.any(axis=0).mean()),
                     "predicted": predicted_escape_time(epsilon, radius)})
    return {"radius": radius, "dt": dt, "rows": rows}
