"""Microcanonical Langevin Monte Carlo (docs/samplers.md, "MCLMC"; kernel
``kernels/mclmc.py``)."""

from __future__ import annotations

import math

import numpy as np
import param

from ..kernels.mclmc import mclmc_kernel
from ..kernels.rng import start_generator
from ..params import Count, FiniteNumber
from .base import Sampler

#: BlackJAX's default target of Var[energy error]/d (``mclmc_find_L_and_step_size``)
ENERGY_ERROR_TARGET = 5e-4


class MCLMC(Sampler):
    """MCLMC: unit-speed ESH dynamics with a partial velocity refresh (Robnik & Seljak 2023).

    x ← x + ε u with |u| = 1, the velocity turned by the energy-sampling Hamiltonian dynamics
    (leapfrog, its closed-form velocity update), then u ← normalise(c₁u + c₂z/√2),
    c₁ = e^(−ε/L): the direction decorrelates over a path length L (``momentum_length``). No
    accept/reject (unadjusted, bias O(ε²)); its stationary density is exp(−E/T). During the
    first ``adapt_steps`` steps each chain tunes ε so that the energy error's variance per
    dimension is ``energy_error`` (BlackJAX's 5·10⁻⁴), and with ``tune_length`` sets its own
    L = √(Var x + Var y) from its positions over the warm-up's second half (BlackJAX's second
    stage). One gradient evaluation per step. ``energy_error_variance(run)`` gives the measured
    Var[error]/d, ``momentum_lengths(run)`` each chain's L.
    """

    step_size = FiniteNumber(0.1, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-4, 2.0),
                             doc="Step ε (a path length: |u| = 1), the start of its tuning.")
    temperature = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                               softbounds=(0.05, 50.0),
                               doc="Temperature T of the target exp(−E/T).")
    momentum_length = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                                   softbounds=(0.01, 50.0), label="Decoherence length L",
                                   doc="Decoherence length L of the velocity (partial refresh "
                                       "c₁ = e^(−ε/L)).")
    adapt_steps = Count(500, bounds=(0, 10_000_000), softbounds=(0, 5000),
                        doc="Warm-up steps that tune ε to the energy-error target (0: fixed ε).")
    tune_length = param.Boolean(True, doc="At the end of the warm-up each chain sets L = "
                                "√(Var x + Var y) of its positions over the warm-up's second "
                                "half (off: L stays the decoherence length set).")
    energy_error = FiniteNumber(ENERGY_ERROR_TARGET, bounds=(0.0, 1.0),
                                inclusive_bounds=(False, True), softbounds=(1e-5, 0.1),
                                doc="Target Var[energy error]/d of the ε tuning.")

    def _init_extra(self, state):
        n = state.n_chains
        # row-major draws: chain i's direction does not depend on the number of chains
        angles = 2.0 * math.pi * start_generator(int(self.seed) ^ 0x3C1C).random(n)
        state.extra.update({
            "ux": np.cos(angles), "uy": np.sin(angles),
            "step": np.full(n, float(self.step_size)),
            "error_constant": np.zeros(n), "error_sum": np.zeros(n), "error_sq": np.zeros(n),
            "length": np.full(n, float(self.momentum_length)), "moments": np.zeros((5, n)),
        })

    def _advance(self, state, temperatures, thin, out, diverged):
        if temperatures.size and not np.all(temperatures > 0):
            raise ValueError("MCLMC needs T > 0 at every step (its force is ∇E/T): use the "
                             "constant schedule or a final temperature > 0")
        extra = state.extra
        for key in ("error_sum", "error_sq"):
            extra[key][:] = 0.0
        tune = bool(self.tune_length) and int(self.adapt_steps) > 0
        if not tune or int(state.step) < int(self.adapt_steps):
            # the L set holds until the tuning replaces it (a changed widget applies at once)
            extra["length"][:] = float(self.momentum_length)
        if int(state.step) < int(self.adapt_steps) // 2:
            extra["moments"][:] = 0.0
        mclmc_kernel(
            self.landscape.batch_function, self.landscape.kernel_params(),
            (state.x, state.y, extra["ux"], extra["uy"], state.energy, state.grad_x,
             state.grad_y, state.live, diverged, state.streams),
            (extra["step"], extra["error_constant"], extra["error_sum"], extra["error_sq"],
             extra["length"], extra["moments"]),
            np.ascontiguousarray(temperatures),
            (float(self.energy_error), int(self.adapt_steps), int(state.step), int(thin),
             float(self.divergence_bound), tune),
            (out["positions"], out["energies"]),
        )

    def step_sizes(self, run) -> np.ndarray:
        """Each chain's ε now (tuned during the warm-up)."""
        return getattr(run, "final_state", run).extra["step"].copy()

    def momentum_lengths(self, run) -> np.ndarray:
        """Each chain's decoherence length L now (tuned at the end of the warm-up)."""
        return getattr(run, "final_state", run).extra["length"].copy()

    def energy_error_variance(self, run) -> float:
        """Var[energy error]/d over the live chains' steps of ``run`` (d = 2)."""
        extra, steps = run.final_state.extra, run.live_steps
        total = max(int(steps.sum()), 1)
        mean = extra["error_sum"].sum() / total
        return float((extra["error_sq"].sum() / total - mean * mean) / 2.0)
