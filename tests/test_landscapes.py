"""The landscape library: registry, formulas, gradients, critical points, exact density."""

import numpy as np
import pytest
from conftest import finite_difference_gradient, points_in_window

from landscape_app import landscapes

EXPECTED_NAMES = {"double_well", "muller_brown", "himmelblau", "rastrigin", "strict_saddle",
                  "monkey_saddle", "banana", "funnel", "gaussian_mixture"}

MB_A = np.array([-200.0, -100.0, -170.0, 15.0])
MB_a = np.array([-1.0, -1.0, -6.5, 0.7])
MB_b = np.array([0.0, 0.0, 11.0, 0.6])
MB_c = np.array([-10.0, -10.0, -6.5, 0.7])
MB_X0 = np.array([1.0, 0.0, -0.5, -1.0])
MB_Y0 = np.array([0.0, 0.5, 1.5, 1.0])

# Independent NumPy transcriptions of the formulas of docs/science.md section 2.
REFERENCE = {
    "double_well": lambda x, y: (x**2 - 1) ** 2 + y**2,
    "muller_brown": lambda x, y: np.sum(
        MB_A * np.exp(MB_a * (x[:, None] - MB_X0) ** 2
                      + MB_b * (x[:, None] - MB_X0) * (y[:, None] - MB_Y0)
                      + MB_c * (y[:, None] - MB_Y0) ** 2), axis=1),
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "rastrigin": lambda x, y: 20 + x**2 - 10 * np.cos(2 * np.pi * x)
    + y**2 - 10 * np.cos(2 * np.pi * y),
    "strict_saddle": lambda x, y: x**4 / 4 - x**2 / 2 + y**2 / 2,
    "monkey_saddle": lambda x, y: x**3 - 3 * x * y**2 + 0.5 * (x**2 + y**2) ** 2,
    "banana": lambda x, y: 0.5 * ((x / 10) ** 2 + (y - 0.03 * (x**2 - 100)) ** 2),
    "funnel": lambda x, y: y**2 / 18 + x**2 * np.exp(-y) / 2 + y / 2,
    "gaussian_mixture": lambda x, y: -np.log(0.8 * np.exp(-(x**2 + y**2) / 2)
                                             + 0.2 * np.exp(-((x - 8) ** 2 + y**2) / 2)),
}


def test_registry_has_every_named_landscape():
    assert EXPECTED_NAMES <= set(landscapes.names())


def test_unknown_landscape_error_lists_known_names():
    with pytest.raises(KeyError) as info:
        landscapes.get("no_such_landscape")
    message = str(info.value)
    assert "no_such_landscape" in message
    assert all(name in message for name in EXPECTED_NAMES)
    with pytest.raises(ValueError):
        landscapes.get("mueller_brown")


def test_every_landscape_has_formula_window_and_docstring(builtin_landscape):
    cls = type(builtin_landscape)
    assert cls.formula and cls.__doc__ and len(cls.__doc__) > 40
    x0, x1, y0, y1 = builtin_landscape.window
    assert x0 < x1 and y0 < y1


def test_energy_matches_the_reference_formula(builtin_landscape):
    xy = points_in_window(builtin_landscape, 500, seed=1)
    expected = REFERENCE[builtin_landscape.name](xy[:, 0], xy[:, 1])
    np.testing.assert_allclose(builtin_landscape.energy(xy), expected, rtol=1e-12, atol=1e-12)


def test_gradient_matches_finite_differences(builtin_landscape):
    """Central differences with h = 1e-6 are accurate to ~1e-7 relative for these smooth
    functions (truncation h²E''' plus rounding eps|E|/h); 1e-5 leaves a margin of 100."""
    xy = points_in_window(builtin_landscape, 300, seed=2)
    energy, grad = builtin_landscape.energy_and_gradient(xy)
    fd = finite_difference_gradient(builtin_landscape, xy)
    scale = 1.0 + np.abs(grad) + 1e-9 * np.abs(energy)[:, None] * 1e6
    assert np.max(np.abs(grad - fd) / scale) < 1e-5


def test_energy_and_gradient_shapes_and_bad_shapes():
    land = landscapes.get("muller_brown")
    assert land.energy(np.zeros((7, 2))).shape == (7,)
    assert land.gradient(np.zeros((7, 2))).shape == (7, 2)
    assert land.energy([0.0, 0.0]).shape == (1,)
    with pytest.raises(ValueError, match="shape"):
        land.energy(np.zeros((3, 3)))


