"""The spiking level of meta-learned plasticity (seed 002, after Vogels et al. 2011;
docs/plasticity.md, "The spiking level"): a rule for a LIF neuron's inhibitory synapses,

    pre spike:  Δw = η (α_pre + β_pre x_post),   post spike:  Δw = η (α_post + β_post x_pre),

searched so that the neuron fires at a target rate ρ₀ while its excitation steps through phases
(``kernels.inhibitory_plasticity``). The meta-loss is the relative squared error of the rate in
the second half of each phase (after the rule had half a phase to settle),

    L = (1/P) Σ_p ((ρ_p − ρ₀) / ρ₀)²,

averaged over the input seeds. The mean-field fixed point (pre and post spikes independent)
sets the drift r_I α_pre + ρ (α_post + (β_pre + β_post) r_I τ) to zero:

    ρ* = −r_I α_pre / (α_post + (β_pre + β_post) r_I τ_STDP),  stable where the denominator > 0

so the rules that hold the neuron at ρ₀ are a plane in the four coefficients: a family, not a
rule (Vogels et al.'s α_pre = −2ρ₀τ, β_pre = β_post = 1, α_post = 0 is one member).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels import inhibitory_plasticity as kernel
from ..kernels.rng import chain_streams
from ..limits import check_memory, count, finite, seed_value

#: the coefficients' names, in the kernel's order
RULE_TERMS = ("α_pre", "β_pre", "α_post", "β_post")


def vogels_rule(target: float = 5.0, tau_stdp: float = 0.02) -> np.ndarray:
    """Vogels et al. 2011's symmetric rule for target rate ρ₀: (−2ρ₀τ, 1, 0, 1)."""
    return np.array([-2.0 * target * tau_stdp, 1.0, 0.0, 1.0])


STATIC = np.zeros(4)


