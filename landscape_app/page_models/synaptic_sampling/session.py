"""The /synaptic-sampling page's model: two populations of reward networks on one task, plain
synaptic sampling and the CaMKII variant, stepped together (docs/synaptic_sampling.md).

GUI-free: the view draws ``reward_bands()``, ``positions()``, ``times_to_reward()`` and
``close_up``; a notebook can drive it the same way.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import param

from ...synaptic_sampling import RewardNetworks, variant

#: the populations, as the page names them
POPULATIONS = ("plain", "CaMKII")
#: points kept of each history (older ones are dropped: a long-playing page stays small)
HISTORY = 4000
#: ticks of the close-up's spike raster
RASTER_TICKS = 400

#: what a user may set (the rest of ``RewardNetworks`` keeps its reference values)
SETTINGS = ("fair", "gain", "tau_g", "temperature", "schedule", "cooling_rate", "beta",
            "n_networks", "seed", "exact_gradient")


class SynapticSamplingSession(param.Parameterized):
    """``settings``: a ``RewardNetworks`` whose parameters the page shows; every change starts
    both populations again (plain: ``variant('plain')``, CaMKII: the 'Fair comparison' one)."""

    def __init__(self, **settings):
        super().__init__()
        defaults = {"n_networks": 300, "task": "two_pathways"}
        self.settings = RewardNetworks(**{**defaults, **settings})
        self.populations: dict[str, RewardNetworks] = {}
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(SETTINGS))

    def reset(self) -> None:
        s = self.settings
        self.populations = {"plain": variant(s, "plain"), "CaMKII": variant(s, s.fair)}
        self.bands = {name: deque(maxlen=HISTORY) for name in POPULATIONS}
        self.close_up = {key: deque(maxlen=HISTORY) for key in
                         ("tick", "theta_a", "theta_b", "w_a", "w_b", "e_a", "e_b", "g_a",
                          "g_b")}
        self.raster = deque(maxlen=RASTER_TICKS)
        self.message = ""
        for population in self.populations.values():
            population.reset()
        self._target = None  # the target's cell probabilities, made when first asked for
        self._record()

    def current_temperature(self) -> float:
        """T of the next tick (the schedule's, while annealing)."""
        return float(self.populations["plain"].temperatures(1)[0])

    @property
    def ticks(self) -> int:
        return self.populations["plain"].ticks

    def advance(self, n_ticks: int) -> None:
        """Both populations ``n_ticks`` on; a diverging run raises ``ValueError``."""
        for name, population in self.populations.items():
            records = population.advance(n_ticks, thin=n_ticks)
            if name == "CaMKII":
                start = population.ticks - n_ticks
                for k, winner in enumerate(records.spikes[0]):
                    self.raster.append((start + k + 1, int(winner)))
        self._record()

    def _record(self) -> None:
        for name, population in self.populations.items():
            reward = population_reward(population)
            q25, q50, q75 = np.percentile(reward, [25, 50, 75])
            self.bands[name].append((population.ticks, q25, q50, q75))
        net = self.populations["CaMKII"]
        (ka, ia), (kb, ib) = _pair(net)
        theta, w = net.theta[0], net.weights()[0]
        values = {"tick": net.ticks, "theta_a": theta[ka, ia], "theta_b": theta[kb, ib],
                  "w_a": w[ka, ia], "w_b": w[kb, ib], "e_a": net.eligibility[0, ka, ia],
                  "e_b": net.eligibility[0, kb, ib], "g_a": net.g[0, ka, ia],
                  "g_b": net.g[0, kb, ib]}
        for key, value in values.items():
            self.close_up[key].append(float(value))

    # -- what the view draws ----------------------------------------------------------------
    def reward_bands(self) -> dict[str, np.ndarray]:
        """Per population (n, 4): tick, quartile 1, median, quartile 3 of R(θ) over networks."""
        return {name: np.array(self.bands[name]) for name in POPULATIONS}

    def positions(self) -> dict[str, np.ndarray]:
        """Per population (n_networks, 2): the two plastic synapses' θ."""
        out = {}
        for name, population in self.populations.items():
            (ka, ia), (kb, ib) = _pair(population)
            out[name] = np.column_stack([population.theta[:, ka, ia],
                                         population.theta[:, kb, ib]])
        return out

    def times_to_reward(self) -> dict[str, np.ndarray]:
        """Per population the ticks at which the networks that got there reached the level."""
        return {name: p.first_hit[p.first_hit >= 0].astype(float)
                for name, p in self.populations.items()}

    def target_distance(self) -> dict:
        """TV distance of each population's (θ_A, θ_B) histogram from plain sampling's target
        at the set T, on 20 × 20 cells, and the floor: the mean TV of an exact sample of as
        many networks (what a population in equilibrium would show). None at T = 0."""
        from ...synaptic_sampling import theory

        plain = self.populations["plain"]
        if plain.temperature <= 0:
            return None
        if self._target is None:
            edges, p = theory.cell_probabilities(plain, 20)
            rng = np.random.default_rng(0)
            n = plain.n_networks
            floor = np.mean([0.5 * np.abs(rng.multinomial(n, p.ravel()) / n - p.ravel()).sum()
                             for _ in range(20)])
            self._target = (edges, p, float(floor))
        edges, p, floor = self._target
        out = {name: theory.total_variation(points, edges, p)
               for name, points in self.positions().items()}
        out["floor"] = floor
        return out

    def summary(self) -> dict[str, dict]:
        """Per population: fraction reached, quartiles of the time to reward (NaN where fewer
        than a quarter / half / three quarters got there)."""
        out = {}
        for name, p in self.populations.items():
            hit = np.where(p.first_hit >= 0, p.first_hit, np.inf).astype(float)
            q = np.percentile(hit, [25, 50, 75], method="lower")
            out[name] = {"reached": float(np.isfinite(hit).mean()),
                         "quartiles": [float(v) if np.isfinite(v) else float("nan")
                                       for v in q]}
        return out


def population_reward(population: RewardNetworks) -> np.ndarray:
    from ...synaptic_sampling.theory import expected_reward

    return expected_reward(population._task, population.theta, population.w0,
                           population.theta0)


def _pair(population):
    from ...synaptic_sampling.theory import pair_indices

    return pair_indices(population._task)
