"""The comparison's page model: two to four samplers on one landscape, stepped together.

Every sampler gets its own ``Experiment`` on one shared ``Scene``, with the same seed (so the same
starts) and temperature; the summary adds each one's basin statistics. No GUI code here.
"""

from __future__ import annotations

import param

from ... import samplers
from ..explorer.experiment import Experiment, adopt_temperature_bounds
from ..sampling import ComparisonSettings, build_landscape
from ..scene import Scene


class Comparison(ComparisonSettings):
    """Two to four samplers on one landscape, with the same seed and starts, stepped together."""

    methods = param.ListSelector(default=["MALA", "HMC", "RandomWalkMetropolis"],
                                 objects=list(samplers.METHODS),
                                 doc="The samplers compared (two to four).")
    error = param.String("")

    def __init__(self, **params):
        super().__init__(**params)
        self._check_methods(self.methods)
        self.scene = None
        self.experiments: list[Experiment] = []
        self._load_scene()
        self._build_experiments()

    @staticmethod
    def _check_methods(methods):
        if not 2 <= len(methods) <= 4:
            raise ValueError(f"compare two to four samplers, got {len(methods)}")

    def _load_scene(self) -> bool:
        land = build_landscape(self.landscape, self.expression)
        if isinstance(land, str):
            self.error = land
            return False
        self.error = ""
        self.scene = Scene(land)
        self.temperature = self.scene.suggestions["temperature"]
        return True

    @property
    def ordered_methods(self) -> list[str]:
        """The chosen samplers in the registry's order: the order in which the page's sampler
        chips show them (plots and table rows once followed the order of choosing)."""
        return [m for m in samplers.METHODS if m in self.methods]

    def _build_experiments(self):
        adopt_temperature_bounds(self, self.methods, self.scene)
        self.experiments = [
            Experiment(scene=self.scene, method=m, temperature=self.temperature,
                       n_chains=self.n_chains, seed=self.seed)
            for m in self.ordered_methods]
        for exp in self.experiments:
            exp.ensure_basins()

    @param.depends("landscape", "expression", watch=True)
    def _on_landscape(self):
        if self._load_scene():
            for exp in self.experiments:
                exp.temperature = self.temperature
                exp.set_scene(self.scene)
                exp.ensure_basins()

    @param.depends("methods", watch=True)
    def _on_methods(self):
        self._check_methods(self.methods)
        self._build_experiments()

    @param.depends("temperature", "n_chains", "seed", watch=True)
    def _on_shared(self):
        for exp in self.experiments:
            exp.param.update(temperature=self.temperature, n_chains=self.n_chains, seed=self.seed)
            exp.ensure_basins()

    def reset(self):
        for exp in self.experiments:
            exp.reset()
            exp.ensure_basins()

    def advance(self, n_steps: int = 1) -> list[str]:
        messages = []
        for exp in self.experiments:
            messages += [f"{exp.method}: {m}" for m in exp.advance(n_steps)]
        return messages

    @property
    def steps_done(self) -> int:
        return self.experiments[0].steps_done if self.experiments else 0

    def summary(self, with_ess: bool = True, block: bool = True) -> list[dict]:
        rows = []
        for exp in self.experiments:
            row = exp.summary(with_ess=with_ess, block=block)
            row.update(exp.basin_statistics())
            rows.append(row)
        return rows
