"""The metastable-states tab's model: the modern Hopfield network on stored bitmaps, at one β.

At large β the update ξ ← X softmax(βXᵀξ) retrieves one stored pattern; at small β its fixed
point averages several (metastable states), the mean of all as β → 0 (docs/science.md section 4).
How many patterns the fixed point averages is 1/Σp² of its attention weights p. No GUI code here.
"""

import numpy as np
import param

from ...dense_memory.modern import ModernHopfield, fixed_point_profile
from ...hopfield import patterns as pattern_sets
from ...params import Count, FiniteNumber

#: the β of the profile across β
BETAS = np.geomspace(5e-4, 5.0, 60)


class MetastableStates(param.Parameterized):
    """The modern network on character bitmaps: a cue, its fixed point at β, the profile
    across β. ``refresh()`` after a change; the view watches the parameters and does."""

    source = param.Selector(default="digits", objects=["digits", "letters", "random"],
                            doc="Stored patterns: digits, letters or random.")
    beta = FiniteNumber(0.02, bounds=(0.0005, 5.0), softbounds=(0.001, 0.2), step=0.001,
                        doc="Inverse temperature β.")
    target = Count(3, bounds=(0, 9), doc="Which pattern the cue comes from.")
    noise = FiniteNumber(0.3, bounds=(0.0, 0.5), step=0.01, doc="Fraction of bits flipped.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of the noise.")

    def __init__(self, **params):
        super().__init__(**params)
        self.refresh(full=True)

    def _patterns(self):
        if self.source == "random":
            return pattern_sets.random_patterns(10, pattern_sets.SIDE ** 2, self.seed)
        return pattern_sets.characters(pattern_sets.CHARACTER_SETS[self.source])

    def refresh(self, full=False):
        """Recall from the cue at the current β (``full``: new patterns, cue and profile)."""
        if full:
            self.patterns = self._patterns().astype(np.float64)
            target = min(self.target, len(self.patterns) - 1)
            self.cue = pattern_sets.corrupt(self.patterns[target], self.noise,
                                            self.seed).astype(np.float64)
            self.network = ModernHopfield(beta=self.beta).store(self.patterns)
            self.profile = fixed_point_profile(self.network, self.cue, BETAS)
        self.network.beta = self.beta
        self.result = self.network.recall(self.cue, max_updates=200, tol=1e-9)

    @property
    def kind(self) -> str:
        """What the fixed point is, in words."""
        k = self.result.effective_patterns
        if k < 1.05:
            return "a single stored pattern"
        if k > 0.9 * len(self.patterns):
            return "the average of all stored patterns"
        return f"a metastable state mixing about {k:.1f} patterns"

    def status(self) -> str:
        r = self.result
        return (f"β = {self.beta:g}: the fixed point is {self.kind} "
                f"(1/Σp² = {r.effective_patterns:.2f}); energy {r.energies[0]:.2f} → "
                f"{r.energies[-1]:.2f}.")
