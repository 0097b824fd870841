"""Parallel tempering (replica exchange): K replicas per chain on a temperature ladder, with
swaps between neighbours; the coldest replica is the chain (docs/samplers.md, "Parallel
tempering"; kernel ``kernels/tempering.py``)."""

from __future__ import annotations

import numpy as np
import param

from ..kernels.rng import chain_streams
from ..kernels.tempering import MALA, RWM, tempering_kernel
from ..params import Count, FiniteNumber
from .base import Sampler

#: replicas × chains one run may hold (each replica's state is ~60 bytes)
MAX_REPLICAS = 4_000_000
MOVES = {"RWM": RWM, "MALA": MALA}


class ParallelTempering(Sampler):
    """Parallel tempering: K replicas per chain from T to hottest·T, neighbours swap states.

    ``replicas`` copies of each chain at T_k = T·r^k, r = (``hottest``)^(1/(K−1)) (a
    geometric ladder from T to ``hottest``·T); each replica moves by
    ``move`` (random-walk Metropolis, scale s·√(T_k/T), or MALA, step η) and every
    ``swap_every`` steps neighbours swap with probability min(1, exp((E_k − E_{k+1})(1/T_k −
    1/T_{k+1}))), even and odd pairs in turn. Exact for exp(−E/T) in the coldest replica, which
    is the output; the hot replicas cross the barriers and hand their states down.

    Costs K evaluations a step (gradients for MALA, energies for RWM). ``ladder()`` gives the
    temperatures; ``swap_rates(run)`` each neighbour pair's acceptance; ``replica_states(run)``
    every replica's last position.
    """

    is_metropolis = True
    temperature = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                               softbounds=(0.05, 50.0),
                               doc="Temperature T of the coldest replica (the output).")
    step_size = FiniteNumber(0.05, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 1.0),
                             doc="Proposal scale s (RWM, × √(T_k/T) in replica k) or step η "
                                 "(MALA).")
    replicas = Count(8, bounds=(2, 64), softbounds=(2, 16),
                     doc="Replicas K per chain, at T, …, hottest × T.")
    hottest = FiniteNumber(30.0, bounds=(1.0, 1e6), inclusive_bounds=(False, True),
                           softbounds=(1.5, 200.0),
                           doc="The hottest replica's temperature as a multiple of T.")
    swap_every = Count(1, bounds=(1, 10_000), softbounds=(1, 50),
                       doc="Steps between swap rounds (each round tries half the pairs).")
    move = param.Selector(default="MALA", objects=list(MOVES),
                          doc="Each replica's move: MALA (gradient) or random-walk Metropolis.")

    @property
    def uses_gradient(self):
        return self.move == "MALA"

    def _grad_evals_per_step(self):
        return self.replicas if self.uses_gradient else 0

    def _energy_evals_per_step(self):
        return 0 if self.uses_gradient else self.replicas

    def _last_proposal_shape(self, n_chains):
        return None

    def ladder(self) -> np.ndarray:
        """T_k / T, k = 0 … K − 1: geometric from 1 to ``hottest``."""
        k = self.replicas
        return float(self.hottest) ** (np.arange(k) / (k - 1))

    def _init_extra(self, state):
        n, k = state.n_chains, self.replicas
        if float(n) * k > MAX_REPLICAS:
            raise ValueError(f"{n:,} chains × {k} replicas exceed {MAX_REPLICAS:,} replicas: "
                             "fewer chains or replicas")
        # every replica starts at its chain's start; its own stream (the chain's stream, slot
        # 0's, draws the swaps)
        extra = {
            "rx": np.repeat(state.x, k), "ry": np.repeat(state.y, k),
            "re": np.repeat(state.energy, k), "rgx": np.repeat(state.grad_x, k),
            "rgy": np.repeat(state.grad_y, k),
            "rstreams": chain_streams(int(self.seed) ^ 0x7E3A9, n * k),
            "raccepts": np.zeros(n * k, dtype=np.int64),
            "swap_accepts": np.zeros((n, k - 1), dtype=np.int64),
            "swap_attempts": np.zeros((n, k - 1), dtype=np.int64),
        }
        state.extra.update(extra)

    def _advance(self, state, temperatures, thin, out, diverged):
        if temperatures.size and not np.all(temperatures > 0):
            raise ValueError("parallel tempering needs T > 0 at every step (its swaps divide "
                             "by T): use the constant schedule or a final temperature > 0")
        extra = state.extra
        if extra["rx"].size != state.n_chains * self.replicas:
            raise ValueError(f"this state has {extra['rx'].size // state.n_chains} replicas "
                             f"per chain, the sampler {self.replicas}: resume with the same K")
        before = extra["raccepts"][::self.replicas].copy()
        tempering_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (extra["rx"], extra["ry"], extra["re"], extra["rgx"], extra["rgy"],
             extra["rstreams"], extra["raccepts"], state.live, state.streams,
             extra["swap_accepts"], extra["swap_attempts"]),
            np.ascontiguousarray(self.ladder()), np.ascontiguousarray(temperatures),
            (MOVES[self.move], float(self.step_size), int(self.swap_every), int(thin),
             float(self.divergence_bound), int(state.step)),
            (out["positions"], out["energies"], out["accepted"]),
        )
        k = self.replicas
        state.x[:], state.y[:] = extra["rx"][::k], extra["ry"][::k]
        state.energy[:] = extra["re"][::k]
        state.grad_x[:], state.grad_y[:] = extra["rgx"][::k], extra["rgy"][::k]
        state.accept_count += extra["raccepts"][::k] - before

    # -- what a page shows --------------------------------------------------------------------
    @staticmethod
    def _state(run):
        return getattr(run, "final_state", run)

    def swap_rates(self, run) -> np.ndarray:
        """The swaps accepted / tried of each neighbour pair (K − 1,), over all chains and the
        whole history of ``run``'s state (a ``Run`` or its ``ChainState``)."""
        extra = self._state(run).extra
        tried = extra["swap_attempts"].sum(axis=0)
        return np.where(tried > 0, extra["swap_accepts"].sum(axis=0) / np.maximum(tried, 1),
                        np.nan)

    def replica_acceptance(self, run) -> np.ndarray:
        """Each replica's move acceptance (K,), over all chains and steps so far."""
        state, k = self._state(run), self.replicas
        extra, steps = state.extra, max(state.step, 1)
        return extra["raccepts"].reshape(-1, k).mean(axis=0) / steps

    def replica_states(self, run) -> np.ndarray:
        """Every replica's position after the run (n_chains, K, 2), coldest first."""
        extra, k = self._state(run).extra, self.replicas
        return np.stack([extra["rx"], extra["ry"]], axis=1).reshape(-1, k, 2)
