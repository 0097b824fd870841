"""A population loss on a cluster: the rules of one generation split across the workers.

An evolution strategy scores a whole population per generation with one call of its loss,
``loss(rules) → losses`` ((R, k) → (R,)). ``DistributedLoss`` keeps that interface and sends
``chunks`` slices of the population to ``run_sweep``, one sweep point each, so the search code
does not change. Each rule's score depends on that rule alone, so the losses equal a single
call's bit for bit.
"""

from __future__ import annotations

import numpy as np

from ..limits import count
from .cluster import engine
from .sweep import run_sweep


class DistributedLoss:
    """``loss`` (picklable, e.g. a ``plasticity.MetaLoss``) evaluated in ``chunks`` slices on
    ``scheduler`` (default: one slice per worker)."""

    def __init__(self, loss, scheduler: str | None = None, chunks: int | None = None):
        self.loss = loss
        self.scheduler = scheduler
        self.chunks = None if chunks is None else count(chunks, "chunks", 1, 10_000)
        self.last = None  # the last generation's SweepResult

    def __call__(self, rules) -> np.ndarray:
        rules = np.atleast_2d(np.asarray(rules, dtype=float))
        chunks = self.chunks or max(1, engine(self.scheduler).workers)
        parts = [part for part in np.array_split(rules, min(chunks, len(rules))) if len(part)]
        self.last = run_sweep(self.loss, parts, scheduler=self.scheduler)
        self.last.raise_failures([f"rules {i * len(parts[0])}…" for i in range(len(parts))])
        return np.concatenate(self.last.values)

    def __getattr__(self, name):  # ceiling(), evaluate(), tasks… of the wrapped loss
        if name == "loss":
            raise AttributeError(name)
        return getattr(self.loss, name)
