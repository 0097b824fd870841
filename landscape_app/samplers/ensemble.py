"""Ensemble samplers: the affine-invariant stretch move (emcee) and differential-evolution MCMC —
the gradient-free samplers whose walkers propose from each other (docs/samplers.md, "Ensemble
moves"; kernel ``kernels/ensemble.py``).

The chains are walkers in ensembles of ``walkers`` consecutive chains (the last ensemble takes
the remainder, or joins the one before it when fewer than 4 walkers are left): chains of one
ensemble interact, ensembles do not. So chain i's path depends on the chains of its own
ensemble only — the first full ensembles of a run are the same whatever ``n_chains``.
"""

from __future__ import annotations

import numpy as np

from ..kernels.ensemble import DIFFERENTIAL_EVOLUTION, STRETCH, ensemble_kernel
from ..kernels.rng import start_generator
from ..params import Count, FiniteNumber
from .base import Sampler, _validate_start

#: the fewest walkers an ensemble may have (DE draws two others from the other half)
MIN_WALKERS = 4


def split_groups(n_chains: int, size: int, minimum: int) -> np.ndarray:
    """The first chain of each set of ``size`` consecutive chains, then n_chains; a last set
    smaller than ``minimum`` joins the one before it."""
    starts = list(range(0, n_chains, size))
    if n_chains - starts[-1] < minimum and len(starts) > 1:
        starts.pop()
    return np.array([*starts, n_chains], dtype=np.int64)


def group_starts(n_chains: int, walkers: int) -> np.ndarray:
    """The first chain of each ensemble, then n_chains."""
    if n_chains < MIN_WALKERS:
        raise ValueError(f"ensemble moves need at least {MIN_WALKERS} chains (walkers), got "
                         f"{n_chains}")
    return split_groups(n_chains, walkers, MIN_WALKERS)


def tile_groups(starts: np.ndarray, walkers_per_tile: int = 512) -> np.ndarray:
    """The first ensemble of each kernel tile, then the number of ensembles: whole ensembles,
    about ``walkers_per_tile`` walkers a tile (their state stays in cache, and the tiles are
    what the threads share)."""
    sizes = np.diff(starts)
    tiles, total = [0], 0
    for g, size in enumerate(sizes):
        if total and total + size > walkers_per_tile:
            tiles.append(g)
            total = 0
        total += size
    return np.array([*tiles, len(sizes)], dtype=np.int64)


class _Ensemble(Sampler):
    uses_gradient = False
    is_metropolis = True
    walkers = Count(32, bounds=(MIN_WALKERS, 100_000), softbounds=(4, 256),
                    doc="Walkers per ensemble: consecutive chains that propose from each "
                        "other.")
    start_spread = FiniteNumber(0.01, bounds=(0.0, 1.0), softbounds=(0.0, 0.1),
                                doc="Walkers start in a ball this fraction of the window "
                                    "around their start (the stretch move cannot leave a "
                                    "point where all its walkers sit).")
    _move = STRETCH

    def init_state(self, start=None):
        """As every sampler's, with the walkers spread in a small Gaussian ball around their
        starts (emcee's advice: an ensemble at one point proposes only that point)."""
        n = self.n_chains
        positions = self.random_starts(n) if start is None else _validate_start(start, n)
        group_starts(n, int(self.walkers))
        if self.start_spread > 0:
            x0, x1, y0, y1 = self._require_landscape().window
            scale = self.start_spread * np.array([x1 - x0, y1 - y0])
            ball = np.random.default_rng(start_generator(self.seed).integers(2**62))
            positions = positions + scale * ball.standard_normal((n, 2))
        return super().init_state(positions)

    def _last_proposal_shape(self, n_chains):
        return None

    def _settings(self):
        raise NotImplementedError

    def _advance(self, state, temperatures, thin, out, diverged):
        groups = group_starts(state.n_chains, int(self.walkers))
        ensemble_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, state.live, state.streams, state.accept_count),
            groups, tile_groups(groups), np.ascontiguousarray(temperatures),
            (self._move, *self._settings(), int(thin), float(self.divergence_bound),
             int(state.step)),
            (out["positions"], out["energies"], out["accepted"]),
        )


class StretchMove(_Ensemble):
    """Stretch move (emcee): y = x_j + z(x_k − x_j) from a walker j of the other half.

    Goodman & Weare's affine-invariant move, z ~ g(z) ∝ 1/√z on [1/a, a], accepted with
    min(1, z·exp(−ΔE/T)) in 2-D; the two halves of each ensemble move in turn (emcee's
    red–blue split). Invariant under affine maps of the landscape: a banana or a narrow valley
    mixes as a round well does. Gradient-free: one energy evaluation per walker and step.
    ``step_size`` is a − 1, how far a stretch may reach (1: emcee's default a = 2).
    """

    step_size = FiniteNumber(1.0, bounds=(0.0, 99.0), inclusive_bounds=(False, True),
                             softbounds=(0.05, 4.0),
                             doc="Stretch reach a − 1: z ∈ [1/a, a] (1 is emcee's a = 2).")

    def _settings(self):
        return 1.0 + float(self.step_size), 0.0, 0


class DEMCMC(_Ensemble):
    """DE-MCMC (ter Braak 2006): y = x_k + γ(x_a − x_b) + ε ξ from two walkers of the other half.

    Differential evolution's proposal as a Metropolis move: the difference of two other walkers
    sets the step's size and direction (so it follows the target's shape), γ = 2.38/√(2d) =
    1.19 in 2-D, a small jitter ε ξ keeps it irreducible, and every ``jump_every``-th step
    γ = 1 jumps between modes. Accepted with min(1, exp(−ΔE/T)); gradient-free.
    ``step_size`` is the jitter ε.
    """

    step_size = FiniteNumber(1e-3, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-5, 0.1),
                             doc="Jitter ε of the proposal (standard deviation; > 0 keeps "
                                 "the chain irreducible).")
    gamma = FiniteNumber(1.19, bounds=(0.0, 10.0), inclusive_bounds=(False, True),
                         softbounds=(0.1, 2.0),
                         doc="Scale γ of the difference (2.38/√(2d) = 1.19 for d = 2).")
    jump_every = Count(10, bounds=(0, 100_000), softbounds=(0, 50),
                       doc="Every this many steps γ = 1, a jump between modes (0: never).")
    _move = DIFFERENTIAL_EVOLUTION

    def _settings(self):
        return float(self.gamma), float(self.step_size), int(self.jump_every)
