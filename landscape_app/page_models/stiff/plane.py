"""The /stiff page's two-parameter race on a neuron: Adam on the exact gradient, the ES and
CMA-ES fit a Morris–Lecar neuron's (I_app, g_Ca) to a voltage trace made at (110, 4.4)
(``race.TwoParameterRace``; seed 004; docs/stiff.md). Scaled coordinates z = (I_app,
g_Ca / 0.04): the drawn window is 40 × 40 in z.
"""

from __future__ import annotations

import functools

import numpy as np
import param

from ...biophysics import MorrisLecarFit
from ...biophysics.landscape import loss_landscape
from .race import METHODS, RACE_SETTINGS, RaceSettings, TwoParameterRace

FITTED = ("I_app", "g_Ca")
TRUTH = np.array([110.0, 4.4])
SCALE = np.array([1.0, 0.04])
WINDOW = ((90.0, 130.0), (3.6, 5.2))
GRID = 49
BOUNDS = np.array([[60.0, 160.0], [2.0, 8.0]])
PLANE_SETTINGS = ("trace_s", "start_current", "start_g_ca", *RACE_SETTINGS)
__all__ = ["METHODS", "PLANE_SETTINGS", "TRUTH", "WINDOW", "PlaneRace"]


@functools.lru_cache(maxsize=4)
def _fit(duration_ms: float) -> MorrisLecarFit:
    return MorrisLecarFit(fitted=FITTED, truth=tuple(TRUTH), duration_ms=duration_ms)


@functools.lru_cache(maxsize=4)
def _landscape(duration_ms: float) -> np.ndarray:
    """The loss on the window's grid (GRID², ~1 s for 1 s traces), once per process for a trace
    length (read-only: every session draws the same deterministic values)."""
    x, y = (np.linspace(*side, GRID) for side in WINDOW)
    values = loss_landscape(_fit(duration_ms), x, y)
    values.flags.writeable = False
    return values


class PlaneRaceSettings(RaceSettings):
    """The trace and the shared start (σ in units of I_app; g_Ca's is 0.04 × σ)."""

    trace_s = param.Selector(default=1.0, objects=[0.25, 1.0], label="trace length (s)",
                             doc="Longer traces: more and narrower valleys.")
    start_current = param.Number(120.0, bounds=(90.0, 130.0), step=0.5,
                                 label="start I₀ (µA/cm²)")
    start_g_ca = param.Number(3.9, bounds=(3.6, 5.2), step=0.02, label="start g_Ca (mS/cm²)")
    sigma = param.Number(4.0, bounds=(0.5, 15.0), step=0.5, label="ES and CMA-ES σ",
                         doc="In units of I_app (g_Ca: 0.04 σ); CMA-ES adapts its own.")


class PlaneRace(TwoParameterRace):
    """The three methods from (start_current, start_g_ca) on the neuron's loss."""

    settings_class = PlaneRaceSettings
    settings_names = PLANE_SETTINGS
    truth, scale, bounds, window, grid = TRUTH, SCALE, BOUNDS, WINDOW, GRID

    @property
    def fit(self) -> MorrisLecarFit:
        return _fit(1000.0 * self.settings.trace_s)

    def start_values(self):
        return [self.settings.start_current, self.settings.start_g_ca]

    def landscape_values(self):
        return _landscape(1000.0 * self.settings.trace_s)

    def traces(self) -> dict:
        """The target voltage and each method's current one (ms, mV)."""
        return {"time": self.fit.times, **super().traces()}
