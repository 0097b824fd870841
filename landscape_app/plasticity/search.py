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


def _searched(indices, start, block=N_COEFFICIENTS):
    """The searched indices and the full start: one rule (27 coefficients) or several side
    by side (a network's pair [A | B]: 54); ``block``: the coefficients of one rule (4 for
    the spiking level's inhibitory rule)."""
    start = np.zeros(block) if start is None else np.array(start, dtype=float)
    if (start.ndim != 1 or start.size == 0 or start.size % block
            or not np.all(np.isfinite(start))):
        raise ValueError(f"the start must be finite coefficients, {block} per rule, "
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


class EvolutionStrategy:
    """The antithetic ES one generation at a time: ``evaluate(loss)`` scores the mean rule and
    its 2P perturbations (returns the full rules and their losses, the mean's first), then
    ``update()`` moves the mean by Adam on the rank-shaped estimate ĝ."""

    def __init__(self, indices=None, start=None, sigma: float = 0.1, pairs: int = 16,
                 learning_rate: float = 0.03, seed: int = 0, block: int = N_COEFFICIENTS):
        self.indices, self.theta = _searched(indices, start, block)
        self.sigma = finite(sigma, "σ", 0.0, low_open=True)
        self.pairs = count(pairs, "population (antithetic pairs)", 1, 100_000)
        self.learning_rate = finite(learning_rate, "learning rate", 0.0, low_open=True)
        self.rng = np.random.default_rng(np.random.SeedSequence([seed_value(seed), 0xE5]))
        self.m, self.s = np.zeros(self.indices.size), np.zeros(self.indices.size)
        self.generation = 0
        self.evaluations = 0
        self._eps = self._values = None

    def ask(self) -> np.ndarray:
        """This generation's rules: the mean first, then its 2P mirrored perturbations (for
        a caller scoring several searches' populations in one call; then ``tell``)."""
        pairs, indices = self.pairs, self.indices
        self._eps = eps = self.rng.standard_normal((pairs, indices.size))
        rules = np.tile(self.theta, (2 * pairs + 1, 1))
        rules[1:pairs + 1, indices] += self.sigma * eps
        rules[pairs + 1:, indices] -= self.sigma * eps
        return rules

    def tell(self, values) -> np.ndarray:
        """The losses of ``ask()``'s rules, in its order."""
        self._values = values = np.asarray(values, dtype=float)
        if values.shape != (2 * self.pairs + 1,):
            raise ValueError(f"tell takes the {2 * self.pairs + 1} losses of ask's rules, got "
                             f"shape {values.shape}")
        self.evaluations += values.size
        return values

    def evaluate(self, loss):
        rules = self.ask()
        return rules, self.tell(loss(rules))

    def update(self) -> None:
        pairs, g = self.pairs, self.generation
        ranks = centred_ranks(self._values[1:])
        ghat = ((ranks[:pairs] - ranks[pairs:]) @ self._eps) / (2 * pairs * self.sigma)
        self.m = 0.9 * self.m + 0.1 * ghat
        self.s = 0.999 * self.s + 0.001 * ghat ** 2
        m_hat, s_hat = self.m / (1 - 0.9 ** (g + 1)), self.s / (1 - 0.999 ** (g + 1))
        self.theta = self.theta.copy()
        self.theta[self.indices] -= self.learning_rate * m_hat / (np.sqrt(s_hat) + 1e-8)
        self.generation += 1


def evolve(loss, indices=None, start=None, sigma: float = 0.1, pairs: int = 16,
           learning_rate: float = 0.03, generations: int = 300, seed: int = 0,
           callback=None) -> SearchHistory:
    """Antithetic ES with rank shaping and Adam; ``loss`` maps (R, 27) rules to (R,)."""
    strategy = EvolutionStrategy(indices, start, sigma, pairs, learning_rate, seed)
    generations = count(generations, "generations", 0, 1_000_000)
    history = SearchHistory()
    for g in range(generations + 1):
        theta = strategy.theta.copy()
        rules, values = strategy.evaluate(loss)
        history.coefficients.append(theta)
        history.loss.append(float(values[0]))
        history.evaluations.append(strategy.evaluations)
        history.population.append(rules[1:, strategy.indices].copy())
        if callback is not None:
            callback(history)
        if g == generations:
            break
        strategy.update()
    return history


class CMAStrategy:
    """CMA-ES (``cma.CMAEvolutionStrategy``) one generation at a time, keeping the best rule
    found: ``start(loss)`` scores the start, ``step(loss)`` asks, scores and tells one
    population (returns its candidates and their losses)."""

    def __init__(self, indices=None, start=None, sigma: float = 0.3, population: int = 16,
                 seed: int = 0, generations: int = 10**9):
        import cma

        self.indices, self.base = _searched(indices, start)
        sigma = finite(sigma, "σ", 0.0, low_open=True)
        self.population = count(population, "population", 2, 100_000)
        self.strategy = cma.CMAEvolutionStrategy(
            self.base[self.indices], sigma,
            {"popsize": self.population, "seed": seed_value(seed) + 1, "verbose": -9,
             "maxiter": generations + 1, "tolfun": 0, "tolx": 0, "tolfunhist": 0})
        self.best_rule, self.best_loss, self.evaluations = self.base.copy(), np.inf, 0
        self.generation = 0

    def start(self, loss) -> float:
        self.best_loss = float(loss(self.base[None])[0])
        self.evaluations = 1
        return self.best_loss

    def step(self, loss):
        candidates = np.array(self.strategy.ask())
        rules = np.tile(self.base, (len(candidates), 1))
        rules[:, self.indices] = candidates
        values = np.asarray(loss(rules), dtype=float)
        self.strategy.tell(list(candidates), values.tolist())
        self.evaluations += len(candidates)
        k = int(np.argmin(values))
        if values[k] < self.best_loss:
            self.best_rule, self.best_loss = rules[k].copy(), float(values[k])
        self.generation += 1
        return candidates, values


def cma_search(loss, indices=None, start=None, sigma: float = 0.3, population: int = 16,
               generations: int = 100, seed: int = 0, callback=None) -> SearchHistory:
    """CMA-ES (``cma.CMAEvolutionStrategy``) over the searched coefficients."""
    generations = count(generations, "generations", 0, 1_000_000)
    strategy = CMAStrategy(indices, start, sigma, population, seed, generations)
    history = SearchHistory()
    strategy.start(loss)
    history.coefficients.append(strategy.best_rule.copy())
    history.loss.append(strategy.best_loss)
    history.evaluations.append(strategy.evaluations)
    history.population.append(np.empty((0, strategy.indices.size)))
    for _ in range(generations):
        candidates, _ = strategy.step(loss)
        history.coefficients.append(strategy.best_rule.copy())
        history.loss.append(strategy.best_loss)
        history.evaluations.append(strategy.evaluations)
        history.population.append(candidates)
        if callback is not None:
            callback(history)
    return history
