"""Searching rule coefficients (seed 002 with seed 004's estimator; docs/plasticity.md).

``evolve``: antithetic evolution strategy over the searched coefficients θ (the rest fixed),
with centred-rank shaping and Adam —

    ĝ = (1 / (2Pσ)) Σᵢ [ρ(L(θ + σεᵢ)) − ρ(L(θ − σεᵢ))] εᵢ,   εᵢ ~ N(0, I),

ρ the centred ranks of the 2P losses in [−½, ½] (robust to a diverged rule's plateau), then
Adam on ĝ (β₁ = 0.9, β₂ = 0.999). ``cma_search``: CMA-ES from the ``cma`` library on the same
loss. Both evaluate a whole population in one call of the loss (one kernel call).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..kernels.plasticity import N_COEFFICIENTS
from ..limits import count, finite, seed_value


@dataclass
class SearchHistory:
    """Per generation: ``coefficients`` (G + 1, 27 per rule) the mean (ES) or best-so-far (CMA)
    rule, ``loss`` its meta-loss, ``evaluations`` the losses computed so far."""

    coefficients: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)
    population: list = field(default_factory=list)

    def arrays(self):
        return np.array(self.coefficients), np.array(self.loss)

    @property
    def best(self) -> np.ndarray:
        coefficients, loss = self.arrays()
        return coefficients[int(np.argmin(loss))]


def _searched(indices, start):
    """The searched indices and the full start: one rule (27 coefficients) or several side
    by side (a network's pair [A | B]: 54)."""
    start = np.zeros(N_COEFFICIENTS) if start is None else np.array(start, dtype=float)
    if (start.ndim != 1 or start.size == 0 or start.size % N_COEFFICIENTS
            or not np.all(np.isfinite(start))):
        raise ValueError(f"the start must be finite coefficients, {N_COEFFICIENTS} per rule, "
                         f"got shape {start.shape}")
    indices = np.arange(start.size) if indices is None else np.asarray(indices, int)
    if indices.ndim != 1 or indices.size == 0 or len(set(indices.tolist())) != indices.size \
            or indices.min() < 0 or indices.max() >= start.size:
        raise ValueError(f"searched coefficients must be distinct indices in "
                         f"0..{start.size - 1}, got {indices.tolist()}")
    return indices, start


def centred_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks of ``values`` mapped linearly onto [−½, ½] (ties by order)."""
    ranks = np.empty(values.size)
    ranks[np.argsort(values, kind="stable")] = np.arange(values.size)
    return ranks / max(values.size - 1, 1) - 0.5


def evolve(loss, indices=None, start=None, sigma: float = 0.1, pairs: int = 16,
           learning_rate: float = 0.03, generations: int = 300, seed: int = 0,
           callback=None) -> SearchHistory:
    """Antithetic ES with rank shaping and Adam; ``loss`` maps (R, 27) rules to (R,)."""
    indices, theta = _searched(indices, start)
    sigma = finite(sigma, "σ", 0.0, low_open=True)
    pairs = count(pairs, "population (antithetic pairs)", 1, 100_000)
    learning_rate = finite(learning_rate, "learning rate", 0.0, low_open=True)
    generations = count(generations, "generations", 0, 1_000_000)
    rng = np.random.default_rng(np.random.SeedSequence([seed_value(seed), 0xE5]))
    m, s = np.zeros(indices.size), np.zeros(indices.size)
    history = SearchHistory()
    for g in range(generations + 1):
        eps = rng.standard_normal((pairs, indices.size))
        rules = np.tile(theta, (2 * pairs + 1, 1))
        rules[1:pairs + 1, indices] += sigma * eps
        rules[pairs + 1:, indices] -= sigma * eps
        values = loss(rules)
        history.coefficients.append(theta.copy())
        history.loss.append(float(values[0]))
        history.evaluations.append((g + 1) * (2 * pairs + 1))
        history.population.append(rules[1:, indices].copy())
        if callback is not None:
            callback(history)
        if g == generations:
            break
        ranks = centred_ranks(values[1:])
        ghat = ((ranks[:pairs] - ranks[pairs:]) @ eps) / (2 * pairs * sigma)
        m = 0.9 * m + 0.1 * ghat
        s = 0.999 * s + 0.001 * ghat ** 2
        m_hat, s_hat = m / (1 - 0.9 ** (g + 1)), s / (1 - 0.999 ** (g + 1))
        theta = theta.copy()
        theta[indices] -= learning_rate * m_hat / (np.sqrt(s_hat) + 1e-8)
    return history


def cma_search(loss, indices=None, start=None, sigma: float = 0.3, population: int = 16,
               generations: int = 100, seed: int = 0, callback=None) -> SearchHistory:
    """CMA-ES (``cma.CMAEvolutionStrategy``) over the searched coefficients."""
    import cma

    indices, base = _searched(indices, start)
    sigma = finite(sigma, "σ", 0.0, low_open=True)
    population = count(population, "population", 2, 100_000)
    generations = count(generations, "generations", 0, 1_000_000)
    strategy = cma.CMAEvolutionStrategy(
        base[indices], sigma, {"popsize": population, "seed": seed_value(seed) + 1,
                               "verbose": -9, "maxiter": generations + 1,
                               "tolfun": 0, "tolx": 0, "tolfunhist": 0})
    history = SearchHistory()
    best_rule, best_loss, done = base.copy(), float(loss(base[None])[0]), 1
    history.coefficients.append(best_rule.copy())
    history.loss.append(best_loss)
    history.evaluations.append(done)
    history.population.append(np.empty((0, indices.size)))
    for _ in range(generations):
        candidates = np.array(strategy.ask())
        rules = np.tile(base, (len(candidates), 1))
        rules[:, indices] = candidates
        values = loss(rules)
        strategy.tell(list(candidates), values.tolist())
        done += len(candidates)
        k = int(np.argmin(values))
        if values[k] < best_loss:
            best_rule, best_loss = rules[k].copy(), float(values[k])
        history.coefficients.append(best_rule.copy())
        history.loss.append(best_loss)
        history.evaluations.append(done)
        history.population.append(candidates)
        if callback is not None:
            callback(history)
    return history
