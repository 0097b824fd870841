"""Fitting a Morris–Lecar neuron to a voltage trace (``biophysics``, ``kernels/morris_lecar``;
docs/stiff.md): the exact sensitivities, the loss's local minima, divergence and bad input.

Reference (SCIENCE.md § 6, an independent simulation): on I_app ∈ [90, 130] with the target at
I* = 110, 1 / 5 / 17 local minima for traces of 0.25 / 1 / 4 s and max |dL/dI| 111 / 379 /
1388. Ours (RK4, dt = 0.05 ms, samples every 1 ms, 801-point grid): 1 / 5 / 23 and 113 / 381
/ 1401; the tests use coarser grids and bounds with room for that."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape_app.biophysics import HOPF, MorrisLecarFit
from landscape_app.kernels import morris_lecar as kernel


def local_minima(values) -> int:
    return int(np.sum((values[1:-1] < values[:-2]) & (values[1:-1] < values[2:])))


@pytest.mark.parametrize("name,truth,at,h", [("I_app", 110.0, 104.0, 1e-4),
                                             ("g_Ca", 4.4, 4.3, 1e-6),
                                             ("g_K", 8.0, 8.1, 1e-6),
                                             ("phi", 0.04, 0.041, 1e-8)])
def test_the_sensitivity_gradient_equals_central_differences(name, truth, at, h):
    """The forward sensitivities differentiate the discrete RK4 map: they equal central
    differences of the same discrete loss to the differences' own error (relative 1e-9
    measured; 1e-5 allowed: truncation O(h²) and rounding O(ε L / h))."""
    fit = MorrisLecarFit(("I_app", name) if name != "I_app" else ("I_app",),
                         (110.0, truth) if name != "I_app" else (110.0,), duration_ms=250.0)
    point = np.array([106.0, at]) if name != "I_app" else np.array([at])
    gradient = fit.evaluate(point)["gradient"][0]
    for k in range(point.size):
        step = np.zeros(point.size)
        step[k] = h if k == point.size - 1 else 1e-4
        numeric = (fit.evaluate(point + step)["loss"][0]
                   - fit.evaluate(point - step)["loss"][0]) / (2 * step[k])
        assert gradient[k] == pytest.approx(numeric, rel=1e-5), (k, gradient, numeric)


def test_the_target_is_the_minimum():
    fit = MorrisLecarFit(duration_ms=250.0)
    result = fit.evaluate([110.0])
    assert result["loss"][0] == 0.0 and result["gradient"][0, 0] == 0.0
    assert result["diverged_at"][0] == -1


def test_the_vectorised_loss_kernel_agrees_with_the_sensitivity_kernel():
    """``fit(values)`` (16 runs side by side, tanh and cosh from fast_exp) gives the losses
    of ``evaluate`` to 1e-10 relative (measured 6e-14) for any number of runs, a partial
    last tile included, and the same divergence."""
    fit = MorrisLecarFit(("I_app", "phi"), (110.0, 0.04), duration_ms=200.0)
    values = np.column_stack([np.linspace(90, 130, 37), np.full(37, 0.04)])
    values[5, 1] = 2000.0  # diverges
    fast, exact = fit(values), fit.evaluate(values)["loss"]
    assert np.isnan(fast[5]) and np.isnan(exact[5])
    keep = np.arange(37) != 5
    assert np.allclose(fast[keep], exact[keep], rtol=1e-10, atol=1e-20)
    assert fit(values[:3]).tolist() == fast[:3].tolist()  # a run's loss: not its neighbours'


def test_longer_traces_make_the_loss_more_rugged():
    """More local minima and steeper slopes on [90, 130] as the trace grows: 1 at 0.25 s, at
    least 4 at 1 s, at least 12 at 4 s (401-point grid); max |dL/dI| within 10 % of the
    reference's 111 and 379 at 0.25 and 1 s."""
    grid = np.linspace(90, 130, 401)[:, None]
    minima, slopes = [], []
    for duration in (250.0, 1000.0, 4000.0):
        fit = MorrisLecarFit(duration_ms=duration)
        result = fit.evaluate(grid) if duration < 4000 else {"loss": fit(grid)}
        minima.append(local_minima(result["loss"]))
        if duration < 4000:
            slopes.append(np.abs(result["gradient"]).max())
    assert minima[0] == 1 and minima[1] >= 4 and minima[2] >= 12, minima
    assert slopes[0] == pytest.approx(111, rel=0.1) and slopes[1] == pytest.approx(379, rel=0.1)


