"""The result of ``Sampler.run``: trajectories, costs, and their diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Run:
    """Trajectories of ``n_chains`` chains and what they cost.

    positions  (records, n_chains, 2), records = n_steps/thin + 1; NaN after a chain stopped
    energies   (records, n_chains)
    accepted   (records − 1, n_chains) bool for Metropolis-type methods (the decision of the
               step that produced each record), None otherwise
    temperatures (n_steps,) the temperature of every step
    steps      (records,) the absolute step number of every record
    grad_evals / energy_evals: evaluations of ∇E (with E) / of E alone, over live chains
    diverged_at (n_chains,) the step at which a chain was stopped, −1 if it never was
    """

    positions: np.ndarray
    energies: np.ndarray
    accepted: np.ndarray | None
    temperatures: np.ndarray
    steps: np.ndarray
    grad_evals: int
    energy_evals: int
    diverged_at: np.ndarray
    accept_count: np.ndarray
    divergent_count: np.ndarray
    final_state: Any
    landscape: Any
    method: str
    settings: dict
    is_metropolis: bool
    last_proposal: np.ndarray | None
    last_path: np.ndarray | None
    n_steps: int
    thin: int

    @property
    def n_chains(self) -> int:
        return self.positions.shape[1]

    @property
    def evaluations(self) -> int:
        """Calls of the landscape at one point (a gradient evaluation includes its energy)."""
        return self.grad_evals + self.energy_evals

    @property
    def diverged(self) -> np.ndarray:
        """(n_chains,) bool: chains that have been stopped (NaN, inf or out of bounds)."""
        return self.diverged_at >= 0

    @property
    def live_steps(self) -> np.ndarray:
        """Steps each chain took in this run while alive."""
        first = int(self.steps[0])
        stopped = np.where(self.diverged, self.diverged_at - first, self.n_steps)
        return np.clip(stopped, 0, self.n_steps)

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted proposals / proposals of live chains (None for non-Metropolis methods)."""
        if not self.is_metropolis:
            return None
        proposals = int(self.live_steps.sum())
        return float(self.accept_count.sum() / proposals) if proposals else float("nan")

    def divergence_messages(self, limit: int = 5) -> list[str]:
        """'chain i diverged at step k' for the first ``limit`` stopped chains."""
        idx = np.flatnonzero(self.diverged)
        messages = [f"chain {i} diverged at step {self.diverged_at[i]}" for i in idx[:limit]]
        if len(idx) > limit:
            messages.append(f"… and {len(idx) - limit} more chains diverged")
        return messages

    def draws(self, burn_in: float = 0.5) -> np.ndarray:
        """Post-burn-in positions of the chains that never stopped: (records, chains, 2)."""
        if not 0.0 <= burn_in < 1.0:
            raise ValueError(f"burn_in must be a fraction in [0, 1), got {burn_in}")
        first = int(np.ceil(burn_in * (self.positions.shape[0] - 1)))
        return self.positions[first:, ~self.diverged, :]

    def diagnostics(self, burn_in: float = 0.5, bins: int = 50, max_chains: int = 500,
                    exact=None) -> dict:
        """Acceptance, costs, divergences, bulk/tail ESS, R̂ and the TV distance to p_T.

        See ``diagnostics.summarize`` for the definitions.
        """
        from .diagnostics import summarize

        return summarize(self, burn_in=burn_in, bins=bins, max_chains=max_chains, exact=exact)

    def to_csv(self, path=None) -> str:
        """Trajectories as CSV rows ``step,chain,x,y,energy[,accepted]`` (the text, or written)."""
        records, n, _ = self.positions.shape
        steps = np.repeat(self.steps, n)
        chains = np.tile(np.arange(n), records)
        columns = [steps, chains, self.positions[..., 0].ravel(), self.positions[..., 1].ravel(),
                   self.energies.ravel()]
        header = "step,chain,x,y,energy"
        if self.accepted is not None:
            acc = np.concatenate([np.ones(n, dtype=bool), self.accepted.ravel()])
            columns.append(acc.astype(int))
            header += ",accepted"
        lines = [header]
        fmt = ["%d", "%d", "%.10g", "%.10g", "%.10g", "%d"][: len(columns)]
        for row in zip(*columns, strict=True):
            lines.append(",".join(f % v for f, v in zip(fmt, row, strict=True)))
        text = "\n".join(lines) + "\n"
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text