@dataclass(frozen=True)
class SpikingTask:
    """The neuron, its afferents and the protocol (SI units: s, Hz, mV; conductances in units
    of the leak). Defaults: Vogels et al. 2011's neuron with fewer afferents (800 excitatory,
    50 inhibitory), excitation at 5, 10 then 15 Hz per afferent for ``phase_s`` each."""

    levels: tuple = (5.0, 10.0, 15.0)
    phase_s: float = 6.0
    target: float = 5.0
    dt: float = 1e-3
    bin_s: float = 0.25
    tau_m: float = 0.02
    v_rest: float = -60.0
    v_threshold: float = -50.0
    v_reset: float = -60.0
    e_exc: float = 0.0
    e_inh: float = -80.0
    refractory: float = 5e-3
    tau_exc: float = 5e-3
    tau_inh: float = 10e-3
    tau_stdp: float = 20e-3
    eta: float = 0.02
    w_max: float = 2.0
    w_start: float = 0.1
    w_exc: float = 0.02
    n_exc: int = 800
    n_inh: int = 50
    rate_inh: float = 10.0

    def __post_init__(self):
        levels = np.asarray(self.levels, float)
        if levels.ndim != 1 or not 1 <= levels.size <= 10 or not np.all(np.isfinite(levels)) \
                or levels.min() < 0:
            raise ValueError(f"excitation levels must be 1-10 finite rates ≥ 0 Hz, got "
                             f"{self.levels!r}")
        finite(self.dt, "time step dt", 1e-5, 2e-3)
        finite(self.phase_s, "phase length", 10 * self.bin_s, 120.0)
        finite(self.bin_s, "bin", self.dt, 10.0)
        finite(self.target, "target rate ρ₀", 0.1, 100.0)
        count(self.n_exc, "excitatory afferents", 1, 100_000)
        count(self.n_inh, "inhibitory afferents", 1, 10_000)
        for name in ("tau_m", "tau_exc", "tau_inh", "tau_stdp", "eta", "w_max", "rate_inh"):
            finite(getattr(self, name), name, 0.0, low_open=True)
        if self.n_exc * levels.max() * self.dt > 100:
            raise ValueError("the excitatory afferents fire more than 100 spikes a step: "
                             "take a smaller dt or fewer afferents")
        if not self.v_reset < self.v_threshold:
            raise ValueError("the reset must lie below the threshold")

    @property
    def phase_steps(self) -> int:
        return int(round(self.phase_s / self.dt))

    @property
    def bin_steps(self) -> int:
        return max(int(round(self.bin_s / self.dt)), 1)

    @property
    def n_bins(self) -> int:
        return -(-len(self.levels) * self.phase_steps // self.bin_steps)

    def settings(self) -> np.ndarray:
        out = np.empty(kernel.N_SETTINGS)
        out[kernel.DT], out[kernel.TAU_M] = self.dt, self.tau_m
        out[kernel.V_REST], out[kernel.V_THRESHOLD] = self.v_rest, self.v_threshold
        out[kernel.V_RESET], out[kernel.E_EXC], out[kernel.E_INH] = (self.v_reset, self.e_exc,
                                                                     self.e_inh)
        out[kernel.REFRACTORY], out[kernel.TAU_EXC] = self.refractory, self.tau_exc
        out[kernel.TAU_INH], out[kernel.TAU_STDP] = self.tau_inh, self.tau_stdp
        out[kernel.ETA], out[kernel.W_MAX], out[kernel.W_START] = (self.eta, self.w_max,
                                                                   self.w_start)
        out[kernel.W_EXC], out[kernel.N_EXC], out[kernel.N_INH] = (self.w_exc, self.n_exc,
                                                                   self.n_inh)
        out[kernel.RATE_INH], out[kernel.PHASE_STEPS] = self.rate_inh, self.phase_steps
        return out


def fixed_point_rate(rules, rate_inh: float = 10.0, tau_stdp: float = 0.02):
    """The mean-field rate ρ* each rule (…, 4) holds the neuron at, and whether it is stable
    (NaN where the rule has no positive fixed point)."""
    rules = np.asarray(rules, float)
    denominator = rules[..., 2] + (rules[..., 1] + rules[..., 3]) * rate_inh * tau_stdp
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = -rate_inh * rules[..., 0] / denominator
    stable = denominator > 0
    return np.where(np.isfinite(rate) & (rate > 0), rate, np.nan), stable


class InhibitoryMetaLoss:
    """The meta-loss of inhibitory rules (R, 4) on ``task`` over ``seeds`` input seeds."""

    def __init__(self, task: SpikingTask | None = None, seeds=(0,)):
        self.task = SpikingTask() if task is None else task
        seeds = [seed_value(s) for s in np.atleast_1d(seeds).tolist()]
        if not 1 <= len(seeds) <= 16:
            raise ValueError(f"the meta-loss takes 1-16 input seeds, got {len(seeds)}")
        self.streams = [chain_streams(s, 1) for s in seeds]
        self._settings = self.task.settings()
        self._levels = np.asarray(self.task.levels, float)

    def _rules(self, rules) -> np.ndarray:
        rules = np.atleast_2d(np.asarray(rules, dtype=float))
        if rules.ndim != 2 or rules.shape[1] != kernel.N_RULE:
            raise ValueError(f"inhibitory rules must be (R, 4) coefficients {RULE_TERMS}, got "
                             f"shape {np.shape(rules)}")
        if not np.all(np.isfinite(rules)):
            raise ValueError("the rules' coefficients must be finite (NaN or inf given)")
        check_memory(16.0 * rules.shape[0] * self.task.n_bins * len(self.streams),
                     "the rules' rate traces", "fewer rules")
        return np.ascontiguousarray(rules)

    def traces(self, rules, seed_index: int = 0) -> dict:
        """The output rate (Hz) and the mean inhibitory weight per bin, for each rule, on one
        input seed: ``time`` (B,) bin ends in s, ``rate`` (R, B), ``weight`` (R, B)."""
        rules = self._rules(rules)
        task = self.task
        spikes = np.empty((rules.shape[0], task.n_bins))
        weights = np.zeros((rules.shape[0], task.n_bins))
        kernel.inhibitory_plasticity_kernel(rules, self._levels, self._settings,
                                            self.streams[seed_index], task.bin_steps, spikes,
                                            weights)
        time = np.arange(1, task.n_bins + 1) * task.bin_steps * task.dt
        return {"time": time, "rate": spikes / (task.bin_steps * task.dt), "weight": weights}

    def evaluate(self, rules) -> dict:
        """``loss`` (R,), ``rates`` (R, P): each phase's second-half rate, mean over seeds."""
        rules = self._rules(rules)
        task = self.task
        per_phase = task.phase_steps // task.bin_steps
        rates = np.zeros((rules.shape[0], len(task.levels)))
        for k in range(len(self.streams)):
            rate = self.traces(rules, k)["rate"]
            for p in range(len(task.levels)):
                late = rate[:, p * per_phase + per_phase // 2:(p + 1) * per_phase]
                rates[:, p] += late.mean(axis=1) / len(self.streams)
        loss = np.mean(((rates - task.target) / task.target) ** 2, axis=1)
        return {"loss": loss, "rates": rates}

    def __call__(self, rules) -> np.ndarray:
        return self.evaluate(rules)["loss"]

    def grid(self, alpha_pre, beta_post, base=None) -> np.ndarray:
        """The meta-loss over α_pre (x) and β_post (y), the other two coefficients as in
        ``base`` (default 0): (len(beta_post), len(alpha_pre)), rows along β_post."""
        base = STATIC if base is None else np.asarray(base, float)
        ax, ay = np.meshgrid(np.asarray(alpha_pre, float), np.asarray(beta_post, float))
        rules = np.tile(base, (ax.size, 1))
        rules[:, kernel.ALPHA_PRE] = ax.ravel()
        rules[:, kernel.BETA_POST] = ay.ravel()
        return self(rules).reshape(ax.shape)
