"""What the synaptic-sampling dynamics should do, computed without simulating them
(docs/synaptic_sampling.md; SCIENCE.md section 1).

- Escape from a saddle of the expected reward, linearised, no noise: along a direction of
  curvature λ > 0 the deviation grows as e^{st} with s = β c λ (plain), or with s the positive
  root of s² + s/τ_g − β c_g λ = 0 (CaMKII filter).
- The density plain synaptic sampling samples: with exact gradient and noise √(2Tβ) on θ,
  p(θ) ∝ exp([−c_p |θ − μ|²/2 + c R(θ)] / T) on the box [θ_min, θ_max]² (a reflecting box: the
  clip keeps θ inside), i.e. p*(θ)^{1/T} with p* ∝ p_S(θ) e^{c R(θ)}.
"""

from __future__ import annotations

import math

import numpy as np

from .task import RewardTask


def escape_rate(beta: float, gain: float, curvature: float, tau_g: float | None = None) -> float:
    """Growth rate of a deviation along an unstable direction (curvature λ > 0) of the reward."""
    if tau_g is None or tau_g <= 0:
        return beta * gain * curvature
    a = 1.0 / tau_g
    return (-a + math.sqrt(a * a + 4.0 * beta * gain * curvature)) / 2.0


def estimate_gain(tau_e: float, tau_b: float) -> float:
    """E[G] / ∂R/∂θ of the networks' estimate G = (r − r̄) e. The running baseline r̄ (rate
    1/τ_b) holds past rewards, which correlate with the older terms of the eligibility trace
    (decay a = 1 − 1/τ_e): with b = 1 − 1/τ_b, E[G] = (1 − a / (τ_b (1 − ab))) ∂R/∂θ,
    ≈ τ_b / (τ_e + τ_b) (0.85 at τ_e = 10, τ_b = 50)."""
    a, b = 1.0 - 1.0 / tau_e, 1.0 - 1.0 / tau_b
    return 1.0 - a / (tau_b * (1.0 - a * b))


def weights(theta, w0: float, theta0: float):
    return np.where(theta > 0, w0 * np.exp(theta - theta0), 0.0)


def expected_reward(task: RewardTask, theta: np.ndarray, w0: float, theta0: float):
    """R(θ) for θ of shape (..., n_out, n_in): Σ_c p_c Σ_k softmax(u(c))_k R[c, k]."""
    w = weights(theta, w0, theta0)
    drive = np.einsum("...ki,ci->...ck", w, task.inputs) + task.bias
    drive -= drive.max(axis=-1, keepdims=True)
    pi = np.exp(drive)
    pi /= pi.sum(axis=-1, keepdims=True)
    return np.einsum("...ck,ck,c->...", pi, task.rewards, task.cue_probs)


def pair_indices(task: RewardTask) -> list[tuple[int, int]]:
    """The first two plastic synapses (row-major): the axes of the 2-D landscape."""
    pairs = [tuple(int(v) for v in ix) for ix in np.argwhere(task.plastic)]
    if len(pairs) != 2:
        raise ValueError(f"task {task.name!r} has {len(pairs)} plastic synapses; the 2-D "
                         "landscape needs exactly two")
    return pairs


def reward_grid(model, n_grid: int = 201):
    """(axis, R) on an n_grid² grid over the box of the task's two plastic synapses."""
    task = model.the_task()
    (ka, ia), (kb, ib) = pair_indices(task)
    axis = np.linspace(model.theta_min, model.theta_max, int(n_grid))
    theta = np.broadcast_to(task.fixed_theta, (n_grid, n_grid) + task.shape).copy()
    theta[:, :, ka, ia] = axis[:, None]
    theta[:, :, kb, ib] = axis[None, :]
    return axis, expected_reward(task, theta, model.w0, model.theta0)


def log_target(model, n_grid: int = 201, temperature: float | None = None):
    """(axis, log p) of plain synaptic sampling at ``temperature`` (default: the model's),
    up to a constant: [−c_p |θ − μ|²/2 + c R(θ)] / T with c the effective gain (c, or
    c_g τ_g)."""
    axis, reward = reward_grid(model, n_grid)
    temperature = model.temperature if temperature is None else temperature
    if temperature <= 0:
        raise ValueError("the stationary density needs T > 0")
    a, b = np.meshgrid(axis, axis, indexing="ij")
    prior = -model.c_prior * ((a - model.mu) ** 2 + (b - model.mu) ** 2) / 2.0
    return axis, (prior + model.effective_gain * reward) / temperature


def cell_probabilities(model, n_cells: int = 70) -> tuple[np.ndarray, np.ndarray]:
    """(edges, P) the probability of each of n_cells² cells of the box under the target,
    by the midpoint rule on a 5× finer grid."""
    fine = 5
    n_grid = n_cells * fine
    edges = np.linspace(model.theta_min, model.theta_max, n_cells + 1)
    centres_axis = (np.arange(n_grid) + 0.5) / n_grid
    axis = model.theta_min + (model.theta_max - model.theta_min) * centres_axis
    task = model.the_task()
    (ka, ia), (kb, ib) = pair_indices(task)
    theta = np.broadcast_to(task.fixed_theta, (n_grid, n_grid) + task.shape).copy()
    theta[:, :, ka, ia] = axis[:, None]
    theta[:, :, kb, ib] = axis[None, :]
    reward = expected_reward(task, theta, model.w0, model.theta0)
    a, b = np.meshgrid(axis, axis, indexing="ij")
    logp = (-model.c_prior * ((a - model.mu) ** 2 + (b - model.mu) ** 2) / 2.0
            + model.effective_gain * reward) / model.temperature
    p = np.exp(logp - logp.max())
    p = p.reshape(n_cells, fine, n_cells, fine).sum(axis=(1, 3))
    return edges, p / p.sum()


def total_variation(points: np.ndarray, edges: np.ndarray, probabilities: np.ndarray) -> float:
    """TV distance between the histogram of ``points`` (n, 2) on ``edges`` and the cells'
    probabilities: ½ Σ |p̂ − p|."""
    counts, _, _ = np.histogram2d(points[:, 0], points[:, 1], bins=[edges, edges])
    return 0.5 * float(np.abs(counts / max(counts.sum(), 1) - probabilities).sum())


def modes(model, n_grid: int = 351) -> list[dict]:
    """The local maxima of the plain target's log p on the grid, best first:
    {"theta": (θ_a, θ_b), "log_p": …, "reward": R}."""
    from scipy.ndimage import maximum_filter

    axis, logp = log_target(model, n_grid)
    _, reward = reward_grid(model, n_grid)
    peak = (logp == maximum_filter(logp, size=max(3, n_grid // 25), mode="nearest"))
    found = [{"theta": (float(axis[i]), float(axis[j])), "log_p": float(logp[i, j]),
              "reward": float(reward[i, j])} for i, j in np.argwhere(peak)]
    return sorted(found, key=lambda m: -m["log_p"])