def test_a_simulation_that_blows_up_is_reported_with_its_step():
    """A stiff w equation (φ = 2,000 /ms: dt·φ·cosh far beyond RK4's stability limit) leaves
    every bound within steps: ``diverged_at`` says where, the loss and gradient are NaN and
    the other runs of the call are unaffected."""
    fit = MorrisLecarFit(("I_app", "phi"), (110.0, 0.04), duration_ms=100.0)
    result = fit.evaluate([[110.0, 2000.0], [110.0, 0.04]])
    assert result["diverged_at"][0] > 0 and result["diverged_at"][1] == -1
    assert np.isnan(result["loss"][0]) and np.isnan(result["gradient"][0]).all()
    assert result["loss"][1] == 0.0
    assert np.isnan(fit.traces([[110.0, 2000.0]])[0, -1])


def test_bad_inputs_are_refused_clearly():
    fit = MorrisLecarFit(("I_app", "g_Ca"), (110.0, 4.4), duration_ms=50.0)
    with pytest.raises(ValueError, match="finite"):
        fit([[np.nan, 4.4]])
    with pytest.raises(ValueError, match="conductances"):
        fit([[110.0, -1.0]])
    with pytest.raises(ValueError, match="2 value"):
        fit([[110.0]])
    with pytest.raises(ValueError, match="fitted parameter"):
        MorrisLecarFit(("V1",), (0.0,))
    with pytest.raises(ValueError, match="budget"):
        MorrisLecarFit(duration_ms=1e6, dt=1e-4)
    base = HOPF.copy()
    base[kernel.CAPACITANCE] = 0.0
    with pytest.raises(ValueError, match="C and φ"):
        MorrisLecarFit(base=base)
    with pytest.raises(ValueError, match="dt"):
        MorrisLecarFit(dt=0.0)


@settings(max_examples=30, deadline=None)
@given(current=st.floats(-1e3, 1e3) | st.just(float("nan")),
       g_ca=st.floats(-5, 50), phi=st.floats(-1, 1e4))
def test_any_parameters_give_a_loss_a_divergence_or_a_clear_refusal(current, g_ca, phi):
    fit = MorrisLecarFit(("I_app", "g_Ca", "phi"), (110.0, 4.4, 0.04), duration_ms=20.0)
    try:
        result = fit.evaluate([[current, g_ca, phi]])
    except ValueError:
        return
    assert result["diverged_at"][0] > 0 or np.isfinite(result["loss"][0])


def test_both_methods_find_the_current_where_the_loss_has_one_minimum():
    """On a 0.25 s trace (one minimum on [90, 130]) Adam on the exact gradient and the ES
    (σ = 3) both end within 0.5 of I* = 110 from 100 and 120."""
    from landscape_app.biophysics.fitting import evolution_strategy, gradient_descent

    fit = MorrisLecarFit(duration_ms=250.0)
    starts = [[100.0], [120.0]]
    gd = gradient_descent(fit, starts, steps=100, learning_rate=0.5)
    es = evolution_strategy(fit, starts, sigma=3.0, pairs=3, generations=80,
                            learning_rate=0.5)
    assert np.all(np.abs(gd.final() - 110.0) < 0.5), gd.final()
    assert np.all(np.abs(es.final() - 110.0) < 0.5), es.final()
    assert es.evaluations[-1] == 80 * 7 and gd.evaluations[-1] == 100


def test_on_a_1_s_trace_the_gradient_stops_in_the_nearest_minimum():
    """20 starts uniform on [85, 135] (seed 0): Adam on the exact gradient reaches I* only
    from starts in its basin (measured 5 / 20; the others at 87.6, 92.9, 99.1, 126.9)."""
    from landscape_app.biophysics.fitting import gradient_descent

    fit = MorrisLecarFit(duration_ms=1000.0)
    starts = np.random.default_rng(0).uniform(85, 135, (20, 1))
    final = gradient_descent(fit, starts, steps=100, learning_rate=0.5,
                             bounds=np.array([[60.0, 160.0]])).final()[:, 0]
    reached = np.abs(final - 110.0) < 0.5
    assert 1 <= reached.sum() <= 8
    assert np.all(np.abs(starts[reached, 0] - 110.0) < 8)
