"""Many starts at once: a grid of u(0) over the plane of two neurons, each solved and classified."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Multistart:
    """``starts`` (G², 2), the outcome, the limit u_H and J of each (row-major from the
    bottom-left corner), and the trajectories (G², H + 1, 2)."""

    starts: np.ndarray
    outcomes: list[str]
    ends: np.ndarray
    costs: np.ndarray
    paths: np.ndarray

    def counts(self) -> dict[str, int]:
        return {o: self.outcomes.count(o) for o in dict.fromkeys(self.outcomes)}


def multistart(model, grid: int = 5, window: float = 1.5, restarts: int = 2, seed: int = 0,
               progress=None) -> Multistart:
    """Solve from every point of a ``grid`` × ``grid`` lattice on [−window, window]²;
    ``progress(fraction)`` is called after each start."""
    if model.n_neurons != 2:
        raise ValueError("the multistart grid is drawn for two neurons; "
                         f"this network has {model.n_neurons}")
    if not (isinstance(grid, int | np.integer) and 2 <= grid <= 15):
        raise ValueError(f"grid must be an integer in [2, 15], got {grid!r}")
    if not (np.isfinite(window) and window > 0):
        raise ValueError(f"window must be positive and finite, got {window!r}")
    axis = np.linspace(-window, window, grid)
    xx, yy = np.meshgrid(axis, axis)
    starts = np.column_stack([xx.ravel(), yy.ravel()])
    outcomes, ends, costs, paths = [], [], [], []
    for index, start in enumerate(starts):
        solution = model.solve(start, restarts=restarts, seed=seed)
        outcomes.append(solution.outcome)
        ends.append(solution.u_inf)
        costs.append(solution.cost)
        paths.append(solution.u)
        if progress is not None:
            progress((index + 1) / len(starts))
    return Multistart(starts, outcomes, np.array(ends), np.array(costs), np.array(paths))
