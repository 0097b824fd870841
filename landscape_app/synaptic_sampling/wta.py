"""Synaptic sampling in a winner-take-all classifier, with and without noise (seed 003;
docs/saddles.md; kernel: ``kernels/wta_sampling.py``; stimuli: ``wta_task.py``).

K outputs compete (softmax over u_k = Σ_i (w_ki x_i − a_ki)); every presentation of a labelled
stimulus moves each θ_ki by seed 003's Eq. 2,

    dθ_ki = η [(μ − θ_ki)/σ² + N w_ki (x_i − α e^{w_ki}) (Θ{h = k} − s_k)] + √(2ηT D_ki) ξ,

with s_k the output's spike count S_k (``rule="printed"``) or its share S_k / n_out
(``rule="corrected"``: then the drift is a stochastic gradient of log p_S(θ) + log p(h | x, θ)),
and noise D = 0, 1 or N α e^{w} (``NOISE_MODES``). N is Eq. 2's Σ_{n=1}^N: the likelihood
of N stimuli, of which each presentation is one draw (without it the prior outweighs the data
at T = 1 and noise only blurs). Reference values (Kappel et al. 2015's code):
η = 1e-4, μ = 0.5, σ = 1, N = 100, α = e^{−2}, θ₀ = 3, α e^{w} clipped at 5, θ_min = −5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import param

from ..kernels import wta_sampling as kernel
from ..kernels.rng import chain_streams, start_generator
from ..limits import check_memory, check_steps, count
from .wta_task import ClusterTask, cluster_task

#: the noise of the three learners, and the kernel's code for each
NOISE_MODES = {"none": kernel.NONE, "isotropic": kernel.ISOTROPIC,
               "weight-dependent": kernel.WEIGHT}
RULES = {"printed": kernel.PRINTED, "corrected": kernel.CORRECTED}
STARTS = ("random", "symmetric")


@dataclass
class LearningCurves:
    """What ``WTALearning.run`` returns, runs grouped by noise mode: ``steps`` (n_eval + 1,)
    presentations at each record; ``test`` {mode: (runs, n_eval + 1)} test accuracy;
    ``train`` {mode: (runs, n_eval)} the share classified right while learning since the
    last record; ``theta`` {mode: (runs, n_eval + 1, K, I)}; ``diverged_at`` {mode: (runs,)}
    (−1: never)."""

    steps: np.ndarray
    test: dict
    train: dict
    theta: dict
    diverged_at: dict

    def final(self, mode: str, which: str = "test") -> np.ndarray:
        """Each run's last recorded accuracy."""
        return (self.test if which == "test" else self.train)[mode][:, -1]


