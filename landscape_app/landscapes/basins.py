"""Basins of attraction of the minima, by steepest descent on a grid of the energy.

Every cell points to the lowest of itself and its eight neighbours; following the pointers ends
in a cell that is a local minimum of the grid, whose basin the cell belongs to. No step size is
involved, so the same code serves landscapes whose energies differ by orders of magnitude.
"""

from dataclasses import dataclass

import numpy as np
from numba import njit

from .base import Landscape, as_points


@njit(cache=True, nogil=True)
def _descent_roots(energy):
    ny, nx = energy.shape
    n = ny * nx
    target = np.empty(n, dtype=np.int64)
    for j in range(ny):
        for i in range(nx):
            best = j * nx + i
            best_e = energy[j, i]
            if not np.isfinite(best_e):
                target[best] = -1
                continue
            for dj in range(-1, 2):
                for di in range(-1, 2):
                    jj = j + dj
                    ii = i + di
                    if 0 <= jj < ny and 0 <= ii < nx:
                        e = energy[jj, ii]
                        k = jj * nx + ii
                        # ties go to the lower index, so a flat bottom drains to one cell
                        if np.isfinite(e) and (e < best_e or (e == best_e and k < best)):
                            best_e = e
                            best = k
            target[j * nx + i] = best
    root = np.empty(n, dtype=np.int64)
    for start in range(n):
        k = start
        while k >= 0 and target[k] != k:
            k = target[k]
        root[start] = k
        # path compression: later walks through these cells stop at once
        k = start
        while k >= 0 and target[k] != k:
            nxt = target[k]
            target[k] = root[start]
            k = nxt
    return root


@dataclass
class BasinMap:
    """Basin labels on a grid over ``window``: labels (ny, nx), −1 where E is not finite.

    ``minima`` (K, 2) are the grid minima (refined positions when a critical point is near),
    ``minimum_energies`` (K,), ``global_label`` the basin of the lowest one.
    """

    window: tuple
    labels: np.ndarray
    minima: np.ndarray
    minimum_energies: np.ndarray

    @property
    def global_label(self) -> int:
        return int(np.argmin(self.minimum_energies)) if len(self.minimum_energies) else -1

    def label_of(self, xy) -> np.ndarray:
        """Basin label of each point (n, 2); −1 outside the window or for NaN points."""
        pts = as_points(xy)
        x0, x1, y0, y1 = self.window
        ny, nx = self.labels.shape
        with np.errstate(invalid="ignore"):
            i = np.floor((pts[:, 0] - x0) / (x1 - x0) * nx)
            j = np.floor((pts[:, 1] - y0) / (y1 - y0) * ny)
        ok = np.isfinite(i) & np.isfinite(j) & (i >= 0) & (i < nx) & (j >= 0) & (j < ny)
        out = np.full(len(pts), -1, dtype=np.int64)
        out[ok] = self.labels[j[ok].astype(np.int64), i[ok].astype(np.int64)]
        return out


def basin_map(landscape: Landscape, window=None, resolution: int = 200,
              critical_points=None) -> BasinMap:
    """The basins of ``landscape`` over ``window`` on a ``resolution``² grid."""
    window = tuple(float(v) for v in (landscape.window if window is None else window))
    xs, ys, energy = landscape.grid(resolution, resolution, window)
    roots = _descent_roots(np.ascontiguousarray(energy))
    unique_roots = np.unique(roots[roots >= 0])
    ry, rx = np.unravel_index(unique_roots, energy.shape)
    positions = np.column_stack([xs[rx], ys[ry]]) if len(unique_roots) else np.zeros((0, 2))
    root_energy = energy[ry, rx] if len(unique_roots) else np.zeros(0)
    # grid minima within two cells of a true minimum are that minimum (a minimum between grid
    # points can leave two grid cells as local minima)
    cell = max((window[1] - window[0]) / resolution, (window[3] - window[2]) / resolution)
    exact = [c for c in (critical_points or []) if c.kind == "minimum"]
    keys, minima, energies, root_label = [], [], [], {}
    for k, (pos, e) in enumerate(zip(positions, root_energy, strict=True)):
        near = [c for c in exact if np.hypot(c.x - pos[0], c.y - pos[1]) < 2 * cell]
        key = (near[0].x, near[0].y) if near else ("grid", k)
        if key not in keys:
            keys.append(key)
            minima.append((near[0].x, near[0].y) if near else tuple(pos))
            energies.append(near[0].energy if near else e)
        root_label[int(unique_roots[k])] = keys.index(key)
    labels = np.array([root_label.get(int(r), -1) for r in roots],
                      dtype=np.int64).reshape(energy.shape)
    return BasinMap(window, labels, np.asarray(minima, dtype=float).reshape(-1, 2),
                    np.asarray(energies, dtype=float))
