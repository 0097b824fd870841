"""Many starts at once: a grid of u(0) over the plane of two neurons, each solved and classified."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..sweeps import run_sweep


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


def solve_start(model, start, restarts: int, seed: int):
    """(outcome, u_∞, J, trajectory) of one start: a sweep point of ``multistart``."""
    solution = model.solve(start, restarts=restarts, seed=seed)
    return solution.outcome, solution.u_inf, solution.cost, solution.u


def multistart(model, grid: int = 5, window: float = 1.5, restarts: int = 2, seed: int = 0,
               progress=None, scheduler: str | None = None) -> Multistart:
    """Solve from every point of a ``grid`` × ``grid`` lattice on [−window, window]², one
    start per sweep point (``sweeps.run_sweep`` on ``scheduler``: a local Dask cluster by
    default); ``progress(fraction)`` as they finish."""
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
    point = partial(solve_start, model.detached(), restarts=restarts, seed=seed)
    sweep = run_sweep(point, list(starts), scheduler=scheduler, progress=progress)
    sweep.raise_failures([f"u(0) = ({x:.2f}, {y:.2f})" for x, y in starts])
    outcomes, ends, costs, paths = zip(*sweep.values, strict=True)
    return Multistart(starts, list(outcomes), np.array(ends), np.array(costs), np.array(paths))
