"""What one call may ask for, checked before anything is allocated or run.

Every model validates its counts, numbers and sizes through these helpers, so bad input gets the
same kind of answer everywhere: a ``ValueError`` that names the argument and, for a request too
large for this machine, says how much memory it would need (README, "Input the app refuses").

Memory: one call may allocate at most half of this machine's physical memory
(``memory_limit_bytes``). Time: integrations and map iterations take at most ``MAX_STEPS`` steps
per call, so no typed number can make a session compute for hours.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

#: most integration / iteration steps one call may take (at ~10⁷ steps/s: minutes, not hours)
MAX_STEPS = 10**8


class SizeLimitError(ValueError, MemoryError):
    """A request larger than this machine can hold. A ``ValueError`` (bad input, refused before
    allocating) and, for callers that catch allocation failures, a ``MemoryError``."""


def memory_limit_bytes() -> int:
    """Half of this machine's physical memory: the most one call may allocate."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return 8 * 1024**3


def _size(n_bytes: float) -> str:
    if n_bytes >= 1024**3:
        return f"{n_bytes / 1024**3:.1f} GiB"
    return f"{n_bytes / 1024**2:.1f} MiB"


def check_memory(n_bytes: float, what: str, hint: str = "") -> None:
    """Refuse ``what`` when it needs more than ``memory_limit_bytes()``.

    ``n_bytes`` may be a float or a Python int of any size (no overflow); ``hint`` says what
    to pass instead.
    """
    limit = memory_limit_bytes()
    if n_bytes > limit:
        tail = f"; {hint}" if hint else ""
        raise SizeLimitError(f"{what} needs {_size(n_bytes)}; this machine allows "
                             f"{_size(limit)} (half its memory){tail}")


def check_steps(n_steps: float, what: str, hint: str = "") -> None:
    """Refuse more than ``MAX_STEPS`` steps in one call (``n_steps`` may be a float ratio such
    as t_max / dt, even inf)."""
    if not n_steps <= MAX_STEPS:
        tail = f"; {hint}" if hint else ""
        raise ValueError(f"{what} would take {n_steps:,.0f} steps; one call takes at most "
                         f"{MAX_STEPS:,}{tail}")


def count(value, name: str, low: int = 1, high: int | None = None) -> int:
    """``value`` as an int in [low, high]; bools, floats and other types are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        span = f"at least {low:,}" if high is None else f"in {low:,}..{high:,}"
        raise ValueError(f"{name} must be {span}, got {value:,}")
    return value


def finite(value, name: str, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite float in the given range (NaN and ±inf are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '≥'} {low:g}, got {value:g}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '≤'} {high:g}, got {value:g}")
    return value


def seed_value(seed) -> int:
    """A seed of the random streams: an integer in 0..2⁶³ − 1."""
    return count(seed, "seed", 0, 2**63 - 1)
