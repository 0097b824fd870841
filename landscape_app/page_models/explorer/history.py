"""What the explorer keeps of its chains: recent tails, the full history, the energy trace.

``ChainHistory`` works like emcee's backend: runs are appended as they come, the last records are
read back, and the whole history is written as CSV; it drops its oldest chunks beyond a budget of
stored values so that a long session does not grow without bound. ``RingBuffer`` keeps the last
few records of every chain (the tails drawn, the window of the live diagnostics) without
reallocating; ``EnergyTrace`` the mean and 10–90 % band of the chains' energies per step.
"""

import warnings

import numpy as np


class RingBuffer:
    """The last ``capacity`` records of a (records, chains, 2) stream, without reallocation."""

    def __init__(self, capacity: int, n_chains: int):
        self.capacity = int(capacity)
        self.data = np.full((self.capacity, n_chains, 2), np.nan)
        self.count = 0
        self.head = 0  # next row to write

    def append(self, block: np.ndarray) -> None:
        block = block[-self.capacity:]
        k = block.shape[0]
        first = min(k, self.capacity - self.head)
        self.data[self.head:self.head + first] = block[:first]
        self.data[:k - first] = block[first:]
        self.head = (self.head + k) % self.capacity
        self.count = min(self.capacity, self.count + k)

    def ordered(self) -> np.ndarray:
        """The stored records, oldest first: (count, chains, 2)."""
        if self.count < self.capacity:
            return self.data[:self.count].copy()
        return np.concatenate([self.data[self.head:], self.data[:self.head]])


class ChainHistory:
    """Every record of the chains since the start, as chunks (steps, positions, energies).

    ``positions`` of a chunk is (records, chains, 2), ``energies`` (records, chains). The first
    chunk is the start; beyond ``max_values`` stored numbers the oldest later chunks are dropped.
    """

    def __init__(self, positions: np.ndarray, energies: np.ndarray, max_values: int = 4_000_000):
        self.max_values = int(max_values)
        self.n_chains = positions.shape[0]
        self.chunks = [(np.array([0]), positions[None].copy(), energies[None].copy())]
        self.n_records = 1

    def append(self, steps: np.ndarray, positions: np.ndarray, energies: np.ndarray) -> None:
        """Add one run's records: steps (k,), positions (k, chains, 2), energies (k, chains)."""
        self.chunks.append((steps, positions, energies))
        self.n_records += len(steps)
        while self.n_records * self.n_chains > self.max_values and len(self.chunks) > 1:
            dropped = self.chunks.pop(0)
            self.n_records -= len(dropped[0])

    def after_start(self):
        """The chunks recorded after the start, oldest first."""
        return iter(self.chunks[1:])

    def to_csv(self) -> str:
        """Every stored record as CSV rows step,chain,x,y,energy."""
        lines = ["step,chain,x,y,energy"]
        for steps, positions, energies in self.chunks:
            n_rec, n = energies.shape
            block = np.column_stack([
                np.repeat(steps, n), np.tile(np.arange(n), n_rec),
                positions[..., 0].ravel(), positions[..., 1].ravel(), energies.ravel()])
            lines.extend(f"{int(s)},{int(c)},{x:.10g},{y:.10g},{e:.10g}" for s, c, x, y, e in block)
        return "\n".join(lines) + "\n"


class EnergyTrace:
    """Mean and 10 % / 90 % percentiles of the live chains' energies, per recorded step.

    Beyond ``max_points`` the trace halves its resolution, so it stays light to draw.
    """

    def __init__(self, max_points: int = 4000):
        self.max_points = int(max_points)
        self.steps: list = []
        self.mean: list = []
        self.low: list = []
        self.high: list = []

    def append(self, steps: np.ndarray, energies: np.ndarray) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # every chain stopped: NaN
            mean = np.nanmean(energies, axis=1)
            low, high = np.nanpercentile(energies, [10, 90], axis=1)
        self.steps.extend(steps.tolist())
        self.mean.extend(mean.tolist())
        self.low.extend(low.tolist())
        self.high.extend(high.tolist())
        if len(self.steps) > self.max_points:
            for name in ("steps", "mean", "low", "high"):
                setattr(self, name, getattr(self, name)[::2])

    def as_dict(self) -> dict:
        return {"step": self.steps, "mean": self.mean, "low": self.low, "high": self.high}
