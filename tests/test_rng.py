"""Per-chain random streams: normal, independent, reproducible, independent of the chain count."""

import numpy as np
from scipy import stats

from landscape_app.kernels.rng import chain_streams, normal_pairs


def test_same_seed_same_numbers_and_prefix_property():
    a = normal_pairs(chain_streams(7, 50), 20)
    b = normal_pairs(chain_streams(7, 300), 20)
    np.testing.assert_array_equal(a, b[:, :50])
    c = normal_pairs(chain_streams(8, 50), 20)
    assert not np.allclose(a, c)


def test_normals_have_the_standard_normal_distribution():
    z = normal_pairs(chain_streams(3, 1000), 200).ravel()  # 400,000 draws
    n = z.size
    assert abs(z.mean()) < 5 / np.sqrt(n)
    assert abs(z.var() - 1.0) < 5 * np.sqrt(2.0 / n)
    # Kolmogorov–Smirnov against N(0, 1); p < 1e-4 would mean a broken transform
    assert stats.kstest(z[:100_000], "norm").pvalue > 1e-4


def test_coordinates_steps_and_chains_are_uncorrelated():
    z = normal_pairs(chain_streams(4, 2000), 100)  # (steps, chains, 2)
    limit = 5 / np.sqrt(z.shape[0] * z.shape[1])  # 5 standard errors of a correlation
    assert abs(np.corrcoef(z[..., 0].ravel(), z[..., 1].ravel())[0, 1]) < limit
    assert abs(np.corrcoef(z[:-1, :, 0].ravel(), z[1:, :, 0].ravel())[0, 1]) < limit
    assert abs(np.corrcoef(z[:, :-1, 0].ravel(), z[:, 1:, 0].ravel())[0, 1]) < limit


def test_a_streams_normals_from_its_counter_are_the_draws_one_by_one():
    """``fill_stream_normals`` computes SplitMix's j-th state as s₀ + jγ to vectorise; it must
    give what drawing pair after pair gives, and leave the stream exactly where they leave it."""
    from numba import njit

    from landscape_app.kernels.rng import fill_stream_normals, next_normal_pair

    @njit
    def one_by_one(states, n):
        out = np.empty(n)
        for j in range(n // 2):
            out[2 * j], out[2 * j + 1] = next_normal_pair(states, 1)
        return out

    @njit
    def by_counter(states, n):
        out = np.empty(n)
        fill_stream_normals(states, 1, out)
        return out

    a, b = chain_streams(9, 3), chain_streams(9, 3)
    for n in (2, 10, 64):
        # the same bits; the vectorised loop may fuse a multiply-add the scalar one does not
        # (FMA contraction is allowed): equal to a few ulp
        np.testing.assert_allclose(one_by_one(a, n), by_counter(b, n), rtol=1e-13, atol=1e-13)
        assert np.array_equal(a, b)
