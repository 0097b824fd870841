"""The public sampler API: shapes, costs, determinism, resuming, bad input and divergence."""

import math

import numpy as np
import pytest

from landscape_app import landscapes, samplers

METHODS = list(samplers.METHODS)


def make(name, **overrides):
    settings = {"landscape": "double_well", "temperature": 1.0, "step_size": 0.02,
                "n_chains": 300, "seed": 11}
    if name == "EvolutionStrategy":
        settings.update(step_size=0.01, population=4)
    settings.update(overrides)
    return samplers.METHODS[name](**settings)


def test_the_issue_example_runs():
    land = landscapes.get("muller_brown")
    s = samplers.HMC(landscape=land, temperature=1.0, step_size=0.05, n_leapfrog=10,
                     n_chains=1000, seed=0)
    run = s.run(n_steps=200, start=None)
    assert run.positions.shape == (201, 1000, 2)
    assert run.energies.shape == (201, 1000)
    assert run.accepted.shape == (200, 1000) and run.accepted.dtype == bool
    assert run.grad_evals == 1000 * (200 * 10 + 1)
    d = run.diagnostics()
    for key in ("acceptance_rate", "ess_bulk", "rhat", "tv_to_exact", "diverged"):
        assert key in d


@pytest.mark.parametrize("name", METHODS)
def test_shapes_costs_and_diagnostics(name):
    s = make(name)
    run = s.run(40)
    n = s.n_chains
    assert run.positions.shape == (41, n, 2)
    assert run.energies.shape == (41, n)
    np.testing.assert_allclose(run.energies, landscapes.get("double_well").energy(
        run.positions.reshape(-1, 2)).reshape(41, n), rtol=1e-12, atol=1e-12)
    if s.is_metropolis:
        assert run.accepted.shape == (40, n)
        assert 0.0 < run.acceptance_rate <= 1.0
    else:
        assert run.accepted is None and run.acceptance_rate is None
    per_step = {"HMC": s.param.values().get("n_leapfrog", 0),
                "ParallelTempering": s.param.values().get("replicas", 0)}.get(name, 1)
    if name == "EvolutionStrategy":
        assert run.grad_evals == 0 and run.energy_evals == n * (1 + 40 * (2 * 4 + 1))
    elif name in ("RandomWalkMetropolis", "SimulatedAnnealing", "StretchMove", "DEMCMC"):
        assert run.grad_evals == 0 and run.energy_evals == n * 41
    elif name == "NUTS":  # one gradient per leapfrog step, 1 … 2^max_depth − 1 a step
        leapfrogs = run.final_state.extra["run_leapfrogs"]
        assert np.all((leapfrogs >= 40) & (leapfrogs <= 40 * (2 ** s.max_depth - 1)))
        assert run.grad_evals == n + leapfrogs.sum() and run.energy_evals == 0
    else:
        assert run.grad_evals == n * (1 + 40 * per_step) and run.energy_evals == 0
    d = run.diagnostics(burn_in=0.25)
    assert d["diverged"] == 0 and math.isfinite(d["ess_bulk"]) and math.isfinite(d["rhat"])


@pytest.mark.parametrize("name", METHODS)
def test_same_seed_same_result_and_chains_independent_of_their_number(name):
    a = make(name, n_chains=300).run(30)
    b = make(name, n_chains=300).run(30)
    np.testing.assert_array_equal(a.positions, b.positions)
    # chain i does not depend on how many chains run or how they are split into tiles/threads
    # (ensemble walkers interact within their ensemble of 32: its first one is the same)
    c = make(name, n_chains=37).run(30)
    same = 32 if name in ("StretchMove", "DEMCMC", "SVGD") else 37
    np.testing.assert_array_equal(a.positions[:, :same], c.positions[:, :same])
    d = make(name, n_chains=300, seed=12).run(30)
    assert not np.array_equal(a.positions[1:], d.positions[1:])


@pytest.mark.parametrize("name", METHODS)
def test_resume_continues_exactly(name):
    whole = make(name, schedule="exponential", cooling_rate=0.99).run(60)
    s = make(name, schedule="exponential", cooling_rate=0.99)
    first = s.run(25)
    second = s.run(35, resume=first)
    np.testing.assert_array_equal(np.concatenate([first.positions, second.positions[1:]]),
                                  whole.positions)
    np.testing.assert_array_equal(np.concatenate([first.temperatures, second.temperatures]),
                                  whole.temperatures)
    np.testing.assert_array_equal(second.steps, np.arange(25, 61))


def test_thinning_keeps_every_kth_state():
    full = make("MALA").run(40)
    thin = make("MALA").run(40, thin=8)
    np.testing.assert_array_equal(thin.positions, full.positions[::8])
    np.testing.assert_array_equal(thin.accepted, full.accepted[7::8])
    assert thin.acceptance_rate == full.acceptance_rate
    with pytest.raises(ValueError, match="multiple of thin"):
        make("MALA").run(41, thin=8)


