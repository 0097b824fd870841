"""Learning by control: T ← T + ξ_∞, and what happens to the memories already stored.

A memory is a stored equilibrium ū (the equilibria of A at the start, then every recorded
u_∞). After each round it is checked against the new T: the uncontrolled network started at ū
must settle (speed ≤ tol) within distance K of ū. With a steep g an equilibrium moves by about
the accumulated change of its row of T, so this is the slides' criterion — a memory is
**forgotten** once |Σ ξ_∞| > K and **restored** when a later change brings the sum back
within K — measured where it matters, at the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..kernels import control as kernel

#: statuses of a memory after a round
STATUSES = ("stored", "kept", "forgotten", "restored", "still forgotten")


def settle(model, T, starts, max_steps=4000, tol=1e-9):
    """End points (P, N) of the uncontrolled map from ``starts`` and whether each settled."""
    starts = np.ascontiguousarray(np.atleast_2d(starts), dtype=float)
    out = np.empty_like(starts)
    steps = np.empty(len(starts), dtype=np.int64)
    kernel.settle(np.ascontiguousarray(T, dtype=float), starts, model.dt, model.code,
                  model.gain, max_steps, tol, out, steps)
    return out, (steps <= max_steps) & np.all(np.isfinite(out), axis=1)


def stable_equilibria(model, T, grid=21, window=3.0, seed=0) -> np.ndarray:
    """Distinct settled end points of the uncontrolled map from a grid (N ≤ 3) or from 400
    random starts in [−window, window]ᴺ."""
    n = T.shape[0]
    if n <= 3:
        axis = np.linspace(-window, window, grid if n <= 2 else 9)
        starts = np.stack(np.meshgrid(*[axis] * n, indexing="ij"), axis=-1).reshape(-1, n)
    else:
        starts = np.random.default_rng(seed).uniform(-window, window, (400, n))
    ends, settled = settle(model, T, starts)
    found: list[np.ndarray] = []
    for point in ends[settled]:
        if all(np.linalg.norm(point - q) > 1e-4 for q in found):
            found.append(point)
    found.sort(key=lambda p: tuple(-p))
    return np.array(found).reshape(-1, n)


@dataclass
class Memory:
    position: np.ndarray  # ū
    stored_at: int  # round (0: an equilibrium of A)
    T_stored: np.ndarray  # T when it was stored


@dataclass
class LearningRound:
    """One call of ``learn``: the start, its solution, whether T changed, the new T, and for
    every memory (in order of storage) its status, where the network started at it settles
    (``recalled``) and the accumulated change of T since it was stored (max |ΔTᵢⱼ|)."""

    index: int
    u0: np.ndarray
    solution: object
    applied: bool
    T: np.ndarray
    statuses: list[str]
    recalled: list[np.ndarray]
    change: list[float]

    def describe(self) -> str:
        counts = {s: self.statuses.count(s) for s in STATUSES if s in self.statuses}
        what = ", ".join(f"{c} {s}" for s, c in counts.items())
        action = ("T ← T + ξ_∞" if self.applied else
                  f"T unchanged ({self.solution.outcome}: nothing recorded)")
        return f"round {self.index}: {self.solution.outcome}; {action}; memories: {what}"


@dataclass
class LearningHistory:
    """The memories of a ``ControlledHopfield`` and the rounds of learning so far."""

    model: object
    memories: list[Memory] = field(default_factory=list)
    rounds: list[LearningRound] = field(default_factory=list)
    present: list[bool] = field(default_factory=list)

    def __post_init__(self):
        T = self.model.T
        for point in stable_equilibria(self.model, T):
            self.memories.append(Memory(point, 0, T.copy()))
            self.present.append(True)

    def check(self, T) -> tuple[list[bool], list[np.ndarray], list[float]]:
        """For each memory: present in T?, where the network started at it settles, and the
        accumulated change of T since it was stored."""
        if not self.memories:
            return [], [], []
        starts = np.array([m.position for m in self.memories])
        ends, settled = settle(self.model, T, starts)
        radius = max(self.model.K, 10 * self.model.tol)
        present = [bool(ok and np.linalg.norm(end - m.position) <= radius)
                   for m, end, ok in zip(self.memories, ends, settled, strict=True)]
        change = [float(np.max(np.abs(T - m.T_stored))) for m in self.memories]
        return present, list(ends), change

    def learn(self, u0, restarts=4, seed=0) -> LearningRound:
        model = self.model
        solution = model.solve(u0, restarts=restarts, seed=seed)
        applied = solution.outcome == "recorded"
        if applied:
            model.T = model.T + solution.xi_inf
            self.memories.append(Memory(solution.u_inf.copy(), len(self.rounds) + 1,
                                        model.T.copy()))
            self.present.append(False)  # reported as "stored" below
        present, recalled, change = self.check(model.T)
        statuses = []
        for index, (was, now) in enumerate(zip(self.present, present, strict=True)):
            if applied and index == len(self.memories) - 1:
                statuses.append("stored")
            elif was and now:
                statuses.append("kept")
            elif was:
                statuses.append("forgotten")
            elif now:
                statuses.append("restored")
            else:
                statuses.append("still forgotten")
        self.present = present
        round_ = LearningRound(len(self.rounds) + 1, np.asarray(u0, dtype=float).copy(),
                               solution, applied, model.T.copy(), statuses, recalled, change)
        self.rounds.append(round_)
        return round_
