"""Patterns to store: character bitmaps shipped in assets/patterns, or random ±1 vectors.

The bitmaps are 20 × 20 (N = 400): ink is +1, paper −1. Characters are far from random
(their overlaps are large), so a few of them already crowd a network: mixtures and spurious
states appear well below the α_c ≈ 0.138 of random patterns, which is what the page shows.
"""

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..limits import check_memory, count, finite, seed_value

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "patterns"
SIDE = 20
DIGITS = "0123456789"
LETTERS = "AEHKLTXZ"
class StoredPatterns:
    """``patterns`` and ``n_patterns`` of a memory that keeps its ±1 patterns as ``_patterns``
    (an int8 array, one pattern per row)."""

    @property
    def patterns(self) -> np.ndarray:
        """The stored patterns, int8 (P, N): a copy."""
        return self._patterns.copy()

    @property
    def n_patterns(self) -> int:
        return self._patterns.shape[0]


#: the character sets the pages store, by name
CHARACTER_SETS = {"digits": DIGITS, "letters": LETTERS}


@lru_cache(maxsize=64)
def _bitmap(char: str) -> np.ndarray:
    from PIL import Image  # imported on first use only

    path = ASSETS / f"{char}.png"
    if not path.exists():
        raise ValueError(f"no bitmap for {char!r}; available: {DIGITS + LETTERS}")
    image = np.array(Image.open(path).convert("L")) > 127
    pattern = np.where(image, 1, -1).astype(np.int8).ravel()
    pattern.flags.writeable = False
    return pattern


def characters(chars: str) -> np.ndarray:
    """The bitmaps of ``chars`` as ±1 patterns, int8 (len(chars), 400)."""
    return np.array([_bitmap(c) for c in chars], dtype=np.int8)


def random_patterns(n_patterns: int, n_neurons: int, seed: int = 0) -> np.ndarray:
    """Independent uniformly random ±1 patterns, int8 (n_patterns, n_neurons)."""
    n_patterns, n_neurons = count(n_patterns, "n_patterns", 0), count(n_neurons, "n_neurons")
    check_memory(n_patterns * n_neurons, f"{n_patterns:,} patterns of {n_neurons:,} neurons")
    rng = np.random.default_rng(seed_value(seed))
    return rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_patterns, n_neurons))


def corrupt(pattern, fraction: float, seed: int = 0) -> np.ndarray:
    """A copy of ``pattern`` with round(fraction·N) randomly chosen bits flipped."""
    fraction = finite(fraction, "fraction", 0.0, 1.0)
    out = np.array(pattern, dtype=np.int8)
    rng = np.random.default_rng(seed_value(seed))
    flip = rng.choice(out.size, size=int(round(fraction * out.size)), replace=False)
    out[flip] *= -1
    return out
