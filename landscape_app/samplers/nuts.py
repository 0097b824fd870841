"""The No-U-Turn sampler with dual-averaging step-size adaptation (docs/samplers.md, "NUTS";
kernel ``kernels/nuts.py``)."""

from __future__ import annotations

import math

import numpy as np

from ..kernels.nuts import PATH_CHAINS, nuts_kernel
from ..params import Count, FiniteNumber
from .base import Sampler


class NUTS(Sampler):
    """NUTS: HMC whose trajectory doubles until it turns back, then picks a point on it.

    Multinomial NUTS with the generalised U-turn criterion (Betancourt 2017), the Stan /
    NumPyro / BlackJAX default: p ~ N(0, T·I), a leapfrog tree of H = E + |p|²/2 doubled in a
    random direction until ρ·p⁻ ≤ 0 or ρ·p⁺ ≤ 0 for the tree or any of its subtrees, or
    ``max_depth`` doublings; the next state is drawn from the tree with weights exp(−H/T).
    Exact for exp(−E/T). During the first ``adapt_steps`` steps each chain tunes its own ε by
    dual averaging towards the mean acceptance statistic ``target_accept``; later steps use
    the averaged ε̄. One gradient evaluation per leapfrog step (2ʲ − 1 … for depth j, counted
    exactly). The last step's trees of the first 32 chains are kept in ``run.last_path``.
    ``tree_statistics(run)`` gives the adapted ε, the mean acceptance statistic, tree depth and
    leapfrog steps per step.
    """

    is_metropolis = True
    step_size = FiniteNumber(0.1, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 1.0),
                             doc="Leapfrog step ε: the start of the adaptation (or the step "
                                 "used throughout, with no adaptation steps).")
    temperature = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                               softbounds=(0.05, 50.0),
                               doc="Temperature T of the target exp(−E/T).")
    max_depth = Count(10, bounds=(1, 12), softbounds=(1, 12),
                      doc="At most 2^depth − 1 leapfrog steps per step (Stan's 10).")
    adapt_steps = Count(500, bounds=(0, 10_000_000), softbounds=(0, 5000),
                        doc="Warm-up steps that adapt ε by dual averaging (0: fixed ε).")
    target_accept = FiniteNumber(0.8, bounds=(0.05, 0.99), softbounds=(0.5, 0.95),
                                 doc="Dual averaging's target mean acceptance statistic δ.")

    def _grad_evals_per_step(self):
        return 0  # counted per leapfrog step by the kernel (``_advance``)

    def _init_extra(self, state):
        n = state.n_chains
        log_eps = math.log(float(self.step_size))
        state.extra.update({
            "log_step": np.full(n, log_eps), "log_step_bar": np.full(n, log_eps),
            "h_bar": np.zeros(n), "stat_sum": np.zeros(n), "depth_sum": np.zeros(n),
            "leapfrogs": np.zeros(n, dtype=np.int64), "transitions": np.zeros(n, dtype=np.int64),
            "mu": np.array([math.log(10.0 * float(self.step_size))]),
        })

    def _advance(self, state, temperatures, thin, out, diverged):
        if temperatures.size and not np.all(temperatures > 0):
            raise ValueError("NUTS needs T > 0 at every step (its weights are exp(−H/T)): use "
                             "the constant schedule or a final temperature > 0")
        extra = state.extra
        depth = int(self.max_depth)
        out["last_path"] = np.full(((1 << depth) + 2, min(state.n_chains, PATH_CHAINS), 2),
                                   np.nan)
        before = {key: extra[key].copy() for key in ("stat_sum", "depth_sum", "leapfrogs")}
        nuts_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, state.energy, state.grad_x, state.grad_y, state.live,
             state.streams, state.accept_count, state.divergent_count),
            (extra["log_step"], extra["log_step_bar"], extra["h_bar"], extra["stat_sum"],
             extra["depth_sum"], extra["leapfrogs"]),
            np.ascontiguousarray(temperatures),
            (float(extra["mu"][0]), float(self.target_accept), int(self.adapt_steps),
             int(state.step), depth, int(thin), float(self.divergence_bound)),
            (out["positions"], out["energies"], out["accepted"], out["last_path"]),
        )
        extra["transitions"] += np.where(state.live, temperatures.size, 0)
        for key, value in before.items():
            extra["run_" + key] = extra[key] - value
        out["grad_evals"] = int(extra["run_leapfrogs"].sum())

    def _last_proposal_shape(self, n_chains):
        return None

    def step_sizes(self, run) -> np.ndarray:
        """Each chain's ε now: the adapting ε during warm-up, the averaged ε̄ after it."""
        state = getattr(run, "final_state", run)
        adapting = state.step < int(self.adapt_steps)
        return np.exp(state.extra["log_step" if adapting else "log_step_bar"])

    def tree_statistics(self, run) -> dict:
        """Means over chains and steps of ``run`` (a ``Run``: that run only; a ``ChainState``:
        its whole history): acceptance statistic α, tree depth, leapfrog steps per step, and
        the mean step size ε now."""
        if hasattr(run, "final_state"):
            state, steps, prefix = run.final_state, run.live_steps, "run_"
        else:
            state, steps, prefix = run, run.extra["transitions"], ""
        sums = {key: np.sum(state.extra[prefix + key])
                for key in ("stat_sum", "depth_sum", "leapfrogs")}
        total = max(int(np.sum(steps)), 1)
        return {"accept_stat": float(sums["stat_sum"] / total),
                "tree_depth": float(sums["depth_sum"] / total),
                "leapfrogs_per_step": float(sums["leapfrogs"] / total),
                "step_size": float(np.mean(self.step_sizes(state)))}
