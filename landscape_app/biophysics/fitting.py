"""The two ways to fit a simulation's parameters that seed 004 races (docs/stiff.md): gradient
descent on the exact gradient of the discretised simulation (Adam), and the antithetic
evolution strategy (``plasticity.search.EvolutionStrategy``: forward passes only, rank shaping,
Adam), which descends the loss smoothed by a Gaussian of width σ,

    L_σ(θ) = E_ε[L(θ + σε)],   ∇L_σ ≈ (1/2Pσ) Σᵢ [L(θ + σεᵢ) − L(θ − σεᵢ)] εᵢ,

so it steps over minima narrower than σ where the gradient stops in the first one. Both run
many starts at once: one simulation call per step scores every start's rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..limits import count, finite, seed_value
from ..plasticity.search import EvolutionStrategy


@dataclass
class FitPaths:
    """Per step (rows) and start (columns): ``values`` (steps + 1, K, G) the parameters,
    ``loss`` (steps + 1, K) their loss, ``evaluations`` (steps + 1,) forward simulations per
    start so far (a gradient step is one simulation carrying its sensitivities)."""

    values: np.ndarray
    loss: np.ndarray
    evaluations: np.ndarray

    def final(self) -> np.ndarray:
        return self.values[-1]


def _starts(fit, starts) -> np.ndarray:
    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    if starts.ndim != 2 or starts.shape[1] != len(fit.fitted) or starts.shape[0] < 1:
        raise ValueError(f"starts must be (K, {len(fit.fitted)}), got shape {starts.shape}")
    fit.parameters(starts)  # refuses NaN, negative conductances, …
    return starts


class Adam:
    """Adam's step (Kingma & Ba 2015, β₁ = 0.9, β₂ = 0.999): with m ← β₁m + (1 − β₁)g and
    s ← β₂s + (1 − β₂)g², the step is −rate · m̂/(√ŝ + 1e-8) (m̂, ŝ bias-corrected): about
    ``rate`` per coordinate whatever the gradient's scale — which is why it takes a loss whose
    gradient spans 1e-3 to 1e3 (docs/stiff.md)."""

    def __init__(self, shape, learning_rate: float):
        self.rate = finite(learning_rate, "learning rate", 0.0, low_open=True)
        self.m, self.s = np.zeros(shape), np.zeros(shape)
        self.k = 0

    def step(self, gradient) -> np.ndarray:
        """The change of the parameters for ``gradient`` (NaN entries count as 0)."""
        g = np.nan_to_num(np.asarray(gradient, dtype=float), nan=0.0)
        self.k += 1
        self.m = 0.9 * self.m + 0.1 * g
        self.s = 0.999 * self.s + 0.001 * g * g
        return -self.rate * (self.m / (1 - 0.9 ** self.k)) / (
            np.sqrt(self.s / (1 - 0.999 ** self.k)) + 1e-8)


def gradient_descent(fit, starts, steps: int = 100, learning_rate: float = 0.5,
                     bounds=None) -> FitPaths:
    """Adam on ``fit.evaluate``'s exact gradient from each start; ``bounds`` (G, 2) clip the
    parameters (a step may not leave the physical range). A diverged run keeps its last
    parameters and scores NaN."""
    values = _starts(fit, starts).copy()
    steps = count(steps, "steps", 0, 100_000)
    adam = Adam(values.shape, learning_rate)
    path, losses = [values.copy()], []
    for k in range(steps + 1):
        result = fit.evaluate(values)
        losses.append(result["loss"])
        if k == steps:
            break
        values = values + adam.step(result["gradient"])
        if bounds is not None:
            values = np.clip(values, np.asarray(bounds)[:, 0], np.asarray(bounds)[:, 1])
        path.append(values.copy())
    return FitPaths(np.array(path), np.array(losses), np.arange(steps + 1, dtype=float))


def evolution_strategy(fit, starts, sigma: float = 6.0, pairs: int = 4,
                       generations: int = 100, learning_rate: float = 0.5, seed: int = 0,
                       bounds=None) -> FitPaths:
    """The antithetic ES from each start (its own stream: seed, start index); every start's
    population is scored in one simulation call per generation. ``loss`` is the mean's."""
    starts = _starts(fit, starts)
    count(generations, "generations", 0, 100_000)
    seed = seed_value(seed)
    strategies = [EvolutionStrategy(None, start, sigma, pairs, learning_rate, seed + k,
                                    block=starts.shape[1]) for k, start in enumerate(starts)]
    size = 2 * strategies[0].pairs + 1
    path, losses = [], []
    for g in range(generations + 1):
        rules = np.vstack([e.ask() for e in strategies])
        if bounds is not None:
            rules = np.clip(rules, np.asarray(bounds)[:, 0], np.asarray(bounds)[:, 1])
        values = fit(rules)
        # a diverged member scores worse than every finite one (ranks need an order)
        values = np.where(np.isfinite(values), values, np.inf)
        path.append(np.array([e.theta for e in strategies]))
        losses.append(values[::size].copy())
        for k, e in enumerate(strategies):
            e.tell(values[k * size:(k + 1) * size])
        if g < generations:
            for e in strategies:
                e.update()
    losses = np.array(losses)
    return FitPaths(np.array(path), np.where(np.isfinite(losses), losses, np.nan),
                    np.arange(generations + 1, dtype=float) * size)
