"""The /stiff page's stiff race: Adam on the exact gradient (the Rosenbrock solver's forward
sensitivities), the ES and CMA-ES fit Robertson's rates θ = (log₁₀ k₂, log₁₀ k₃) to the
trajectory at the true ones (``race.TwoParameterRace``; seed 004; docs/stiff.md, "Robertson's
reactions"). Beside the race: what an explicit method at a fixed step does with the same
problem ("diverged at step k", ``explicit``).
"""

from __future__ import annotations

import functools

import numpy as np
import param

from ...biophysics.landscape import loss_landscape
from ...biophysics.robertson import RobertsonFit, explicit_rk4
from .race import RACE_SETTINGS, RaceSettings, TwoParameterRace

TRUTH = np.log10([3e7, 1e4])
WINDOW = ((5.0, 10.0), (2.0, 6.0))
GRID = 41
BOUNDS = np.array([[4.0, 11.0], [1.0, 7.0]])
REACTION_SETTINGS = ("start_log_k2", "start_log_k3", *RACE_SETTINGS)
#: the explicit method's steps shown beside the race (and the most it may take)
EXPLICIT_STEPS = (1e-2, 1e-3, 1e-4)
EXPLICIT_MAX_STEPS = 100_000


@functools.lru_cache(maxsize=1)
def _fit() -> RobertsonFit:
    return RobertsonFit()


@functools.lru_cache(maxsize=1)
def _landscape() -> np.ndarray:
    """The loss on the window's grid (41², ~1.3 s), once per process (read-only)."""
    x, y = (np.linspace(*side, GRID) for side in WINDOW)
    values = loss_landscape(_fit(), x, y)
    values.flags.writeable = False
    return values


@functools.lru_cache(maxsize=1)
def explicit() -> tuple:
    """Classical RK4 at each of ``EXPLICIT_STEPS`` on the true rates: (dt, step it diverged at
    or None, steps taken, the time reached) — once per process."""
    rows = []
    for dt in EXPLICIT_STEPS:
        run = explicit_rk4(TRUTH, dt=dt, max_steps=EXPLICIT_MAX_STEPS)
        rows.append((dt, run["diverged_at"], run["steps"], run["steps"] * dt))
    return tuple(rows)


class ReactionRaceSettings(RaceSettings):
    """The shared start (log₁₀ of the rates)."""

    start_log_k2 = param.Number(9.0, bounds=WINDOW[0], step=0.05, label="start log₁₀ k₂")
    start_log_k3 = param.Number(2.5, bounds=WINDOW[1], step=0.05, label="start log₁₀ k₃")
    sigma = param.Number(0.3, bounds=(0.01, 2.0), step=0.01, label="ES and CMA-ES σ",
                         doc="In log₁₀ units of the rates; CMA-ES adapts its own.")
    es_rate = param.Number(0.05, bounds=(0.005, 1.0), step=0.005, label="ES learning rate")
    gd_rate = param.Number(0.05, bounds=(0.005, 1.0), step=0.005,
                           label="gradient learning rate",
                           doc="Adam's step on the gradient through the implicit solver.")


class ReactionRace(TwoParameterRace):
    """The three methods from (start_log_k2, start_log_k3) on Robertson's loss."""

    settings_class = ReactionRaceSettings
    settings_names = REACTION_SETTINGS
    truth, bounds, window, grid = TRUTH, BOUNDS, WINDOW, GRID
    scale = np.ones(2)

    @property
    def fit(self) -> RobertsonFit:
        return _fit()

    def start_values(self):
        return [self.settings.start_log_k2, self.settings.start_log_k3]

    def landscape_values(self):
        return _landscape()

    def traces(self) -> dict:
        """The target and each method's y (T, 3) at the fit's times."""
        return {"time": self.fit.times, "scale": self.fit.scale, **super().traces()}
