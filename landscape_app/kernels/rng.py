"""Per-chain random streams for the kernels: SplitMix64 bits, Box–Muller normals.

Each chain owns one 64-bit state. A draw advances it by the golden-ratio increment γ and returns
mix64(state) (Steele, Lea & Flood 2014, the generator behind Java's SplittableRandom; it passes
BigCrush). The initial states come from ``numpy.random.SeedSequence(seed)``, so one seed fixes every
chain's stream, chain i's stream does not depend on how many chains run, and results do not depend
on how chains are split between threads. Everything is plain integer and float arithmetic, which
vectorises across a tile of chains.

Normals use Box–Muller: from u₁ ∈ (0, 1], u₂ ∈ [0, 1),
    n₁ = √(−2 ln u₁) cos 2πu₂,  n₂ = √(−2 ln u₁) sin 2πu₂,
exactly the two normals a 2-D step needs.
"""

import math

import numpy as np
from numba import njit

from .fastmath import JIT, fast_log, fast_sincos_2pi

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_TWO_M53 = 1.0 / 9007199254740992.0


def chain_streams(seed: int, n_chains: int) -> np.ndarray:
    """Initial SplitMix64 states, one per chain, derived from ``seed``."""
    sequence = np.random.SeedSequence([int(seed), 0x5EED])
    return sequence.generate_state(n_chains, dtype=np.uint64)


def start_generator(seed: int) -> np.random.Generator:
    """The NumPy generator used for random starts; independent of the chains' streams."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), 0x57A27]))


@njit(inline="always", **JIT)
def _mix64(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", **JIT)
def _open_unit(bits):
    """A uniform in (0, 1] from the top 53 bits (never 0, so its log is finite)."""
    return ((bits >> _S11) + _ONE) * _TWO_M53


@njit(inline="always", **JIT)
def _half_open_unit(bits):
    """A uniform in [0, 1) from the top 53 bits."""
    return (bits >> _S11) * _TWO_M53


@njit(inline="always", **JIT)
def next_uniform(states, i):
    """One U(0, 1] from stream i (a run that draws one number at a time)."""
    s = states[i] + _GAMMA
    states[i] = s
    return _open_unit(_mix64(s))


@njit(inline="always", **JIT)
def next_normal_pair(states, i):
    """Two independent N(0, 1) from stream i (Box–Muller), as ``fill_normal_pairs`` draws."""
    s1 = states[i] + _GAMMA
    s2 = s1 + _GAMMA
    states[i] = s2
    radius = math.sqrt(-2.0 * fast_log(_open_unit(_mix64(s1))))
    sin_t, cos_t = fast_sincos_2pi(_half_open_unit(_mix64(s2)))
    return radius * cos_t, radius * sin_t


@njit(inline="always", **JIT)
def fill_stream_normals(states, i, out):
    """out[:] ~ N(0, 1), ``len(out)`` (even) draws from stream i alone: the draws
    ``next_normal_pair`` would give, computed from the counter (SplitMix's j-th state is
    s₀ + jγ), so the loop vectorises."""
    # the state as a running sum (an induction variable): LLVM vectorises it into lanes s₀ + jγ,
    # where the state written as s₀ + j·γ (a 64-bit product per draw) ran ~7× slower
    s = states[i]
    for j in range(out.shape[0] // 2):
        s1 = s + _GAMMA
        s = s1 + _GAMMA
        radius = math.sqrt(-2.0 * fast_log(_open_unit(_mix64(s1))))
        sin_t, cos_t = fast_sincos_2pi(_half_open_unit(_mix64(s)))
        out[2 * j] = radius * cos_t
        out[2 * j + 1] = radius * sin_t
    states[i] = s


@njit(inline="always", **JIT)
def fill_stream_uniforms(states, i, out):
    """out[:] ~ U(0, 1], ``len(out)`` draws from stream i alone: the draws ``next_uniform``
    would give one by one, computed from the counter so the loop vectorises."""
    s = states[i]
    for j in range(out.shape[0]):  # a running state, as in fill_stream_normals
        s = s + _GAMMA
        out[j] = _open_unit(_mix64(s))
    states[i] = s


@njit(inline="always", **JIT)
def fill_uniforms(states, out):
    """out[i] ~ U(0, 1], advancing chain i's stream by one draw."""
    for i in range(out.shape[0]):
        s = states[i] + _GAMMA
        states[i] = s
        out[i] = _open_unit(_mix64(s))


@njit(inline="always", **JIT)
def fill_normal_pairs(states, out1, out2):
    """Two independent N(0, 1) per chain (Box–Muller), advancing each stream by two draws."""
    # the body of next_normal_pair written out: this loop runs across a tile and vectorises
    for i in range(out1.shape[0]):
        s1 = states[i] + _GAMMA
        s2 = s1 + _GAMMA
        states[i] = s2
        radius = math.sqrt(-2.0 * fast_log(_open_unit(_mix64(s1))))
        sin_t, cos_t = fast_sincos_2pi(_half_open_unit(_mix64(s2)))
        out1[i] = radius * cos_t
        out2[i] = radius * sin_t


@njit(cache=True, nogil=True, **JIT)
def normal_pairs(states, n_draws):
    """(n_draws, n_chains, 2) standard normals from the streams (used by tests of the generator)."""
    n = states.shape[0]
    out = np.empty((n_draws, n, 2))
    a = np.empty(n)
    b = np.empty(n)
    for k in range(n_draws):
        fill_normal_pairs(states, a, b)
        for i in range(n):
            out[k, i, 0] = a[i]
            out[k, i, 1] = b[i]
    return out
