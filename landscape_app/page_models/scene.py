"""A landscape together with what is derived from it, computed once and shared.

Critical points, basins, suggested settings, energy grids and exact densities are all functions
of the landscape alone; the explorer and every column of the comparison ask for them again and
again, so they are cached here and invalidated when a landscape parameter changes.
"""

from collections import OrderedDict

import numpy as np

from ..landscapes.base import Landscape
from ..landscapes.basins import BasinMap, basin_map
from ..landscapes.critical_points import find_critical_points
from ..landscapes.density import BoltzmannGrid
from ..samplers.tuning import suggest_settings


class Scene:
    """``landscape`` plus lazily computed critical points, basins, grids and exact densities."""

    def __init__(self, landscape: Landscape):
        self.landscape = landscape
        self.version = 0
        self._clear()
        # parameters of the landscape (barrier height, …) change everything derived from it
        watched = [p for p in landscape.param if p not in ("name",)]
        landscape.param.watch(lambda *_: self.invalidate(), watched)

    def _clear(self):
        self._critical_points = None
        self._basins = None
        self._suggestions = None
        self._grids = OrderedDict()
        self._exact = OrderedDict()

    def invalidate(self):
        self._clear()
        self.version += 1

    @property
    def window(self) -> tuple:
        return tuple(float(v) for v in self.landscape.window)

    @property
    def critical_points(self):
        if self._critical_points is None:
            with np.errstate(all="ignore"):
                self._critical_points = find_critical_points(self.landscape, grid=30)
        return self._critical_points

    @property
    def basins(self) -> BasinMap:
        if self._basins is None or self._basins.window != self.window:
            self._basins = basin_map(self.landscape, resolution=200,
                                     critical_points=self.critical_points)
        return self._basins

    @property
    def suggestions(self) -> dict:
        if self._suggestions is None:
            self._suggestions = suggest_settings(self.landscape, self.critical_points)
        return self._suggestions

    def grid(self, resolution: int = 200, window=None):
        """(xs, ys, E (ny, nx)) on cell centres over ``window`` (default: the landscape's)."""
        window = self.window if window is None else tuple(float(v) for v in window)
        key = (resolution, window)
        if key not in self._grids:
            with np.errstate(all="ignore"):
                self._grids[key] = self.landscape.grid(resolution, resolution, window)
            while len(self._grids) > 8:
                self._grids.popitem(last=False)
        return self._grids[key]

    def gradient_field(self, n: int = 21, window=None):
        """(xs, ys, −∂E/∂x, −∂E/∂y) on an n × n grid: the direction gradient flow moves."""
        x0, x1, y0, y1 = self.window if window is None else window
        xs = np.linspace(x0, x1, n + 2)[1:-1]
        ys = np.linspace(y0, y1, n + 2)[1:-1]
        gx, gy = np.meshgrid(xs, ys)
        with np.errstate(all="ignore"):
            grad = self.landscape.gradient(np.column_stack([gx.ravel(), gy.ravel()]))
        return gx.ravel(), gy.ravel(), -grad[:, 0], -grad[:, 1]

    def exact(self, temperature: float, bins: int = 50) -> BoltzmannGrid | None:
        """The exact Boltzmann grid at ``temperature`` (None at T = 0, where it is a delta)."""
        if not temperature > 0:
            return None
        key = (float(temperature), bins, self.window)
        if key not in self._exact:
            with np.errstate(all="ignore"):
                self._exact[key] = BoltzmannGrid(self.landscape, temperature, bins=bins)
            while len(self._exact) > 16:
                self._exact.popitem(last=False)
        return self._exact[key]
