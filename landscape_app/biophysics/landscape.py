"""A fit's loss over a grid of two parameters, in row blocks through the sweep layer
(``sweeps.run_sweep``: a LocalCluster, a scheduler by address, or in-process; docs/stiff.md).

Each block is one call of the fit's vectorised loss kernel on whole rows of the grid, so the
result is the same on every engine: L[j, i] = fit((x_i, y_j)).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ..limits import check_memory, count
from ..sweeps import run_sweep

#: the grid points one sweep point scores (about 0.5 s of one core for 1 s traces)
BLOCK_POINTS = 1200
#: the most solver steps of one landscape in all (points × ``fit.steps_per_run``): ~7 min of
#: one core
MAX_LANDSCAPE_STEPS = 2e10


def _block_losses(fit, block: np.ndarray) -> np.ndarray:
    return fit(block)


def loss_landscape(fit, x, y, scheduler: str | None = "serial", progress=None) -> np.ndarray:
    """The loss (len(y), len(x)) of ``fit`` (two fitted parameters) at every (x_i, y_j).
    ``scheduler``: where the blocks run (``sweeps.cluster``: ``"serial"`` here by default,
    ``None`` for the process's default engine, ``"local"`` or an address). A diverged point
    is NaN; a block that fails raises a ``RuntimeError`` naming it."""
    if len(fit.fitted) != 2:
        raise ValueError(f"a landscape needs a fit of two parameters, got {fit.fitted!r}")
    x, y = (np.asarray(v, dtype=float).ravel() for v in (x, y))
    for name, values in (("x", x), ("y", y)):
        count(values.size, f"grid points along {name}", 2, 2000)
    check_memory(8.0 * x.size * y.size * 3, "the landscape", "a coarser grid")
    if x.size * y.size * fit.steps_per_run > MAX_LANDSCAPE_STEPS:
        raise ValueError(f"{x.size} × {y.size} points × {fit.steps_per_run} steps exceed the "
                         f"landscape budget of {MAX_LANDSCAPE_STEPS:.0e} steps: a coarser grid "
                         "or a shorter trace")
    points = np.stack(np.meshgrid(x, y, indexing="xy"), axis=-1).reshape(-1, 2)
    fit.parameters(points[:1])  # refuses NaN, negative conductances before any block runs
    rows = max(1, BLOCK_POINTS // x.size)
    blocks = [points[j * x.size:(j + rows) * x.size] for j in range(0, y.size, rows)]
    result = run_sweep(partial(_block_losses, fit), blocks, scheduler=scheduler,
                       progress=progress)
    result.raise_failures([f"rows from y = {block[0, 1]:g}" for block in blocks])
    return np.concatenate(result.values).reshape(y.size, x.size)
