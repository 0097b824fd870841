"""Stimuli of the winner-take-all classifier (seed 003; docs/saddles.md).

Each class is a cluster of points in the unit cube; I input neurons have Gaussian tuning curves
with centres spread uniformly in the cube,

    λ_i(x) = window · [f_bg + f_peak · exp(−|x − c_i|² / (2 ω²))],

the expected spike count of input i in the stimulus' window (200 ms at 80 Hz peak + 2 Hz
background: up to 16.4 spikes). The kernel draws the counts as Poisson(λ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..limits import check_memory, count, finite, seed_value

#: most spikes one input may expect in a window (the kernel's Poisson draw is by inversion)
MAX_EXPECTED_SPIKES = 100.0


@dataclass(frozen=True)
class ClusterTask:
    """Labelled stimuli: ``points`` (M, 3) and ``labels`` (M,) for training, ``test_points``
    and ``test_labels`` drawn apart; ``rates`` / ``test_rates`` (M, I) the inputs' expected
    counts; ``centres`` (K, 3) the classes' and ``tuning`` (I, 3) the inputs' centres."""

    points: np.ndarray
    labels: np.ndarray
    test_points: np.ndarray
    test_labels: np.ndarray
    rates: np.ndarray
    test_rates: np.ndarray
    centres: np.ndarray
    tuning: np.ndarray

    @property
    def n_classes(self) -> int:
        return self.centres.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.tuning.shape[0]


def expected_counts(points, tuning, width, peak_hz, background_hz, window_s) -> np.ndarray:
    """λ (M, I): each input's expected spike count for each point (the tuning curves)."""
    d2 = ((points[:, None, :] - tuning[None, :, :]) ** 2).sum(-1)
    return window_s * (background_hz + peak_hz * np.exp(-d2 / (2.0 * width**2)))


def cluster_task(n_classes: int = 4, n_inputs: int = 200, n_train: int = 400,
                 n_test: int = 200, spread: float = 0.08, width: float = 0.3,
                 peak_hz: float = 80.0, background_hz: float = 2.0, window_s: float = 0.2,
                 seed: int = 0) -> ClusterTask:
    """Clusters of ``spread`` (standard deviation) around centres uniform in [0.15, 0.85]³,
    balanced classes, points clipped to the cube. Raises ``ValueError`` for bad settings."""
    n_classes = count(n_classes, "number of classes", 2, 100)
    n_inputs = count(n_inputs, "number of inputs", 2, 100_000)
    n_train = count(n_train, "number of training stimuli", n_classes, 10**6)
    n_test = count(n_test, "number of test stimuli", 1, 10**6)
    spread = finite(spread, "cluster spread", 0.0, 1.0)
    width = finite(width, "tuning width", 1e-3, 10.0)
    peak_hz = finite(peak_hz, "peak rate", 0.0, 10_000.0)
    background_hz = finite(background_hz, "background rate", 0.0, 10_000.0)
    window_s = finite(window_s, "window", 1e-3, 10.0)
    if window_s * (peak_hz + background_hz) > MAX_EXPECTED_SPIKES:
        raise ValueError(f"window × (peak + background) must be ≤ {MAX_EXPECTED_SPIKES:g} "
                         f"expected spikes, got {window_s * (peak_hz + background_hz):g}")
    if window_s * (peak_hz + background_hz) <= 0.0:
        raise ValueError("the inputs never spike: raise the peak or background rate")
    check_memory(8.0 * (n_train + n_test) * n_inputs, "the stimuli's input rates",
                 "fewer inputs or stimuli")
    rng = np.random.default_rng(np.random.SeedSequence([seed_value(seed), 0xC1A55]))
    centres = rng.uniform(0.15, 0.85, size=(n_classes, 3))
    tuning = rng.uniform(0.0, 1.0, size=(n_inputs, 3))

    def draw(n):
        labels = np.arange(n) % n_classes
        rng.shuffle(labels)
        points = np.clip(centres[labels] + spread * rng.standard_normal((n, 3)), 0.0, 1.0)
        return points, labels.astype(np.int64)

    points, labels = draw(n_train)
    test_points, test_labels = draw(n_test)
    rates = expected_counts(points, tuning, width, peak_hz, background_hz, window_s)
    test_rates = expected_counts(test_points, tuning, width, peak_hz, background_hz, window_s)
    return ClusterTask(points, labels, test_points, test_labels, rates, test_rates, centres,
                       tuning)