def test_given_starts_are_used():
    start = np.tile([0.3, -0.2], (300, 1))
    run = make("Langevin").run(3, start=start)
    np.testing.assert_array_equal(run.positions[0], start)
    run = make("Langevin").run(3, start=[0.3, -0.2])
    np.testing.assert_array_equal(run.positions[0], start)


def test_random_starts_lie_in_the_window():
    run = make("MALA", landscape="muller_brown", n_chains=2000).run(0)
    x0, x1, y0, y1 = landscapes.get("muller_brown").window
    p = run.positions[0]
    assert p[:, 0].min() >= x0 and p[:, 0].max() <= x1 and p[:, 1].min() >= y0
    assert p[:, 1].max() <= y1
    assert p[:, 0].std() > 0.25 * (x1 - x0)


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", METHODS)
@pytest.mark.parametrize("param_name,value", [("n_chains", 0), ("n_chains", -5),
                                              ("temperature", -1.0), ("step_size", 0.0),
                                              ("step_size", -0.1), ("temperature", math.nan),
                                              ("step_size", math.inf)])
def test_out_of_range_parameters_name_the_parameter(name, param_name, value):
    with pytest.raises(ValueError, match=param_name):
        make(name, **{param_name: value})


def test_unknown_landscape_is_a_clear_error():
    with pytest.raises(ValueError, match="known landscapes"):
        samplers.HMC(landscape="nope")
    with pytest.raises(ValueError, match="needs a landscape"):
        samplers.HMC().run(5)


@pytest.mark.parametrize("start", [np.zeros((5, 2)), np.zeros((300, 3)), np.zeros(3)])
def test_start_of_the_wrong_shape(start):
    with pytest.raises(ValueError, match="start must have shape"):
        make("HMC").run(5, start=start)


def test_start_with_nan_or_inf():
    start = np.zeros((300, 2))
    start[17, 1] = np.nan
    start[40, 0] = np.inf
    with pytest.raises(ValueError, match=r"start contains NaN or inf values \(rows 17, 40\)"):
        make("MALA").run(5, start=start)


def test_bad_steps_and_resume():
    with pytest.raises(ValueError, match="n_steps"):
        make("MALA").run(-1)
    with pytest.raises(ValueError, match="n_steps must be an integer"):
        make("MALA").run(2.5)
    first = make("MALA", n_chains=10).run(3)
    with pytest.raises(ValueError, match="chains"):
        make("MALA", n_chains=11).run(3, resume=first)


def test_huge_runs_are_refused_before_allocating():
    with pytest.raises(ValueError, match="thin"):
        make("Langevin", n_chains=100_000).run(10_000)


# -- divergence -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["GradientDescent", "Momentum", "Langevin", "UnderdampedLangevin",
                                  "WeightNoiseLangevin", "EvolutionStrategy"])
def test_diverging_chains_stop_with_their_step_and_others_go_on(name):
    """Gradient descent on (x² − 1)² with η = 0.1 is stable near x = ±1 (map slope 1 − 8η)
    but x₀ = 50 overshoots past the bound within a few steps (for ES too, whose step is random):
    those chains must stop, the rest carry on."""
    start = np.zeros((20, 2))
    start[:, 0] = np.where(np.arange(20) % 2 == 0, 1.2, 50.0)
    extra = {"EvolutionStrategy": {"population": 8, "sigma": 1e-3}}.get(name, {})
    s = samplers.METHODS[name](landscape="double_well", temperature=0.0, step_size=0.1,
                               n_chains=20, seed=0, divergence_bound=1e6, **extra)
    if name == "UnderdampedLangevin":
        s.friction = 5.0
        s.step_size = 0.8
        start[:, 0] = np.where(np.arange(20) % 2 == 0, 1.05, 50.0)
    run = s.run(200, start=start)
    stopped = run.diverged
    assert stopped[1::2].all(), run.divergence_messages()
    assert not stopped[::2].any()
    assert np.all(run.diverged_at[1::2] >= 1) and np.all(run.diverged_at[1::2] <= 20)
    k = run.diverged_at[1]
    assert np.isnan(run.positions[k:, 1]).all() and np.isfinite(run.positions[:k, 1]).all()
    assert np.isfinite(run.positions[:, ::2]).all()
    assert f"chain 1 diverged at step {k}" in run.divergence_messages()[0]
    d = run.diagnostics(burn_in=0.5)
    assert d["diverged"] == 10 and d["diverged_chains"][:2] == [1, 3]
    assert run.grad_evals + run.energy_evals < 20 * 201 * (17 if extra else 1)


