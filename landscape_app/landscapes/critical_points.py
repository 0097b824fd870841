"""Critical points of a landscape: Newton's method on ∇E = 0 from a grid of starts.

Every start runs damped Newton iterations z ← z − α H(z)⁻¹ ∇E(z) (α halved until |∇E| drops),
vectorised over starts; converged points inside the window are deduplicated, polished, and
classified by the eigenvalues of the Hessian: minimum (both > 0), maximum (both < 0), saddle
(opposite signs) or degenerate (an eigenvalue ≈ 0, e.g. the monkey saddle).
"""

from dataclasses import dataclass

import numpy as np

from .base import Landscape


@dataclass(frozen=True)
class CriticalPoint:
    x: float
    y: float
    energy: float
    kind: str  # "minimum" | "saddle" | "maximum" | "degenerate"
    eigenvalues: tuple

    @property
    def position(self) -> np.ndarray:
        return np.array([self.x, self.y])


def _newton_steps(landscape: Landscape, z: np.ndarray, iterations: int,
                  tolerance: float = 0.0) -> np.ndarray:
    """Damped Newton iterations on all rows of z; a row stops once its step is below
    ``tolerance`` (and rows whose Hessian is singular stop where they are)."""
    z = z.copy()
    active = np.arange(len(z))
    for _ in range(iterations):
        if active.size == 0:
            break
        za = z[active]
        g = landscape.gradient(za)
        h = landscape.hessian(za)
        det = h[:, 0, 0] * h[:, 1, 1] - h[:, 0, 1] * h[:, 1, 0]
        usable = np.isfinite(det) & (np.abs(det) > 1e-300) & np.all(np.isfinite(g), axis=1)
        safe_det = np.where(usable, det, 1.0)
        step = np.empty_like(za)
        step[:, 0] = -(h[:, 1, 1] * g[:, 0] - h[:, 0, 1] * g[:, 1]) / safe_det
        step[:, 1] = -(-h[:, 1, 0] * g[:, 0] + h[:, 0, 0] * g[:, 1]) / safe_det
        step[~usable] = 0.0
        norm0 = np.linalg.norm(g, axis=1)
        alpha = np.ones(len(za))
        pending = usable.copy()
        candidate = za.copy()
        for _ in range(12):  # backtracking on |∇E|
            if not pending.any():
                break
            trial = za[pending] + alpha[pending, None] * step[pending]
            norm1 = np.linalg.norm(landscape.gradient(trial), axis=1)
            ok = np.isfinite(norm1) & (norm1 < norm0[pending])
            idx = np.flatnonzero(pending)
            candidate[idx[ok]] = trial[ok]
            pending[idx[ok]] = False
            alpha[pending] *= 0.5
        # a full Newton step is kept even without descent when nothing better was found: near a
        # degenerate point |∇E| can stall while the iterates still converge
        stalled = pending & usable
        candidate[stalled] = za[stalled] + step[stalled]
        z[active] = candidate
        moved = np.linalg.norm(candidate - za, axis=1)
        active = active[usable & (moved > tolerance)]
    return z


def find_critical_points(landscape: Landscape, window=None, grid: int = 40,
                         iterations: int = 60) -> list[CriticalPoint]:
    """Minima, saddles, maxima (and degenerate points) of ``landscape`` inside ``window``.

    ``grid`` × ``grid`` starts cover the window; the result is sorted by energy. Locations are
    converged to ~1e-10 of the window size, far inside the 1e-4 the reference tables need.
    """
    x0, x1, y0, y1 = landscape.window if window is None else window
    scale = max(x1 - x0, y1 - y0)
    xs = x0 + (np.arange(grid) + 0.5) * (x1 - x0) / grid
    ys = y0 + (np.arange(grid) + 0.5) * (y1 - y0) / grid
    gx, gy = np.meshgrid(xs, ys)
    starts = np.column_stack([gx.ravel(), gy.ravel()])
    with np.errstate(all="ignore"):
        z = _newton_steps(landscape, starts, iterations, tolerance=1e-13 * scale)
        grad = landscape.gradient(z)
        energy = landscape.energy(z)
        gnorm = np.linalg.norm(grad, axis=1)
        # a zero of ∇E up to rounding: relative to the gradient's size over the window
        typical = np.nanmedian(np.linalg.norm(landscape.gradient(starts), axis=1)) + 1e-300
    margin = 1e-9 * scale
    inside = (
        (z[:, 0] >= x0 - margin) & (z[:, 0] <= x1 + margin)
        & (z[:, 1] >= y0 - margin) & (z[:, 1] <= y1 + margin)
    )
    converged = np.isfinite(energy) & inside & (gnorm <= 1e-7 * typical)
    points = z[converged][np.argsort(energy[converged])]
    if len(points) == 0:
        return []
    # keep the first (lowest) of every cluster of points closer than 1e-6 of the window;
    # converged starts land on at most a few hundred distinct points, so the pairwise
    # distances of the distinct rounded points are cheap
    keys = np.round(points / (1e-7 * scale))
    _, first = np.unique(keys, axis=0, return_index=True)
    candidates = points[np.sort(first)]
    close = np.linalg.norm(candidates[:, None] - candidates[None], axis=2) < 1e-6 * scale
    duplicate = np.triu(close, k=1).any(axis=0)
    found = candidates[~duplicate]
    with np.errstate(all="ignore"):
        found = _newton_steps(landscape, found, 5)
    hess = landscape.hessian(found)
    energies = landscape.energy(found)
    eig = np.linalg.eigvalsh(hess)
    curvature_scale = np.max(np.abs(eig)) if np.any(np.isfinite(eig)) else 1.0
    tol = 1e-6 * max(curvature_scale, 1e-12)
    result = []
    for p, e, lam in zip(found, energies, eig, strict=True):
        if np.any(np.abs(lam) <= tol):
            kind = "degenerate"
        elif lam[0] > 0:
            kind = "minimum"
        elif lam[1] < 0:
            kind = "maximum"
        else:
            kind = "saddle"
        result.append(CriticalPoint(float(p[0]), float(p[1]), float(e), kind,
                                    (float(lam[0]), float(lam[1]))))
    return sorted(result, key=lambda c: c.energy)
