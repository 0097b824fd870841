"""The /stiff page's network tab: the antithetic ES trains a recurrent network of Morris–Lecar
neurons to count input pulses and hold the count (``biophysics.network``; seed 004; docs/stiff.md,
"The network"), one generation per step. GUI-free: the view draws ``outputs()``, ``curve()``,
``activity()`` and ``summary()``.
"""

from __future__ import annotations

import functools

import numpy as np
import param

from ...biophysics.network import ONE_BIT_LOSS, MorrisLecarNetwork, one_bit_network
from ...limits import seed_value
from ...plasticity.search import EvolutionStrategy

NETWORK_SETTINGS = ("neurons", "pairs", "sigma", "rate", "seed")


@functools.lru_cache(maxsize=8)
def _network(neurons: int) -> MorrisLecarNetwork:
    return MorrisLecarNetwork(neurons)


@functools.lru_cache(maxsize=8)
def one_bit_reference(neurons: int) -> float:
    """The loss of the uncoupled bistable network (one bit: a pulse came), once per process."""
    return float(_network(neurons)(one_bit_network(neurons)[None])[0])


class NetworkSettings(param.Parameterized):
    neurons = param.Integer(8, bounds=(2, 12), label="neurons N",
                            doc="The search has N² + 2N parameters.")
    pairs = param.Integer(16, bounds=(2, 32), label="ES pairs P",
                          doc="Each generation runs 2P + 1 networks on the 4 trials.")
    sigma = param.Number(0.2, bounds=(0.01, 1.0), step=0.01, label="ES σ")
    rate = param.Number(0.05, bounds=(0.005, 0.5), step=0.005, label="ES learning rate")
    seed = param.Integer(0, bounds=(0, 10**6))


class NetworkTraining(param.Parameterized):
    """The ES from a small random start (seeded); a change of a setting starts it again."""

    def __init__(self, **settings):
        super().__init__()
        self.settings = NetworkSettings(**settings)
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(NETWORK_SETTINGS))

    @property
    def network(self) -> MorrisLecarNetwork:
        return _network(self.settings.neurons)

    def reset(self) -> None:
        s = self.settings
        seed = seed_value(s.seed)
        size = self.network.size
        start = 0.1 * np.random.default_rng(np.random.SeedSequence([seed, 0x4E7])) \
            .standard_normal(size)
        self.es = EvolutionStrategy(None, start, s.sigma, s.pairs, s.rate, seed, block=size)
        self.generation = 0
        self.losses, self.best, self.evaluations = [], [], []
        self.gradient_result = None
        self._score()

    def _score(self) -> None:
        """One generation's networks (row 0: the ES mean) on all trials."""
        result = self.network.evaluate(self.es.ask())
        values = np.where(np.isfinite(result["loss"]), result["loss"], np.inf)
        self.es.tell(values)
        self.losses.append(float(result["loss"][0]))
        self.best.append(float(np.min(values)))
        self.evaluations.append(self.es.evaluations)
        self.mean_theta = self.es.theta.copy()
        self.mean_s = result["s"][0]
        self.mean_readout = result["readout"][0]
        self.mean_diverged = bool(np.any(result["diverged_at"][0] >= 0))

    def advance(self, n_steps: int) -> None:
        """``n_steps`` generations."""
        for _ in range(int(n_steps)):
            self.es.update()
            self.generation += 1
            self._score()

    def take_gradient(self) -> dict:
        """The exact gradient through the ES mean's network (forward sensitivities of all
        N² + 2N parameters, ``MorrisLecarNetwork.gradient``; about 1.5 s for N = 8) and what it
        predicts: the slope |∇L| against central differences of the loss along ∇L at steps h
        of 1e-4, 1e-3 and 1e-2 — where they disagree the loss is rugged on the scale of h and
        the gradient says nothing about a step that size (docs/stiff.md, "The gradient through
        the network")."""
        network, theta = self.network, self.mean_theta
        result = network.gradient(theta)
        norm = float(np.linalg.norm(result["gradient"]))
        checks = []
        if np.isfinite(norm) and norm > 0:
            d = result["gradient"] / norm
            steps = np.array([1e-4, 1e-3, 1e-2])
            rows = np.vstack([theta + steps[:, None] * d, theta - steps[:, None] * d])
            values = network(rows)
            slopes = (values[:3] - values[3:]) / (2 * steps)
            checks = [(float(h), float(v)) for h, v in zip(steps, slopes, strict=True)]
        self.gradient_result = {
            "generation": self.generation, "loss": result["loss"], "norm": norm,
            "checks": checks, "sensitivity": result["sensitivity"],
            "diverged_at": result["diverged_at"], "time": network.task.times}
        return self.gradient_result

    # -- what the view draws ----------------------------------------------------------------
    def outputs(self) -> dict:
        """The mean network's readout y(t) per trial, the targets and the pulses."""
        net, task = self.network, self.network.task
        y = (net.outputs(self.mean_s, self.mean_readout) if not self.mean_diverged
             else np.full(self.mean_s.shape[:2], np.nan))
        starts = [task.first_ms + k * task.period_ms for k in range(task.n_max)]
        return {"time": task.times, "y": y, "targets": task.targets(),
                "hold_from": task.hold_from_ms, "pulses": starts, "pulse_ms": task.pulse_ms}

    def curve(self) -> dict:
        return {"generation": np.arange(len(self.losses)), "loss": np.array(self.losses),
                "best": np.array(self.best), "one_bit": ONE_BIT_LOSS,
                "uncoupled": one_bit_reference(self.settings.neurons)}

    def activity(self) -> dict:
        """The synaptic gates s (neurons × samples) of the mean network on the last trial."""
        return {"time": self.network.task.times, "s": self.mean_s[-1].T}

    def summary(self) -> dict:
        return {"generation": self.generation, "loss": self.losses[-1],
                "best": min(self.best), "simulations": int(self.evaluations[-1]),
                "one_bit": ONE_BIT_LOSS, "uncoupled": one_bit_reference(self.settings.neurons)}
