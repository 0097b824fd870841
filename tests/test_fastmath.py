"""The vectorisable exp/log/sincos used by kernels: accuracy against NumPy over the whole range."""

import numpy as np
from numba import njit

from landscape_app.kernels.fastmath import JIT, fast_exp, fast_log, fast_sincos_2pi


@njit(**JIT)
def _apply_exp(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = fast_exp(x[i])
    return out


@njit(**JIT)
def _apply_log(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = fast_log(x[i])
    return out


@njit(**JIT)
def _apply_sincos(x):
    s = np.empty_like(x)
    c = np.empty_like(x)
    for i in range(x.size):
        s[i], c[i] = fast_sincos_2pi(x[i])
    return s, c


def _ulps(a, b):
    return np.abs(a - b) / np.spacing(np.abs(b))


def test_exp_within_one_ulp_over_the_normal_range():
    x = np.random.default_rng(0).uniform(-708, 709.7, 200_000)
    assert np.max(_ulps(_apply_exp(x), np.exp(x))) <= 1.0


def test_exp_special_values_and_subnormal_results():
    x = np.array([np.nan, np.inf, -np.inf, 710.0, -746.0, 0.0, -740.0, -720.0])
    with np.errstate(over="ignore"):
        ref = np.exp(x)
    out = _apply_exp(x)
    assert np.isnan(out[0])
    np.testing.assert_array_equal(out[1:6], ref[1:6])
    # gradual underflow: results keep their subnormal value to within a few units of 2^-1074
    np.testing.assert_allclose(out[6:], ref[6:], rtol=0, atol=4 * 5e-324)


def test_log_within_two_ulp_including_subnormal_inputs():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(0, 1, 100_000), np.exp(rng.uniform(-740, 709, 100_000))])
    assert np.max(_ulps(_apply_log(x), np.log(x))) <= 2.0


def test_log_special_values():
    out = _apply_log(np.array([0.0, -1.0, np.inf, np.nan, 1.0]))
    assert out[0] == -np.inf and np.isnan(out[1]) and out[2] == np.inf and np.isnan(out[3])
    assert out[4] == 0.0


def test_sincos_2pi_matches_numpy():
    x = np.random.default_rng(2).uniform(-50, 50, 200_000)
    s, c = _apply_sincos(x)
    # the reference's own argument 2πx carries ~|2πx|·eps of rounding; ours is reduced exactly
    tol = 4e-16 * (1 + np.abs(2 * np.pi * x))
    assert np.all(np.abs(s - np.sin(2 * np.pi * x)) <= tol)
    assert np.all(np.abs(c - np.cos(2 * np.pi * x)) <= tol)


def test_sincos_2pi_exact_at_quarter_turns():
    s, c = _apply_sincos(np.array([0.0, 0.25, 0.5, 0.75, 1.0, -0.25]))
    np.testing.assert_allclose(s, [0, 1, 0, -1, 0, -1], atol=1e-16)
    np.testing.assert_allclose(c, [1, 0, -1, 0, 1, 0], atol=1e-16)
