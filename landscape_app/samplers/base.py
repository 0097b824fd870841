"""The Sampler model and its chain state: what every method shares.

A sampler is a ``param.Parameterized`` object (validated, widget-ready parameters) whose ``run``
prepares the chains' state, calls its method's numba kernel once for all chains and all steps,
and returns a ``Run``. ``run(resume=previous_run)`` continues exactly where a run stopped
(positions, velocities, random streams, annealing clock), which is how the app streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np
import param

from .. import landscapes
from ..kernels.rng import chain_streams, start_generator
from ..landscapes.base import Landscape
from ..limits import check_steps, count
from ..params import FiniteNumber
from .run import Run
from .schedules import temperature_schedule
from .settings import MAX_CHAINS, ScheduleSettings  # noqa: F401  (MAX_CHAINS: API)

#: refuse runs whose stored trajectory would exceed this (use thin=...)
MAX_STORED_BYTES = 4 * 1024**3


class LandscapeParameter(param.ClassSelector):
    """A Landscape, or the name of a registered one (converted on assignment)."""

    def __init__(self, **params):
        super().__init__(class_=Landscape, **params)

    def __set__(self, obj, val):
        if isinstance(val, str):
            val = landscapes.get(val)
        super().__set__(obj, val)


@dataclass
class ChainState:
    """Everything needed to continue the chains: one entry per chain in each array."""

    x: np.ndarray
    y: np.ndarray
    energy: np.ndarray
    grad_x: np.ndarray
    grad_y: np.ndarray
    live: np.ndarray
    diverged_at: np.ndarray  # absolute step at which the chain was stopped, −1 if never
    streams: np.ndarray
    accept_count: np.ndarray
    divergent_count: np.ndarray
    extra: dict = field(default_factory=dict)  # velocities, Adam moments, …
    step: int = 0

    @property
    def n_chains(self) -> int:
        return self.x.shape[0]

    @property
    def positions(self) -> np.ndarray:
        return np.column_stack([self.x, self.y])

    def copy(self) -> ChainState:
        arrays = {k: getattr(self, k).copy() for k in (
            "x", "y", "energy", "grad_x", "grad_y", "live", "diverged_at", "streams",
            "accept_count", "divergent_count")}
        return replace(self, **arrays, extra={k: v.copy() for k, v in self.extra.items()})


def _validate_start(start, n_chains: int) -> np.ndarray:
    array = np.asarray(start, dtype=np.float64)
    if array.shape == (2,):
        array = np.broadcast_to(array, (n_chains, 2))
    if array.shape != (n_chains, 2):
        raise ValueError(
            f"start must have shape (n_chains, 2) = ({n_chains}, 2) or (2,), "
            f"got shape {np.shape(start)}"
        )
    bad = ~np.all(np.isfinite(array), axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(str(r) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
        raise ValueError(f"start contains NaN or inf values (rows {shown})")
    return np.ascontiguousarray(array)


class Sampler(ScheduleSettings):
    """Base of every sampler and optimizer: ``n_chains`` chains stepped by one numba kernel."""

    landscape = LandscapeParameter(default=None, allow_None=True,
                                   doc="The landscape (or the name of a registered one).")
    step_size = FiniteNumber(1e-3, bounds=(0.0, None), inclusive_bounds=(False, True),
                             softbounds=(1e-5, 0.5), doc="Step size η (or ε, h, s).")
    divergence_bound = FiniteNumber(1e8, bounds=(0.0, None), inclusive_bounds=(False, True),
                                    doc="A chain with |x| or |y| beyond this is stopped as "
                                        "diverged.")

    #: whether the method evaluates ∇E
    uses_gradient: ClassVar[bool] = True
    #: whether each step has an accept/reject decision
    is_metropolis: ClassVar[bool] = False

    def __init__(self, landscape=None, **params):
        if landscape is not None:
            params["landscape"] = landscape
        super().__init__(**params)

    # -- hooks of the methods ---------------------------------------------------------------
    def _grad_evals_per_step(self) -> int:
        return 1 if self.uses_gradient else 0

    def _energy_evals_per_step(self) -> int:
        return 0 if self.uses_gradient else 1

    def _init_extra(self, state: ChainState) -> None:
        """Add method-specific state (velocities, …) to a fresh state."""

    def _advance(self, state: ChainState, temperatures, thin, out, diverged) -> None:
        """Run the kernel: advance ``state`` in place and fill the output arrays in ``out``.

        ``diverged`` receives, for chains stopped during this call, their 1-based step.
        """
        raise NotImplementedError

    def _last_proposal_shape(self, n_chains):
        return (n_chains, 2) if self.is_metropolis else None

    # -- public API -------------------------------------------------------------------------
    @property
    def method(self) -> str:
        return type(self).__name__

    def temperatures(self, first_step: int, n_steps: int) -> np.ndarray:
        """The schedule's T(k) for steps first_step … first_step + n_steps − 1."""
        return temperature_schedule(self.schedule, self.temperature, first_step, n_steps,
                                    self.cooling_rate, self.anneal_steps, self.final_temperature)

    def _require_landscape(self) -> Landscape:
        if self.landscape is None:
            raise ValueError(f"{self.method} needs a landscape: pass landscape=... "
                             f"(one of {', '.join(landscapes.names())} or a Landscape)")
        return self.landscape

    def random_starts(self, n_chains: int | None = None) -> np.ndarray:
        """Uniform random starts in the landscape's window, fixed by the seed."""
        n = self.n_chains if n_chains is None else n_chains
        x0, x1, y0, y1 = self._require_landscape().window
        # row-major draws: chain i's start does not depend on how many chains there are
        u = start_generator(self.seed).random((n, 2))
        return np.column_stack([x0 + (x1 - x0) * u[:, 0], y0 + (y1 - y0) * u[:, 1]])

    def init_state(self, start=None) -> ChainState:
        """A fresh state for the chains at ``start`` ((n_chains, 2), (2,) or None = random)."""
        land = self._require_landscape()
        n = self.n_chains
        positions = self.random_starts(n) if start is None else _validate_start(start, n)
        x = np.ascontiguousarray(positions[:, 0])
        y = np.ascontiguousarray(positions[:, 1])
        energy, gradient = land.energy_and_gradient(positions)
        bound = self.divergence_bound
        live = np.isfinite(energy) & (np.abs(x) <= bound) & (np.abs(y) <= bound)
        state = ChainState(
            x=x.copy(), y=y.copy(), energy=energy,
            grad_x=np.ascontiguousarray(np.where(live, gradient[:, 0], 0.0)),
            grad_y=np.ascontiguousarray(np.where(live, gradient[:, 1], 0.0)),
            live=live, diverged_at=np.where(live, -1, 0).astype(np.int64),
            streams=chain_streams(self.seed, n),
            accept_count=np.zeros(n, dtype=np.int64),
            divergent_count=np.zeros(n, dtype=np.int64),
        )
        self._init_extra(state)
        return state

    def run(self, n_steps: int, start=None, thin: int = 1, resume=None) -> Run:
        """Advance ``n_chains`` chains by ``n_steps`` steps.

        ``start``: (n_chains, 2) or (2,) array, or None for uniform random starts in the
        window. ``thin``: store every ``thin``-th state (n_steps must be a multiple).
        ``resume``: a previous ``Run`` (or its ``final_state``) to continue from.
        """
        n_steps = count(n_steps, "n_steps", 0)
        thin = count(thin, "thin")
        if n_steps % thin:
            raise ValueError(f"n_steps ({n_steps}) must be a multiple of thin ({thin})")
        check_steps(int(n_steps), f"run({n_steps:,})", "run in pieces with resume=...")
        land = self._require_landscape()
        n = self.n_chains
        records = n_steps // thin + 1
        stored = records * n * 3 * 8
        if stored > MAX_STORED_BYTES:
            raise ValueError(
                f"this run would store {stored / 1024**3:.1f} GiB of trajectories "
                f"({records:,} records × {n:,} chains); pass thin=... to store fewer steps")
        if resume is not None:
            if start is not None:
                raise ValueError("give either start or resume, not both")
            previous = resume.final_state if isinstance(resume, Run) else resume
            if previous.n_chains != self.n_chains:
                raise ValueError(f"resume has {previous.n_chains} chains but n_chains is "
                                 f"{self.n_chains}")
            state = previous.copy()
            initial_evals = 0
        else:
            state = self.init_state(start)
            initial_evals = self.n_chains
        temperatures = self.temperatures(state.step, n_steps)
        out = {
            "positions": np.empty((records, n, 2)),
            "energies": np.empty((records, n)),
            "accepted": np.zeros((records - 1, n), dtype=np.bool_) if self.is_metropolis
            else None,
            "last_proposal": np.full(self._last_proposal_shape(n), np.nan)
            if self._last_proposal_shape(n) else None,
            "last_path": None,
        }
        first_step = state.step
        accepted_before = state.accept_count.copy()
        divergent_before = state.divergent_count.copy()
        live_before = state.live.copy()
        # kernels write the 1-based step of this run at which a chain stops (and, with
        # n_steps = 0, just record the starting state)
        kernel_diverged = np.full(n, -1, dtype=np.int64)
        self._advance(state, temperatures, thin, out, kernel_diverged)
        newly = live_before & ~state.live
        state.diverged_at[newly] = first_step + kernel_diverged[newly]
        state.step += n_steps
        land.check_errors()
        live_steps = np.where(live_before, n_steps, 0)
        stopped = live_before & ~state.live
        live_steps[stopped] = state.diverged_at[stopped] - first_step
        chain_steps = int(live_steps.sum())
        grad_evals = out.get("grad_evals", chain_steps * self._grad_evals_per_step())
        energy_evals = chain_steps * self._energy_evals_per_step()
        if self.uses_gradient:
            grad_evals += initial_evals
        else:
            energy_evals += initial_evals
        return Run(
            positions=out["positions"],
            energies=out["energies"],
            accepted=out["accepted"],
            temperatures=temperatures,
            steps=first_step + np.arange(records) * thin,
            grad_evals=int(grad_evals),
            energy_evals=int(energy_evals),
            diverged_at=state.diverged_at.copy(),
            accept_count=state.accept_count - accepted_before,
            divergent_count=state.divergent_count - divergent_before,
            final_state=state,
            landscape=land,
            method=self.method,
            settings=self.settings(),
            is_metropolis=self.is_metropolis,
            last_proposal=out["last_proposal"],
            last_path=out["last_path"],
            n_steps=n_steps,
            thin=thin,
        )

    def settings(self) -> dict:
        """The sampler's parameter values (without the landscape object)."""
        values = {k: v for k, v in self.param.values().items() if k not in ("landscape", "name")}
        values["landscape"] = getattr(self.landscape, "name", None)
        return values
