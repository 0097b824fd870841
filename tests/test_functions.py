"""Landscapes from a notebook user's own functions: compiled when possible, called back if not."""

import math

import numpy as np
import pytest
from numba import njit
from scipy import special

from landscape_app import landscapes, samplers
from landscape_app.landscapes import LandscapeFunctionError


def test_plain_python_functions_are_compiled():
    land = landscapes.from_functions(lambda x, y: x**2 + 3 * y**2, lambda x, y: (2 * x, 6 * y))
    assert land.compiled
    np.testing.assert_allclose(land.gradient([[1.0, 2.0]]), [[2.0, 12.0]])


def test_numba_functions_are_accepted():
    @njit
    def energy(x, y):
        return math.cos(x) + y * y

    @njit
    def gradient(x, y):
        return -math.sin(x), 2.0 * y

    land = landscapes.from_functions(energy, gradient, window=(-4, 4, -2, 2))
    assert land.compiled
    np.testing.assert_allclose(land.energy([[0.0, 1.0]]), [2.0])


def test_uncompilable_vectorised_functions_are_called_back():
    land = landscapes.from_functions(
        lambda x, y: special.erf(x) + y**2,
        lambda x, y: (2 / np.sqrt(np.pi) * np.exp(-(x**2)), 2 * y))
    assert not land.compiled
    np.testing.assert_allclose(land.gradient([[0.5, 2.0]]),
                               [[2 / np.sqrt(np.pi) * np.exp(-0.25), 4.0]])
    run = samplers.Langevin(landscape=land, step_size=0.01, n_chains=300).run(20)
    assert np.all(np.isfinite(run.positions))


def test_scalar_only_python_functions_work_point_by_point():
    class Model:
        def energy(self, x, y):
            return float(x) ** 2 + float(y) ** 2

    model = Model()
    land = landscapes.from_functions(lambda x, y: model.energy(x, y),
                                     lambda x, y: (2.0 * float(x), 2.0 * float(y)))
    assert not land.compiled
    np.testing.assert_allclose(land.energy([[1.0, 2.0], [3.0, 0.0]]), [5.0, 9.0])


def test_wrong_gradient_is_reported_at_construction():
    with pytest.raises(ValueError, match="does not match"):
        landscapes.from_functions(lambda x, y: x**2 + y**2, lambda x, y: (x, 2 * y))


def test_exceptions_in_python_functions_surface_after_the_kernel():
    def energy(x, y):
        if np.any(np.asarray(x) > 1.5):
            raise RuntimeError("outside my domain")
        return special.erf(x) + y

    land = landscapes.from_functions(
        energy, lambda x, y: (2 / np.sqrt(np.pi) * np.exp(-(x**2)), np.ones_like(y)),
        window=(-1, 1, -1, 1))
    with pytest.raises(LandscapeFunctionError, match="outside my domain"):
        land.energy([[2.0, 0.0]])
    np.testing.assert_allclose(land.energy([[0.0, 0.5]]), [0.5])  # and it keeps working


def test_non_callables_are_refused():
    with pytest.raises(TypeError):
        landscapes.from_functions("x**2", lambda x, y: (0, 0))