def test_diverging_svgd_particles_stop_with_their_step_and_the_others_go_on():
    """SVGD on the double well, ε = 0.1, half the particles at x = 50 (∇E ≈ 5e5): they
    overshoot past the bound within a few steps and stop. With a fixed bandwidth h = 0.1 the
    kernel between them and the particles near x = 1 is exp(−49²/0.1) = 0, so those carry on.
    (With the median bandwidth, h ≈ 49²/log 20 couples the two groups by e^−3 and the far
    particles' huge gradients throw the near ones out too: one set, one fate.)"""
    start = np.zeros((20, 2))
    start[:, 0] = np.where(np.arange(20) % 2 == 0, 1.0 + 0.01 * np.arange(20), 50.0)
    s = samplers.SVGD(landscape="double_well", temperature=1.0, step_size=0.1, n_chains=20,
                      bandwidth=0.1, divergence_bound=1e6)
    run = s.run(200, start=start)
    assert run.diverged[1::2].all() and not run.diverged[::2].any()
    assert np.all((run.diverged_at[1::2] >= 1) & (run.diverged_at[1::2] <= 20))
    assert np.isfinite(run.positions[:, ::2]).all()
    assert "diverged at step" in run.divergence_messages()[0]
    with pytest.raises(ValueError, match="T > 0"):
        samplers.SVGD(landscape="double_well", schedule="linear", anneal_steps=5,
                      final_temperature=0.0).run(10)


@pytest.mark.parametrize("name", ["MALA", "RandomWalkMetropolis", "HMC", "NUTS"])
def test_metropolis_methods_reject_instead_of_diverging(name):
    s = make(name, landscape="muller_brown", step_size=5.0, temperature=1.0, n_chains=50)
    if name == "NUTS":
        s.adapt_steps = 0
    run = s.run(50)
    assert not run.diverged.any()
    assert np.isfinite(run.positions).all()
    if name in ("HMC", "NUTS"):
        assert run.diagnostics()["divergent_transitions"] > 0
    if name == "NUTS":  # counted per chain: every chain's first leapfrog step flies off
        assert np.all(run.divergent_count == 50)


def test_nuts_refuses_zero_temperature_and_keeps_its_tree():
    with pytest.raises(ValueError, match="T > 0"):
        samplers.NUTS(landscape="double_well", schedule="linear", anneal_steps=5,
                      final_temperature=0.0).run(10)
    s = samplers.NUTS(landscape="double_well", n_chains=40, step_size=0.2, adapt_steps=0)
    run = s.run(5)
    path = run.last_path
    assert path.shape == (2 ** s.max_depth + 2, 32, 2)
    for c in range(32):
        leaves = path[:-2, c][np.isfinite(path[:-2, c, 0])]
        # 2ʲ points for a tree of depth j (a dropped last subtree: fewer), consecutive, and
        # consecutive points one leapfrog step apart; the chosen state is one of them
        assert 2 <= len(leaves) <= 2 ** s.max_depth
        assert np.all(np.isfinite(path[:len(leaves), c])) and np.isnan(path[-2, c]).all()
        assert np.all(np.linalg.norm(np.diff(leaves, axis=0), axis=1) < 2.0)
        assert np.any(np.all(leaves == run.positions[-1, c], axis=1))
        np.testing.assert_array_equal(path[-1, c], run.positions[-1, c])


def test_landscape_that_is_nan_at_the_start_stops_those_chains_at_step_zero():
    land = landscapes.from_expression("log(x) + y**2", window=(-1, 3, -1, 1))
    start = np.array([[1.0, 0.0], [-0.5, 0.0]])
    run = samplers.Langevin(landscape=land, step_size=1e-3, n_chains=2).run(20, start=start)
    assert run.diverged_at.tolist() == [-1, 0]
    assert np.isnan(run.positions[:, 1]).all() and np.isfinite(run.positions[:, 0]).all()


def test_temperature_zero_makes_samplers_descend():
    for name in ("MALA", "HMC", "RandomWalkMetropolis"):
        run = make(name, temperature=0.0, n_chains=50, step_size=0.05).run(100)
        e = run.energies
        assert np.all(np.diff(e, axis=0) <= 1e-12), name


def test_schedules():
    s = samplers.SimulatedAnnealing(landscape="double_well", temperature=10.0, cooling_rate=0.9)
    np.testing.assert_allclose(s.temperatures(0, 3), [10.0, 9.0, 8.1])
    s.schedule = "logarithmic"
    np.testing.assert_allclose(s.temperatures(0, 2), [10.0, 10 * np.log(2) / np.log(3)])
    s.schedule = "linear"
    s.anneal_steps = 4
    s.final_temperature = 2.0
    np.testing.assert_allclose(s.temperatures(0, 6), [10, 8, 6, 4, 2, 2])


def test_es_gradient_estimate_shape_and_determinism():
    es = samplers.EvolutionStrategy(landscape="double_well", population=20, sigma=0.05, seed=1)
    pts = np.random.default_rng(0).uniform(-1, 1, (10, 2))
    a = es.estimate_gradient(pts)
    assert a.shape == (10, 2)
    np.testing.assert_array_equal(a, es.estimate_gradient(pts))


def test_csv_export_round_trips():
    run = make("MALA", n_chains=3).run(4)
    lines = run.to_csv().strip().splitlines()
    assert lines[0] == "step,chain,x,y,energy,accepted"
    assert len(lines) == 1 + 5 * 3
    step, chain, x, y, e, acc = lines[-1].split(",")
    assert int(step) == 4 and int(chain) == 2
    assert abs(float(x) - run.positions[-1, 2, 0]) < 1e-9
