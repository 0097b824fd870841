"""The /plasticity page's spiking tab: an evolution strategy searches a rule for a LIF
neuron's inhibitory synapses (α_pre, β_pre, α_post, β_post) so that the neuron fires at a target
rate while its excitation steps from 5 to 10 to 15 Hz (seed 002's spiking level after Vogels
et al. 2011; docs/plasticity.md, "The spiking level"). GUI-free: the view draws
``landscape()``, ``loss_curves()``, ``coefficients()``, ``traces()`` and ``summary()``.
"""

from __future__ import annotations

import functools

import numpy as np
import param

from ...kernels.inhibitory_plasticity import ALPHA_PRE, BETA_POST
from ...plasticity.search import EvolutionStrategy
from ...plasticity.spiking import (
    RULE_TERMS,
    STATIC,
    InhibitoryMetaLoss,
    SpikingTask,
    fixed_point_rate,
    vogels_rule,
)
from .session import GenerationSession

SPIKING_SEARCHES = ("α_pre, β_post", "all 4 terms")
SPIKING_SETTINGS = ("search", "target", "pairs", "sigma", "learning_rate", "phase_s", "seed")
#: the landscape's window (α_pre along x, β_post along y) and its grid per side
ALPHA_RANGE, BETA_RANGE, SPIKING_GRID = (-0.5, 0.1), (-0.5, 3.0), 17
#: input seeds the meta-loss averages over, and the held-out ones
TRAIN_SEEDS, HELD_OUT_SEEDS = (0, 1), (100, 101, 102)


@functools.lru_cache(maxsize=8)
def _landscape_values(task: SpikingTask, seed: int) -> np.ndarray:
    """The landscape's meta-loss on one input seed (a grid of rules is 289 simulations, a
    third of a second): computed once per process for a task and seed, and read-only, since
    every session with those settings draws the same deterministic values."""
    values = InhibitoryMetaLoss(task, [seed]).grid(np.linspace(*ALPHA_RANGE, SPIKING_GRID),
                                                   np.linspace(*BETA_RANGE, SPIKING_GRID))
    values.flags.writeable = False
    return values


class SpikingSettings(param.Parameterized):
    """What the spiking search searches, and the neuron's target."""

    search = param.Selector(default=SPIKING_SEARCHES[0], objects=list(SPIKING_SEARCHES),
                            label="searched coefficients",
                            doc="α_pre and β_post (the landscape's axes, the rest 0), or all "
                                "four.")
    target = param.Number(5.0, bounds=(2.0, 20.0), step=0.5, label="target rate ρ₀ (Hz)")
    pairs = param.Integer(8, bounds=(2, 64), label="ES pairs P")
    sigma = param.Number(0.05, bounds=(0.005, 0.5), step=0.005, label="σ (ES spread)")
    learning_rate = param.Number(0.03, bounds=(0.001, 0.3), step=0.001,
                                 label="ES learning rate (Adam)")
    phase_s = param.Number(8.0, bounds=(2.0, 30.0), step=1.0, label="phase length (s)",
                           doc="Seconds at each excitation level; the rate is scored over "
                               "the second half of each.")
    seed = param.Integer(0, bounds=(0, 10**6))


class SpikingSession(GenerationSession):
    """The ES from the static synapse (all coefficients 0); a setting's change restarts it."""

    def __init__(self, **settings):
        super().__init__()
        self.settings = SpikingSettings(**settings)
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(SPIKING_SETTINGS))

    def reset(self) -> None:
        s = self.settings
        self.task = SpikingTask(target=s.target, phase_s=s.phase_s)
        self.loss = InhibitoryMetaLoss(self.task, [s.seed + k for k in TRAIN_SEEDS])
        self.held_out = InhibitoryMetaLoss(self.task, [s.seed + k for k in HELD_OUT_SEEDS])
        self.vogels = vogels_rule(s.target, self.task.tau_stdp)
        indices = [ALPHA_PRE, BETA_POST] if s.search == SPIKING_SEARCHES[0] else None
        self.es = EvolutionStrategy(indices, STATIC, s.sigma, s.pairs, s.learning_rate,
                                    s.seed, block=len(RULE_TERMS))
        self.generations: list[int] = []
        self.losses: list[float] = []
        self.path: list[np.ndarray] = []
        self.rule = self.es.theta.copy()
        self.population = np.zeros((0, 2))
        self._known = self.loss(np.array([self.vogels, STATIC]))
        self._generation()

    def _generation(self) -> None:
        self.rule = self.es.theta.copy()
        rules, values = self.es.evaluate(self.loss)
        self.population = rules[1:][:, [ALPHA_PRE, BETA_POST]]
        self.generations.append(self.es.generation)
        self.losses.append(float(values[0]))
        self.path.append(self.rule[[ALPHA_PRE, BETA_POST]])
        self.es.update()

    # -- what the view draws ----------------------------------------------------------------
    def landscape(self) -> dict:
        """The meta-loss (on the first input seed) over α_pre (x) and β_post (y) with
        β_pre = α_post = 0, and the mean-field family through it, α_pre = −ρ₀ τ β_post
        (``family``: its two ends)."""
        x = np.linspace(*ALPHA_RANGE, SPIKING_GRID)
        y = np.linspace(*BETA_RANGE, SPIKING_GRID)
        values = _landscape_values(self.task, self.settings.seed + TRAIN_SEEDS[0])
        slope = -self.task.target * self.task.tau_stdp
        beta = np.array([max(BETA_RANGE[0], 0.0), min(BETA_RANGE[1], ALPHA_RANGE[0] / slope)])
        return {"x": x, "y": y, "values": values, "family": (slope * beta, beta)}

    def populations(self) -> dict:
        """The last generation and the mean's path on the landscape's axes."""
        return {"members": self.population, "path": np.array(self.path),
                "mean": self.rule[[ALPHA_PRE, BETA_POST]]}

    def loss_curves(self) -> dict:
        """Per generation: the ES mean rule's meta-loss; Vogels et al.'s and the static
        synapse's."""
        return {"generation": np.array(self.generations), "loss": np.array(self.losses),
                "vogels": float(self._known[0]), "static": float(self._known[1])}

    def coefficients(self) -> dict:
        """The four coefficients of the ES's rule and of Vogels et al.'s."""
        return {"terms": list(RULE_TERMS), "found": self.rule.copy(),
                "known": self.vogels.copy()}

    def traces(self) -> dict:
        """The output rate per bin and the mean inhibitory weight over the protocol, for the
        ES's rule, Vogels et al.'s and the static synapse (rows in that order), on the first
        input seed; ``phases``: the excitation levels and their start times."""
        out = self.loss.traces(np.array([self.rule, self.vogels, STATIC]))
        out["target"] = self.task.target
        out["phases"] = [(p * self.task.phase_s, level)
                         for p, level in enumerate(self.task.levels)]
        return out

    def summary(self) -> dict:
        """Per rule: meta-loss and the second-half rate of each phase, on the training seeds
        and on held-out ones, and the mean-field rate ρ* it predicts."""
        rules = np.array([self.rule, self.vogels, STATIC])
        own, held = self.loss.evaluate(rules), self.held_out.evaluate(rules)
        predicted, _ = fixed_point_rate(rules, self.task.rate_inh, self.task.tau_stdp)
        return {name: {"loss": float(own["loss"][k]), "rates": own["rates"][k].tolist(),
                       "held_out_loss": float(held["loss"][k]),
                       "held_out_rates": held["rates"][k].tolist(),
                       "predicted": float(predicted[k])}
                for k, name in enumerate(("ES", "Vogels et al.", "static"))}
