"""Time to reward against τ_g: what the CaMKII filter's time constant does to the search, as a
sweep on Dask (``sweeps.run_sweep``; docs/synaptic_sampling.md, "Against τ_g").

Each sweep point is one population of ``n_networks`` networks with the filter at one τ_g, run
both ways the comparison is made (``fair``): *same gain* (c_g = c/τ_g, the effective gain
c_g τ_g = c of plain sampling) and *same c_g* (c_g = c, a gain τ_g times larger). One more point
is plain synaptic sampling (τ_g → 0). Every point starts from the same θ(0) and draws the same
random streams (one seed), so at τ_g = 1 tick both ways are plain sampling exactly
(g ← g + (G − g) = G): the sweep's left end is its own check.

Measured per point, over networks: the fraction that reached the reward level within
``n_ticks``, and the quartiles of their times to it (``inf`` where fewer than a quarter, half,
three quarters got there).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..sweeps import run_sweep
from .model import RewardNetworks, variant

FAIRS = ("same gain", "same c_g")
#: the default τ_g values (ticks), from plain-like to beyond the reference 500
TAU_GS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
#: at most this many networks × ticks in one sweep point (about 2 s of one core)
POINT_BUDGET = 2e7


@dataclass
class TauSweep:
    """Times to reward of the filter at each τ_g, both ways, and of plain sampling."""

    tau_g: np.ndarray
    reached: dict[str, np.ndarray]      # fair → fraction of networks there, per τ_g
    quartiles: dict[str, np.ndarray]    # fair → (n_tau, 3) ticks
    plain_reached: float
    plain_quartiles: np.ndarray         # (3,)
    n_networks: int
    n_ticks: int
    engine: str = ""
    seconds: float = 0.0

    def median_speedup(self, fair: str) -> np.ndarray:
        """Plain's median time over the filter's, per τ_g (NaN where a median is not
        reached)."""
        plain, filtered = self.plain_quartiles[1], self.quartiles[fair][:, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = plain / filtered
        return np.where(np.isfinite(plain) & np.isfinite(filtered), ratio, np.nan)


def times_to_reward(model: RewardNetworks, n_ticks: int) -> np.ndarray:
    """Ticks each network took to reach the reward level (``inf``: not within ``n_ticks``)."""
    model.advance(n_ticks, thin=n_ticks)
    hit = model.first_hit.astype(float)
    return np.where(hit >= 0, hit, np.inf)


def quartiles(times: np.ndarray) -> np.ndarray:
    """25 / 50 / 75 % of ``times`` without interpolation (a quartile past the networks that
    got there is ``inf``, not a blend with it)."""
    return np.quantile(times, [0.25, 0.5, 0.75], method="inverted_cdf")


def _point(settings: dict, n_ticks: int, item) -> np.ndarray:
    name, tau_g = item
    base = RewardNetworks(**settings)
    model = variant(base, name) if tau_g is None else variant(base, name, tau_g=float(tau_g))
    return times_to_reward(model, n_ticks)


def tau_g_sweep(model: RewardNetworks, tau_gs=TAU_GS, n_ticks: int = 20_000, *,
                scheduler: str | None = None, progress=None) -> TauSweep:
    """Time to reward of ``model``'s networks (its task, gain, temperature, β, seed,
    networks…) with the filter at each of ``tau_gs``, both ways, and without it."""
    tau_gs = np.asarray(tau_gs, dtype=float)
    if tau_gs.ndim != 1 or not len(tau_gs) or not np.isfinite(tau_gs).all():
        raise ValueError("τ_g values must be a non-empty list of finite numbers")
    if (tau_gs < 1).any():
        raise ValueError("τ_g must be at least one tick (dt = 1)")
    if not 1 <= int(n_ticks) <= 10_000_000:
        raise ValueError("the sweep's ticks must be between 1 and 10,000,000")
    if model.n_networks * n_ticks > POINT_BUDGET:
        raise ValueError(f"{model.n_networks:,} networks × {int(n_ticks):,} ticks is more than "
                         f"a sweep point may run ({POINT_BUDGET:.0e}): fewer networks or ticks")
    model.check()
    settings = {k: v for k, v in model.param.values().items() if k != "name"}
    items = [("plain", None)] + [(fair, tau) for fair in FAIRS for tau in tau_gs]
    sweep = run_sweep(partial(_point, settings, int(n_ticks)), items, scheduler=scheduler,
                      progress=progress)
    sweep.raise_failures([name if tau is None else f"{name} at τ_g = {tau:g}"
                          for name, tau in items])
    plain, rest = sweep.values[0], sweep.values[1:]
    n = len(tau_gs)
    reached, spread = {}, {}
    for k, fair in enumerate(FAIRS):
        runs = rest[k * n:(k + 1) * n]
        reached[fair] = np.array([np.isfinite(t).mean() for t in runs])
        spread[fair] = np.array([quartiles(t) for t in runs])
    return TauSweep(tau_gs, reached, spread, float(np.isfinite(plain).mean()),
                    quartiles(plain), int(model.n_networks), int(n_ticks), sweep.engine,
                    sweep.seconds)
