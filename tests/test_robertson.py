"""Robertson's stiff reactions (``biophysics.robertson``; docs/stiff.md): the implicit solver
conserves mass, its sensitivities are the loss's gradient, an explicit method at a fixed step
diverges and says where, and the gradient fit through the implicit solver recovers the rates."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape_app.biophysics.fitting import gradient_descent
from landscape_app.biophysics.robertson import (
    TRUE_RATES,
    RobertsonFit,
    explicit_rk4,
    solve,
    solve_many,
)

TRUTH = np.log10(TRUE_RATES[1:])


@pytest.mark.parametrize("method", ["ROS2", "BDF", "Radau"])
def test_the_implicit_solver_conserves_mass(method):
    """y₁ + y₂ + y₃ = 1 to 1e-8 over t ∈ [1e-5, 1e5] (a linear invariant, which every
    Rosenbrock step keeps exactly and BDF/Radau up to their Newton iterations; measured 7e-15
    with ROS2, 7e-16 with BDF); y₂ peaks near 3.6e-5."""
    y = solve(TRUTH, method=method)
    assert np.abs(y.sum(axis=1) - 1.0).max() < 1e-8
    assert y[:, 1].max() == pytest.approx(3.6e-5, rel=0.05)


def test_the_rosenbrock_kernel_agrees_with_scipy_s_bdf():
    """y and S of the numba ROS2 (rtol 1e-6) against BDF (rtol 1e-8) at three rate pairs: y
    within 1e-5 of each species' peak, S within 1e-5 of its largest entry (measured 9e-7 and
    6e-7: the kernel's tolerance), the loss and its gradient to 1e-5 relative."""
    thetas = np.array([[7.3, 4.1], [7.6, 3.9], [6.0, 5.5]])
    y, s, failed = solve_many(thetas, sensitivities=True)
    assert not failed.any()
    for theta, y_ros, s_ros in zip(thetas, y, s, strict=True):
        y_bdf, s_bdf = solve(theta, sensitivities=True, method="BDF")
        assert np.all(np.abs(y_ros - y_bdf).max(axis=0) < 1e-5 * np.abs(y_bdf).max(axis=0))
        assert np.abs(s_ros - s_bdf).max() < 1e-5 * np.abs(s_bdf).max()
    ros, bdf = RobertsonFit().evaluate(thetas), RobertsonFit(method="BDF").evaluate(thetas)
    assert ros["loss"] == pytest.approx(bdf["loss"], rel=1e-5)
    assert ros["gradient"] == pytest.approx(bdf["gradient"], rel=1e-5)


def test_a_solve_beyond_the_step_budget_is_reported(monkeypatch):
    """A run that needs more steps than its budget raises in ``solve`` and scores NaN in the
    fit (the other rows still score)."""
    from landscape_app.biophysics import robertson

    fit = RobertsonFit()
    monkeypatch.setattr(robertson, "ROS_MAX_STEPS", 50)
    with pytest.raises(ValueError, match="more than 50 steps"):
        solve(TRUTH)
    assert np.isnan(fit([[7.3, 4.1]])[0])


@pytest.mark.parametrize("method", ["ROS2", "BDF"])
def test_the_sensitivities_are_the_gradient(method):
    """The forward sensitivities solved with the implicit solver equal central differences of
    the loss (relative 1e-4: both carry the solver's tolerance, 1e-6 for ROS2 and 1e-8 for
    BDF; measured to 1e-6 and 1e-9)."""
    fit = RobertsonFit(method=method)
    theta = np.array([7.3, 4.1])
    gradient = fit.evaluate(theta)["gradient"][0]
    for c in range(2):
        step = np.zeros(2)
        step[c] = 1e-6
        numeric = (fit(theta + step)[0] - fit(theta - step)[0]) / 2e-6
        assert gradient[c] == pytest.approx(numeric, rel=1e-4)


def test_an_explicit_method_at_a_fixed_step_diverges_and_says_where():
    """RK4 at dt = 1e-3 leaves the physical range within tens of thousands of steps
    (measured 31,207: y₂'s rate k₂y₂ grows past RK4's stability bound), at dt = 1e-2 at the
    first step; at dt = 1e-5 it is still fine after 2,000 steps."""
    late = explicit_rk4(TRUTH, dt=1e-3, max_steps=100_000)
    assert late["diverged_at"] is not None and 1_000 < late["diverged_at"] < 100_000
    assert explicit_rk4(TRUTH, dt=1e-2)["diverged_at"] == 1
    fine = explicit_rk4(TRUTH, dt=1e-5, max_steps=2_000)
    assert fine["diverged_at"] is None and fine["steps"] == 2_000
    assert abs(fine["y"].sum() - 1.0) < 1e-12


def test_the_gradient_fit_through_the_implicit_solver_recovers_the_rates():
    """Adam on the Rosenbrock sensitivities from (7.0, 4.5), 100 steps: k₂ and k₃ within 5 %
    (|Δ log₁₀ k| < 0.0212; measured 0.3 % and 0.7 % with BDF: at 60 steps k₃ was still 5.3 %
    off)."""
    paths = gradient_descent(RobertsonFit(), [[7.0, 4.5]], steps=100, learning_rate=0.05,
                             bounds=np.array([[4.0, 10.0], [1.0, 7.0]]))
    assert np.all(np.abs(paths.final()[0] - TRUTH) < np.log10(1.05))
    assert paths.loss[-1, 0] < paths.loss[0, 0] / 100


def test_bad_rates_are_refused():
    with pytest.raises(ValueError, match="finite"):
        solve([np.nan, 4.0])
    with pytest.raises(ValueError, match="lie in"):
        solve([20.0, 4.0])
    with pytest.raises(ValueError, match="BDF"):
        solve(TRUTH, method="RK45")
    with pytest.raises(ValueError, match="increasing"):
        solve(TRUTH, times=[1.0, 0.5])
    with pytest.raises(ValueError, match="positive"):
        RobertsonFit(times=[0.0, 1.0])
    with pytest.raises(ValueError):
        RobertsonFit()(np.zeros((2, 3)))
    with pytest.raises(ValueError):
        explicit_rk4(TRUTH, dt=0.0)


@settings(max_examples=15, deadline=None)
@given(theta=st.lists(st.floats(-10, 20) | st.just(float("nan")), min_size=1, max_size=3))
def test_any_rates_give_a_loss_or_a_clear_refusal(theta):
    """Rates anywhere in the accepted range solve in a fraction of a second (the corners
    (−3, 12)² measured at 0.07-0.14 s); anything else is a ValueError."""
    try:
        losses = RobertsonFit(times=np.logspace(-5, 5, 8))(np.array([theta]))
    except ValueError:
        return
    assert losses.shape == (1,) and np.isfinite(losses[0]) and losses[0] >= 0