def test_hessian_of_the_double_well():
    land = landscapes.get("double_well")
    h = land.hessian([[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(h[0], np.diag([8.0, 2.0]), atol=1e-6)
    np.testing.assert_allclose(h[1], np.diag([-4.0, 2.0]), atol=1e-6)


# -- critical points: docs/science.md section 2 ----------------------------------------------------
CRITICAL = {
    "double_well": [((1, 0), 0.0, "minimum"), ((-1, 0), 0.0, "minimum"), ((0, 0), 1.0, "saddle")],
    "muller_brown": [
        ((-0.558224, 1.441726), -146.6995, "minimum"),
        ((0.623499, 0.028038), -108.1667, "minimum"),
        ((-0.050011, 0.466694), -80.7678, "minimum"),
        ((0.212487, 0.292988), -72.2489, "saddle"),
        ((-0.822002, 0.624313), -40.6648, "saddle"),
    ],
    "himmelblau": [
        ((3, 2), 0.0, "minimum"),
        ((-2.805118, 3.131313), 0.0, "minimum"),
        ((-3.779310, -3.283186), 0.0, "minimum"),
        ((3.584428, -1.848127), 0.0, "minimum"),
        ((3.385154, 0.073852), 13.3119, "saddle"),
        ((0.086678, 2.884255), 67.7192, "saddle"),
        ((-3.073026, -0.081353), 104.0152, "saddle"),
        ((-0.127961, -1.953715), 178.3372, "saddle"),
        ((-0.270845, -0.923039), 181.6165, "maximum"),
    ],
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_find_critical_points_recovers_the_reference_table(name):
    found = landscapes.find_critical_points(landscapes.get(name))
    positions = np.array([c.position for c in found])
    for (x, y), energy, kind in CRITICAL[name]:
        distance = np.linalg.norm(positions - [x, y], axis=1)
        match = found[int(np.argmin(distance))]
        # the table gives 6 decimals: a found point within 1e-4 (and 1e-6 rounding) is the same
        assert distance.min() < 1e-4, f"{name}: no critical point near ({x}, {y})"
        assert match.kind == kind
        assert abs(match.energy - energy) < 1e-4 * max(1.0, abs(energy))
    assert len(found) == len(CRITICAL[name])


def test_monkey_saddle_origin_is_degenerate_and_rastrigin_local_minimum():
    monkey = landscapes.find_critical_points(landscapes.get("monkey_saddle"))
    origin = [c for c in monkey if np.hypot(c.x, c.y) < 1e-4]
    assert origin and origin[0].kind == "degenerate"
    ras = landscapes.find_critical_points(landscapes.get("rastrigin"),
                                          window=(-1.5, 1.5, -0.4, 0.4))
    minima = [c for c in ras if c.kind == "minimum"]
    near = min(minima, key=lambda c: abs(c.x - 0.994959) + abs(c.y))
    assert abs(near.x - 0.994959) < 1e-5 and abs(near.energy - 0.99496) < 1e-5
    glob = min(minima, key=lambda c: c.energy)
    assert np.hypot(glob.x, glob.y) < 1e-8 and abs(glob.energy) < 1e-10


# -- exact Boltzmann density -----------------------------------------------------------------------
def test_exact_density_is_normalized_with_marginals():
    grid = landscapes.exact_density(landscapes.get("double_well"), 1.0, bins=40)
    assert grid.prob.shape == (40, 40)
    assert abs(grid.prob.sum() - 1.0) < 1e-12
    np.testing.assert_allclose(grid.marginal_x, grid.prob.sum(axis=0))
    np.testing.assert_allclose(grid.marginal_x, grid.marginal_x[::-1], atol=1e-12)  # x ↔ −x


def test_exact_density_reproduces_analytic_moments():
    """Moments from quadrature vs the closed forms of docs/science.md. The banana's view window
    stops at |x| = 3.5σ, where the tails still carry ~3 % of E[y²] (y grows like x²), so its moments
    are integrated over |x| ≤ 6σ, which leaves < 1e-6 of them out."""
    banana = landscapes.exact_density(landscapes.get("banana"), 1.0, bins=300,
                                      window=(-60, 60, -8, 110))
    np.testing.assert_allclose(banana.second_moments, [100.0, 19.0], rtol=1e-3)
    mixture = landscapes.exact_density(landscapes.get("gaussian_mixture"), 1.0, bins=200)
    np.testing.assert_allclose(mixture.mean[0], 1.6, rtol=1e-3)
    np.testing.assert_allclose(mixture.second_moments[0], 13.8, rtol=1e-3)
    # y marginal of the double well at T = 1 is N(0, 1/2)
    dw = landscapes.exact_density(landscapes.get("double_well"), 1.0, bins=200,
                                  window=(-3, 3, -4, 4))
    np.testing.assert_allclose(dw.second_moments[1], 0.5, rtol=1e-3)


def test_tv_distance_of_exact_draws_matches_its_noise_floor():
    grid = landscapes.exact_density(landscapes.get("muller_brown"), 20.0, bins=30)
    null = grid.tv_null_distribution(5000, repeats=200)
    assert abs(null.mean() - grid.tv_noise_floor(5000)) < 0.1 * null.mean()
    # draws from the grid itself (cell centres) score like the null
    rng = np.random.default_rng(0)
    idx = rng.choice(grid.prob.size, size=5000, p=grid.prob.ravel())
    iy, ix = np.unravel_index(idx, grid.prob.shape)
    samples = np.column_stack([grid.x_centers[ix], grid.y_centers[iy]])
    assert grid.tv_distance(samples) < np.quantile(null, 0.999)
    assert grid.tv_distance(np.column_stack([grid.x_centers[ix], grid.y_centers[iy] * 0])) > 0.3


def test_exact_density_rejects_zero_temperature():
    with pytest.raises(ValueError, match="temperature"):
        landscapes.exact_density(landscapes.get("double_well"), 0.0)
