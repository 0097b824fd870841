"""The exact Boltzmann density p_T(x) ∝ exp(−E(x)/T) on a grid: the ground truth of diagnostics.

Cell probabilities come from the midpoint rule on a grid ``oversample`` times finer than the
bins, summed into the bins: for smooth E the quadrature error is O(h²) of the fine cell size.
The density is normalized over the window, i.e. it is p_T conditioned on the window, and samples
are compared the same way (samples outside the window are counted separately).
"""

import numpy as np

from .base import Landscape, as_points


class BoltzmannGrid:
    """p_T on ``bins`` cells over ``window``, with marginals, moments and distances to samples.

    Attributes: ``x_edges``, ``y_edges`` (bin edges), ``x_centers``, ``y_centers``, ``prob``
    (ny, nx) cell probabilities summing to 1, ``density`` (prob / cell area), ``marginal_x``
    (nx,) and ``marginal_y`` (ny,) probabilities, ``energy_min`` on the fine grid.
    """

    def __init__(self, landscape: Landscape, temperature: float, window=None, bins=50,
                 oversample: int = 6):
        temperature = float(temperature)
        if not np.isfinite(temperature) or temperature <= 0.0:
            raise ValueError(
                f"temperature must be a positive finite number for the exact density, "
                f"got {temperature!r}"
            )
        nx, ny = (bins, bins) if np.isscalar(bins) else bins
        nx, ny = int(nx), int(ny)
        if nx < 1 or ny < 1 or oversample < 1:
            raise ValueError("bins and oversample must be positive")
        self.landscape = landscape
        self.temperature = temperature
        self.window = tuple(float(v) for v in (landscape.window if window is None else window))
        x0, x1, y0, y1 = self.window
        self.x_edges = np.linspace(x0, x1, nx + 1)
        self.y_edges = np.linspace(y0, y1, ny + 1)
        self.x_centers = 0.5 * (self.x_edges[1:] + self.x_edges[:-1])
        self.y_centers = 0.5 * (self.y_edges[1:] + self.y_edges[:-1])
        fx, fy, energy = landscape.grid(nx * oversample, ny * oversample, self.window)
        finite = np.isfinite(energy)
        if not finite.any():
            raise ValueError("the energy is not finite anywhere in the window")
        self.energy_min = float(np.min(energy[finite]))
        with np.errstate(over="ignore", invalid="ignore"):
            weights = np.where(finite, np.exp(-(energy - self.energy_min) / temperature), 0.0)
        cells = weights.reshape(ny, oversample, nx, oversample).sum(axis=(1, 3))
        total = cells.sum()
        self.prob = cells / total
        self.cell_area = (x1 - x0) / nx * (y1 - y0) / ny
        self.density = self.prob / self.cell_area
        self.marginal_x = self.prob.sum(axis=0)
        self.marginal_y = self.prob.sum(axis=1)
        fine_area = self.cell_area / oversample**2
        #: log of Z restricted to the window: log ∫_window exp(−E/T)
        self.log_partition = float(np.log(total * fine_area) - self.energy_min / temperature)
        self._fine_x, self._fine_y = fx, fy
        self._fine_weights = weights / total

    # -- moments ------------------------------------------------------------------------------
    def expectation(self, f) -> float:
        """∫ f p_T over the window, with f(x, y) evaluated on the fine quadrature grid."""
        gx, gy = np.meshgrid(self._fine_x, self._fine_y)
        return float(np.sum(self._fine_weights * f(gx, gy)))

    @property
    def mean(self) -> np.ndarray:
        return np.array([self.expectation(lambda x, y: x), self.expectation(lambda x, y: y)])

    @property
    def second_moments(self) -> np.ndarray:
        return np.array([self.expectation(lambda x, y: x * x),
                         self.expectation(lambda x, y: y * y)])

    # -- comparison with samples ----------------------------------------------------------------
    def histogram(self, samples):
        """(cell fractions (ny, nx) over in-window samples, number in window, number outside)."""
        pts = as_points(samples, "samples")
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        counts, _, _ = np.histogram2d(pts[:, 1], pts[:, 0], bins=[self.y_edges, self.x_edges])
        inside = int(counts.sum())
        outside = len(pts) - inside
        fractions = counts / inside if inside else counts
        return fractions, inside, outside

    def tv_distance(self, samples) -> float:
        """Total-variation distance ½ Σ |p̂ − p| between the samples' histogram and p_T.

        Both are conditioned on the window; NaN when no sample falls inside it.
        """
        fractions, inside, _ = self.histogram(samples)
        if inside == 0:
            return float("nan")
        return float(0.5 * np.abs(fractions - self.prob).sum())

    def tv_null_distribution(self, n_samples: int, repeats: int = 200, seed: int = 0):
        """TV distances of ``repeats`` sets of ``n_samples`` exact independent draws from p_T.

        What a perfect sampler would score at that sample size: the noise floor against which a
        sampler's distance is judged.
        """
        n_samples = int(n_samples)
        if n_samples < 1:
            raise ValueError("n_samples must be at least 1")
        rng = np.random.default_rng(seed)
        flat = self.prob.ravel()
        counts = rng.multinomial(n_samples, flat, size=repeats)
        return 0.5 * np.abs(counts / n_samples - flat).sum(axis=1)

    def tv_noise_floor(self, n_samples: float) -> float:
        """Expected TV of exact independent samples, ½ Σ E|p̂ᵢ − pᵢ| ≈ Σ √(pᵢ(1 − pᵢ)/(2πn))."""
        n = max(float(n_samples), 1.0)
        p = self.prob.ravel()
        return float(np.sum(np.sqrt(p * (1.0 - p) / (2.0 * np.pi * n))))

    def marginal_histograms(self, samples):
        """Sample marginals (x, y) as fractions per bin, comparable to marginal_x, marginal_y."""
        fractions, _, _ = self.histogram(samples)
        return fractions.sum(axis=0), fractions.sum(axis=1)


def exact_density(landscape: Landscape, temperature: float, window=None, bins=50,
                  oversample: int = 6) -> BoltzmannGrid:
    """The exact Boltzmann density of ``landscape`` at ``temperature`` on a grid."""
    return BoltzmannGrid(landscape, temperature, window=window, bins=bins, oversample=oversample)
