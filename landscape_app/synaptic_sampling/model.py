"""Many reward-based synaptic-sampling networks at once, with or without CaMKII momentum
(seed 000; docs/synaptic_sampling.md; SCIENCE.md section 1; kernel:
``kernels/synaptic_sampling.py``).

Time is compressed for a live demo: one tick is 100 ms of the network's time (the weight-update
interval of the NEST "spore" module), τ_e = 10 ticks (1 s), τ_g = 500 ticks (50 s): their ratio
50 is the reference one. β = 5e-3 per tick is the reference 5e-8 per ms sped up 1000 times, so
the prior's relaxation time 1/(β c_p) is 800 ticks (80 s) instead of 22 hours. T, c_p, μ, θ₀ and
the θ bounds are the reference values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import param

from ..kernels.rng import chain_streams, start_generator
from ..kernels.synaptic_sampling import EXACT, SAMPLED, UNDERDAMPED, reward_network_kernel
from ..limits import MAX_STEPS, check_memory
from ..samplers.schedules import SCHEDULES, temperature_schedule
from .task import TASKS, RewardTask

#: the comparisons of the issue: plain synaptic sampling (gain c), CaMKII with the same c_g = c
#: (a larger effective gain c_g τ_g), CaMKII with the same effective gain (c_g = c / τ_g)
VARIANTS = ("plain", "same c_g", "same gain")
#: what ``variant`` also makes: underdamped Langevin on plain sampling's target (noise on a
#: velocity with friction 1/τ_g; the exact gradient), which samples that target exactly
REFERENCE_VARIANTS = ("underdamped",)


@dataclass
class NetworkRecords:
    """What ``advance`` returns: ``reward`` (n_rec, n_net) expected reward R(θ) every ``thin``
    ticks, ``pair`` (n_rec, n_net, 2) the first two plastic synapses' θ, ``spikes`` (n_watched,
    n_ticks) each tick's winning output of the first ``watch`` networks (−1 with the exact
    gradient), ``ticks`` (n_rec,) the tick of each row."""

    reward: np.ndarray
    pair: np.ndarray
    spikes: np.ndarray
    ticks: np.ndarray


class RewardNetworks(param.Parameterized):
    """``n_networks`` independent networks learning one task by reward-based synaptic sampling.

        dθ = β [c_p (μ − θ) + c_g g] dt + √(2Tβ) dW,  dg = (−g/τ_g + G) dt   (CaMKII)
        dθ = β [c_p (μ − θ) + c G] dt + √(2Tβ) dW                             (plain)

    G: the reward gradient, estimated by each network (dopamine × eligibility) or exact.
    """

    task = param.Selector(default="two_pathways", objects=list(TASKS), doc="The reward task.")
    camkii = param.Boolean(True, label="CaMKII filter",
                           doc="Filter the reward gradient through g (time constant τ_g): "
                               "momentum. Off: plain synaptic sampling (τ_g → 0).")
    fair = param.Selector(default="same gain", objects=["same gain", "same c_g"],
                          label="Fair comparison",
                          doc="With the filter: c_g = c / τ_g (the same effective gain c_g τ_g "
                              "as plain) or c_g = c (the same c_g, a gain τ_g times larger).")
    gain = param.Number(2.0, bounds=(0, None), softbounds=(0, 10), label="Reward gain c",
                        doc="c of plain synaptic sampling; sets c_g through 'Fair comparison'.")
    temperature = param.Number(0.1, bounds=(0, None), softbounds=(0, 1), label="Temperature T")
    schedule = param.Selector(default="constant", objects=list(SCHEDULES))
    cooling_rate = param.Number(0.9995, bounds=(0, 1), inclusive_bounds=(False, True))
    anneal_steps = param.Integer(5000, bounds=(1, None), label="Annealing ticks (linear)")
    final_temperature = param.Number(0.0, bounds=(0, None))
    beta = param.Number(5e-3, bounds=(0, None), softbounds=(0, 0.05), label="β (per tick)")
    tau_e = param.Number(10.0, bounds=(0, None), inclusive_bounds=(False, True),
                         softbounds=(1, 100), label="τ_e (ticks)")
    tau_g = param.Number(500.0, bounds=(0, None), inclusive_bounds=(False, True),
                         softbounds=(1, 2000), label="τ_g (ticks)")
    tau_b = param.Number(50.0, bounds=(0, None), inclusive_bounds=(False, True),
                         label="Reward baseline τ (ticks)")
    c_prior = param.Number(0.25, bounds=(0, None), label="Prior c_p")
    mu = param.Number(0.0, label="Prior mean μ")
    theta0 = param.Number(3.0, label="θ₀")
    theta_min = param.Number(-2.0, label="θ min")
    theta_max = param.Number(5.0, label="θ max")
    g_clip = param.Number(100.0, bounds=(0, None), inclusive_bounds=(False, True),
                          label="g clip")
    w0 = param.Number(5.0, bounds=(0, None), inclusive_bounds=(False, True), label="w₀")
    trial_ticks = param.Integer(10, bounds=(1, 10_000), doc="Ticks a cue is held.")
    exact_gradient = param.Boolean(False, doc="Use the exact ∂R/∂θ (mean field) instead of "
                                              "each network's dopamine × eligibility.")
    dynamics = param.Selector(default="synaptic sampling",
                              objects=["synaptic sampling", "underdamped Langevin"],
                              doc="Underdamped Langevin: dθ = v dt, dv = (β/τ_g)∇Φ dt − v/τ_g dt "
                                  "+ noise, Φ = −c_p|θ−μ|²/2 + cR; the exact gradient; the "
                                  "reference that samples plain sampling's target exactly.")
    n_networks = param.Integer(500, bounds=(1, 1_000_000), label="Networks")
    seed = param.Integer(0, bounds=(0, None))
    start_mean = param.Number(-0.5, doc="θ(0) ~ N(start_mean, start_sd²) (spore's examples).")
    start_sd = param.Number(0.5, bounds=(0, None))
    reward_level = param.Number(0.8, bounds=(0, 1), doc="Time to reward: the first tick at "
                                                        "which R(θ) ≥ level × best reward.")

    def __init__(self, **params):
        super().__init__(**params)
        self.state = None
        self.ticks = 0

    # -- the numbers ------------------------------------------------------------------------
    def the_task(self) -> RewardTask:
        return TASKS[self.task]()

    @property
    def c_g(self) -> float:
        """The gain applied to the drive: c (plain), c / τ_g or c (CaMKII)."""
        if not self.camkii or self.fair == "same c_g" or self.underdamped:
            return float(self.gain)
        return float(self.gain) / float(self.tau_g)

    @property
    def effective_gain(self) -> float:
        """The drive's gain on a gradient that stays put: c (plain), c_g τ_g (CaMKII)."""
        return self.c_g * self.tau_g if self.camkii and not self.underdamped else self.c_g

    @property
    def underdamped(self) -> bool:
        return self.dynamics == "underdamped Langevin"

    def check(self) -> None:
        """Cross-parameter checks (param checks each one's range): a clear ValueError."""
        for name in ("gain", "temperature", "beta", "tau_e", "tau_g", "tau_b", "c_prior",
                     "mu", "theta0", "theta_min", "theta_max", "g_clip", "w0", "start_mean",
                     "start_sd", "final_temperature", "reward_level", "cooling_rate"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        if self.temperature < 0 or self.final_temperature < 0:
            raise ValueError("the temperature must be ≥ 0")
        if min(self.tau_e, self.tau_g, self.tau_b) <= 0:
            raise ValueError("time constants τ_e, τ_g and the baseline's must be > 0")
        if self.tau_e < 1 or self.tau_b < 1 or (self.camkii and self.tau_g < 1):
            raise ValueError("time constants must be at least one tick (dt = 1)")
        if not self.theta_min < self.theta_max:
            raise ValueError(f"θ bounds inverted: θ min {self.theta_min} must be below "
                             f"θ max {self.theta_max}")

    def settings(self) -> np.ndarray:
        """``update_synapse``'s settings."""
        return np.array([self.beta, self.c_prior, self.mu, self.c_g,
                         self.tau_g if self.camkii or self.underdamped else 0.0, self.g_clip,
                         self.theta_min,
                         self.theta_max, 1.0])

    def temperatures(self, n_ticks: int) -> np.ndarray:
        return temperature_schedule(self.schedule, self.temperature, self.ticks, n_ticks,
                                    cooling_rate=self.cooling_rate,
                                    anneal_steps=self.anneal_steps,
                                    final_temperature=self.final_temperature)

    # -- running ----------------------------------------------------------------------------
    def reset(self) -> None:
        """Fresh networks: plastic θ(0) ~ N(start_mean, start_sd²) clipped to the bounds."""
        self.check()
        task = self.the_task()
        n = self.n_networks
        n_out, n_in = task.shape
        check_memory(n * n_out * n_in * 8 * 3 + n * 64, f"{n} networks")
        rng = start_generator(self.seed)
        start = self.start_mean + self.start_sd * rng.standard_normal((n, n_out, n_in))
        theta = np.where(task.plastic, np.clip(start, self.theta_min, self.theta_max),
                         task.fixed_theta)
        self.state = (np.ascontiguousarray(theta), np.zeros((n, n_out, n_in)),
                      np.zeros((n, n_out, n_in)), np.zeros(n), np.zeros(n), np.zeros(n),
                      chain_streams(self.seed, n), np.full(n, -1, np.int64),
                      np.full(n, -1, np.int64))
        self.ticks = 0
        self._task = task

    def advance(self, n_ticks: int, thin: int = 1, watch: int = 1) -> NetworkRecords:
        """Run ``n_ticks`` more ticks; records every ``thin``, every spike of the first
        ``watch`` networks. Raises ``ValueError`` with the
        tick at which a network's numbers stopped being finite ("diverged at step k")."""
        if self.state is None:
            self.reset()
        self.check()
        n_ticks, thin = int(n_ticks), int(thin)
        if n_ticks < 1 or n_ticks > MAX_STEPS:
            raise ValueError(f"n_ticks must be in [1, {MAX_STEPS}], got {n_ticks}")
        if thin < 1:
            raise ValueError("thin must be ≥ 1")
        n = self.n_networks
        if self.state[0].shape[0] != n or self._task.name != self.task:
            self.reset()
        n_rec = n_ticks // thin + 1
        watch = max(0, min(int(watch), n))
        check_memory(n_rec * n * 8 * 3 + n_ticks * watch, f"records of {n_ticks} ticks × {n} "
                     "networks", "record fewer ticks (thin) or run fewer networks")
        task = self._task
        reward = np.empty((n_rec, n))
        pair = np.zeros((n_rec, n, 2))
        spikes = np.empty((watch, n_ticks), np.int8)
        temps = self.temperatures(n_ticks)
        best = task.best_reward()
        network = np.array([self.w0, self.theta0, self.tau_e, self.tau_b, self.trial_ticks,
                            UNDERDAMPED if self.underdamped else
                            EXACT if self.exact_gradient else SAMPLED,
                            self.reward_level * best, self.ticks, thin], dtype=np.float64)
        reward_network_kernel(self.state, (task.bias, task.inputs, task.rewards,
                                           task.cue_probs),
                              task.plastic, temps, self.settings(), network,
                              (reward, pair, spikes))
        ticks = self.ticks + thin * np.arange(n_rec)
        self.ticks += n_ticks
        diverged = self.state[8]
        if np.any(diverged >= 0):
            first = int(diverged[diverged >= 0].min())
            raise ValueError(f"diverged at step {first}: a network's θ or g stopped being "
                             "finite; lower β or the gain")
        return NetworkRecords(reward, pair, spikes, ticks)

    @property
    def theta(self) -> np.ndarray:
        return self.state[0]

    @property
    def g(self) -> np.ndarray:
        return self.state[2]

    @property
    def eligibility(self) -> np.ndarray:
        return self.state[1]

    @property
    def first_hit(self) -> np.ndarray:
        """Per network the tick at which R(θ) first reached the level (−1: not yet)."""
        return self.state[7]

    def weights(self) -> np.ndarray:
        """w = w₀ exp(θ − θ₀) for θ > 0, else 0."""
        theta = self.theta
        return np.where(theta > 0, self.w0 * np.exp(theta - self.theta0), 0.0)


def variant(model: RewardNetworks, name: str, **overrides) -> RewardNetworks:
    """A copy of ``model`` set to one of ``VARIANTS`` (same seed: the same starts)."""
    if name not in VARIANTS + REFERENCE_VARIANTS:
        raise ValueError(f"unknown variant {name!r}; choose one of "
                         f"{', '.join(VARIANTS + REFERENCE_VARIANTS)}")
    values = {k: v for k, v in model.param.values().items() if k != "name"}
    values.update(camkii=name not in ("plain", "underdamped"),
                  fair="same c_g" if name == "same c_g" else "same gain",
                  dynamics="underdamped Langevin" if name == "underdamped" else
                  "synaptic sampling", **overrides)
    return RewardNetworks(**values)
