"""The explorer's live diagnostics of a window of recent samples, and basin exits.

* the total-variation distance between the pooled recent samples and the exact Boltzmann density
  p_T on the page's grid, and its Monte-Carlo noise floor (docs/science.md section 2);
* the marginal histograms of x and y against the exact marginals;
* the bulk ESS and R̂ of the window (ArviZ), scaled to the live chains;
* ``BasinExits``: the step at which each chain first left the basin it started in.
"""

import math

import numpy as np

from ...samplers.diagnostics import arviz_ready, ess_and_rhat

#: chains handed to ArviZ at most (its cost grows with them; the ESS is scaled back up)
ESS_CHAINS = 500


def pooled(window: np.ndarray) -> np.ndarray:
    """The finite points of a (records, chains, 2) window, pooled: (n, 2)."""
    points = window.reshape(-1, 2)
    return points[np.all(np.isfinite(points), axis=1)]


def tv_to_exact(grid, points: np.ndarray) -> float:
    """TV between ``points`` and the exact density ``grid`` (NaN without either)."""
    if grid is None or not len(points):
        return math.nan
    return grid.tv_distance(points)


def marginals(grid, points: np.ndarray, window) -> dict:
    """Per axis ("x", "y"): (bin edges, sample fractions, exact fractions or None).

    Without an exact density (T = 0) the bins are 50 across the view ``window``."""
    if grid is not None:
        sx, sy = grid.marginal_histograms(points) if len(points) else (None, None)
        return {"x": (grid.x_edges, sx, grid.marginal_x), "y": (grid.y_edges, sy, grid.marginal_y)}
    x0, x1, y0, y1 = window
    out = {}
    for axis, lo, hi, col in (("x", x0, x1, 0), ("y", y0, y1, 1)):
        edges = np.linspace(lo, hi, 51)
        counts = np.histogram(points[:, col], bins=edges)[0] if len(points) else np.zeros(50)
        out[axis] = (edges, counts / max(counts.sum(), 1), None)
    return out


def ess_of_window(draws: np.ndarray, block: bool = True) -> tuple[float, float]:
    """(bulk ESS, R̂) of a (records, chains, 2) window: min ESS / max R̂ over the coordinates.

    Chains that stopped are left out; at most ``ESS_CHAINS`` are measured and the ESS scaled by
    the live chains' number. With ``block=False``, NaNs while ArviZ is still being imported.
    """
    if not block and not arviz_ready():
        return math.nan, math.nan
    live = np.all(np.isfinite(draws), axis=(0, 2))
    draws = draws[:, live]
    if draws.shape[0] < 4 or draws.shape[1] < 1:
        return math.nan, math.nan
    draws = draws[:, :ESS_CHAINS]
    values = [ess_and_rhat(draws[:, :, k].T) for k in range(2)]
    scale = live.sum() / draws.shape[1]
    return min(v[0] for v in values) * scale, max(v[2] for v in values)


class BasinExits:
    """When each chain first left its start basin (−1: not yet), from the records it is shown.

    ``basins`` is the landscape's ``BasinMap``; ``starts`` (chains, 2) the chains' starts.
    """

    def __init__(self, basins, starts: np.ndarray):
        self.basins = basins
        self.start_labels = basins.label_of(starts)
        self.exit_step = np.full(len(starts), -1, dtype=np.int64)

    def update(self, steps: np.ndarray, positions: np.ndarray) -> None:
        """Records at ``steps`` (k,) with ``positions`` (k, chains, 2)."""
        pending = self.exit_step < 0
        if not pending.any() or not len(steps):
            return
        shown = positions[:, pending]
        labels = self.basins.label_of(shown.reshape(-1, 2)).reshape(shown.shape[:2])
        left = (labels != self.start_labels[pending]) & (labels >= 0)
        has_left = left.any(axis=0)
        first = left.argmax(axis=0)
        self.exit_step[np.flatnonzero(pending)[has_left]] = steps[first[has_left]]

    def statistics(self, positions: np.ndarray) -> dict:
        """Fractions in the global basin (now) and gone from the start basin, mean exit step."""
        labels = self.basins.label_of(positions)
        live = np.all(np.isfinite(positions), axis=1)
        in_global = (float(np.mean(labels[live] == self.basins.global_label)) if live.any()
                     else math.nan)
        left = self.exit_step >= 0
        return {
            "fraction_in_global_basin": in_global,
            "fraction_left_start_basin": float(left.mean()),
            "mean_exit_step": float(self.exit_step[left].mean()) if left.any() else math.nan,
        }
