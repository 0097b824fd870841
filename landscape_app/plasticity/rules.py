"""Plasticity rules as polynomials: Δw = η Σ_{a,b,c ∈ {0,1,2}} A_abc x^a y^b w^c (seed 002,
SCIENCE.md § 6; docs/plasticity.md). A rule is a vector of 27 coefficients, index 9a + 3b + c."""

import numpy as np

from ..kernels.plasticity import N_COEFFICIENTS

_POWERS = ("", "", "²")


def index(a: int, b: int, c: int) -> int:
    """The position of A_abc (the coefficient of x^a y^b w^c) in a rule's vector."""
    for name, value in (("a", a), ("b", b), ("c", c)):
        if value not in (0, 1, 2):
            raise ValueError(f"power {name} must be 0, 1 or 2, got {value!r}")
    return 9 * a + 3 * b + c


def term_name(i: int) -> str:
    """'xy', 'y²w', '1', … for coefficient i."""
    a, b, c = i // 9, (i // 3) % 3, i % 3
    parts = [f"{v}{_POWERS[p]}" for v, p in (("x", a), ("y", b), ("w", c)) if p]
    return "".join(parts) or "1"


TERMS = [term_name(i) for i in range(N_COEFFICIENTS)]
XY, Y2W = index(1, 1, 0), index(0, 2, 1)


def rule(**terms: float) -> np.ndarray:
    """A rule from named terms, e.g. ``rule(xy=1, y²w=-1)`` (Oja's)."""
    out = np.zeros(N_COEFFICIENTS)
    for name, value in terms.items():
        if name not in TERMS:
            raise ValueError(f"unknown term {name!r}; the terms are {TERMS}")
        out[TERMS.index(name)] = value
    return out


#: Oja's rule Δw = η(xy − y²w): w converges to the first principal component, |w| = 1
OJA = rule(xy=1.0, **{"y²w": -1.0})
#: plain Hebb Δw = η xy: |w| grows without bound
HEBB = rule(xy=1.0)