class WTALearning(param.Parameterized):
    """A WTA classifier learning ``task`` by synaptic sampling (settings: the reference's)."""

    rule = param.Selector(default="corrected", objects=list(RULES),
                          doc="s_k in Eq. 2: the output's spike count S_k (as printed) or its "
                              "share S_k / n_out (a proper likelihood gradient).")
    eta = param.Number(1e-4, bounds=(0.0, 1.0), inclusive_bounds=(False, True),
                       label="η (learning rate b)", doc="Step of Eq. 2 per presentation.")
    temperature = param.Number(1.0, bounds=(0.0, None), softbounds=(0.0, 4.0), label="T",
                               doc="Noise scale: variance 2ηT D per presentation.")
    n_samples = param.Number(100.0, bounds=(0.0, None), label="N",
                             doc="The stimuli the likelihood counts (Eq. 2's sum over n); "
                                 "also the weight-dependent noise D = N α e^{w} (Eq. 3).")
    mu = param.Number(0.5, label="prior mean μ")
    sigma = param.Number(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                         label="prior σ")
    theta0 = param.Number(3.0, label="θ₀", doc="w = exp(θ − θ₀).")
    alpha = param.Number(math.exp(-2.0), bounds=(0.0, None), label="α",
                         doc="The inputs' Poisson term α e^{w}.")
    a_max = param.Number(5.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                         label="α e^{w} clip")
    theta_min = param.Number(-5.0, label="θ min")
    theta_max = param.Number(5.0, label="θ max")
    output_spikes = param.Integer(20, bounds=(1, 10_000), label="output spikes per window",
                                  doc="n_out: the WTA's total output (100 Hz × 200 ms).")
    spiking = param.Boolean(True, doc="Draw input and output spikes. Off: their means "
                                      "(deterministic apart from the synaptic noise).")
    start = param.Selector(default="random", objects=list(STARTS),
                           doc="θ ~ N(μ, σ²) per synapse, or every θ = μ (the symmetric start).")
    seed = param.Integer(0, bounds=(0, None))

    def __init__(self, task: ClusterTask | None = None, **params):
        super().__init__(**params)
        self.task = task if task is not None else cluster_task()
        self.theta = None  # (runs × modes, K, I) once ``reset``
        self.modes, self.runs, self.presented = (), 0, 0

    def check(self) -> None:
        """Cross-parameter checks (param checks each range; NaN/inf are refused here)."""
        for name in ("eta", "temperature", "n_samples", "mu", "sigma", "theta0", "alpha",
                     "a_max", "theta_min", "theta_max"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        if not self.theta_min < self.theta_max:
            raise ValueError(f"θ bounds inverted: θ min {self.theta_min} must be below "
                             f"θ max {self.theta_max}")

    def settings(self) -> np.ndarray:
        s = np.zeros(kernel.N_SETTINGS)
        s[kernel.ETA], s[kernel.MU], s[kernel.SIGMA] = self.eta, self.mu, self.sigma
        s[kernel.THETA0], s[kernel.ALPHA], s[kernel.A_MAX] = self.theta0, self.alpha, self.a_max
        s[kernel.THETA_MIN], s[kernel.THETA_MAX] = self.theta_min, self.theta_max
        s[kernel.N_OUT], s[kernel.RULE] = self.output_spikes, RULES[self.rule]
        s[kernel.SPIKING], s[kernel.N_SAMPLES] = float(self.spiking), self.n_samples
        return s

    def starts(self, n_runs: int) -> np.ndarray:
        """(runs, K, I) initial θ, within the bounds; run r's start depends only on the seed
        and r (the same starts for every noise mode: the modes start from the same points)."""
        shape = (self.task.n_classes, self.task.n_inputs)
        if self.start == "symmetric":
            return np.full((n_runs, *shape), min(max(self.mu, self.theta_min), self.theta_max))
        draws = start_generator(self.seed).standard_normal((n_runs, *shape))
        return np.clip(self.mu + self.sigma * draws, self.theta_min, self.theta_max)

    def reset(self, modes=tuple(NOISE_MODES), runs: int = 10) -> None:
        """Start ``runs`` runs of each noise mode in ``modes`` (all from the same ``starts``)."""
        self.check()
        runs = count(runs, "runs per mode", 1, 10_000)
        modes = tuple(modes)
        unknown = [m for m in modes if m not in NOISE_MODES]
        if unknown or not modes:
            raise ValueError(f"noise modes must be among {list(NOISE_MODES)}, got {unknown}")
        k, i = self.task.n_classes, self.task.n_inputs
        check_memory(8.0 * runs * len(modes) * k * i * 3, "the runs' θ, w and α e^{w}",
                     "fewer runs or inputs")
        self.modes, self.runs = modes, runs
        self.theta = np.concatenate([self.starts(runs)] * len(modes))
        self._codes = np.repeat([NOISE_MODES[m] for m in modes], runs).astype(np.int64)
        self._streams = np.concatenate([chain_streams(self.seed + 7919 * (j + 1), runs)
                                        for j in range(len(modes))])
        self._eval_streams = chain_streams(self.seed + 104_729, len(self._streams))
        self.presented = 0

    def advance(self, n_steps: int, records: int = 1,
                test_start: bool = True) -> LearningCurves:
        """Present ``n_steps`` more stimuli to every run (``reset`` first), recorded at the
        start (its test accuracy NaN unless ``test_start``) and ``records`` times. Raises
        ``ValueError`` for bad settings and
        "diverged at step k" if a run's θ stops being finite."""
        if getattr(self, "theta", None) is None:
            raise ValueError("reset the runs before advancing them")
        self.check()
        records = count(records, "records", 1, 10_000)
        n_steps = count(n_steps, "presentations", records, None)
        n_total, k, i = self.theta.shape
        check_steps(float(n_steps) * n_total * k * i / 100.0,
                    "these runs (presentations × synapses / 100)", "fewer runs or inputs")
        check_memory(8.0 * n_total * (records + 1) * k * i, "the recorded θ",
                     "fewer records, runs or inputs")
        eval_every = n_steps // records
        temperatures = np.full(n_total, float(self.temperature))
        train = np.zeros((n_total, records))
        test = np.zeros((n_total, records + 1))
        snapshots = np.zeros((n_total, records + 1, k, i))
        diverged = np.full(n_total, -1, np.int64)
        kernel.wta_learning_kernel(self.theta, self._streams, self._eval_streams,
                                   self.task.rates,
                                   self.task.labels, self.task.test_rates,
                                   self.task.test_labels, self._codes, temperatures,
                                   self.settings(), eval_every * records, eval_every,
                                   bool(test_start), train, test, snapshots, diverged)
        if (diverged >= 0).any():
            first = self.presented + int(diverged[diverged >= 0].min())
            raise ValueError(f"diverged at step {first}: a run's θ stopped being finite")
        steps = self.presented + np.arange(records + 1) * eval_every
        self.presented += eval_every * records
        runs = self.runs

        def split(array):
            return {m: array[j * runs:(j + 1) * runs] for j, m in enumerate(self.modes)}

        return LearningCurves(steps=steps, test=split(test), train=split(train),
                              theta=split(snapshots), diverged_at=split(diverged))

    def run(self, n_steps: int, modes=tuple(NOISE_MODES), runs: int = 10,
            records: int = 20) -> LearningCurves:
        """``runs`` fresh runs of each mode in ``modes``, ``n_steps`` presentations each
        (rounded down to a multiple of ``records``), recorded ``records`` times."""
        self.reset(modes, runs)
        return self.advance(n_steps, records)
