"""The model behind the pages: experiments, comparisons, scenes, basins and tuning."""

import math

import numpy as np
import pytest

from landscape_app import landscapes
from landscape_app.landscapes.basins import basin_map
from landscape_app.page_models.compare import Comparison
from landscape_app.page_models.explorer import Experiment
from landscape_app.page_models.explorer.history import RingBuffer
from landscape_app.page_models.scene import Scene
from landscape_app.samplers.tuning import landscape_scales, suggest_settings


def test_ring_buffer_keeps_the_last_records_in_order():
    ring = RingBuffer(4, 2)
    blocks = [np.full((k, 2, 2), float(v)) for k, v in ((3, 1), (2, 2), (5, 3))]
    ring.append(blocks[0])
    assert ring.ordered().shape == (3, 2, 2)
    ring.append(blocks[1])
    np.testing.assert_array_equal(ring.ordered()[:, 0, 0], [1, 1, 2, 2])
    ring.append(blocks[2])
    np.testing.assert_array_equal(ring.ordered()[:, 0, 0], [3, 3, 3, 3])
    ring.append(np.arange(4.0).repeat(4).reshape(4, 2, 2)[:1] + 9)
    np.testing.assert_array_equal(ring.ordered()[:, 0, 0], [3, 3, 3, 9])


def test_experiment_steps_and_counts_like_the_sampler():
    exp = Experiment(landscape="double_well", method="MALA", n_chains=50, seed=1)
    exp.advance(10)
    exp.advance(15)
    assert exp.steps_done == 25
    run = exp.sampler.run(25)  # the same sampler from the same seed and starts
    np.testing.assert_array_equal(exp.positions, run.positions[-1])
    assert exp.grad_evals == run.grad_evals
    assert exp.tails.ordered().shape == (26, 50, 2)
    assert 0 < exp.acceptance_rate <= 1
    exp.reset()
    assert exp.steps_done == 0 and exp.tails.count == 1


def test_landscape_change_retunes_and_optimizers_run_cold():
    exp = Experiment(landscape="muller_brown", method="HMC")
    assert exp.temperature == pytest.approx(suggest_settings(
        landscapes.get("muller_brown"))["temperature"])
    exp.landscape = "double_well"
    assert exp.temperature == 0.25  # barrier 1, T = ΔE/4
    assert tuple(exp.window) == landscapes.get("double_well").window
    exp.method = "GradientDescent"
    assert exp.temperature == 0.0
    exp.method = "MALA"
    assert exp.temperature == 0.25
    exp.method = "SimulatedAnnealing"
    assert exp.schedule == "exponential" and exp.temperature == 1.0


@pytest.mark.parametrize("method", list(__import__("landscape_app").samplers.METHODS))
def test_every_method_can_be_chosen_and_run(method):
    """Choosing simulated annealing in the explorer once failed: its suggested cooling rate and
    the experiment's were both passed to the sampler ("multiple values for 'cooling_rate'")."""
    exp = Experiment(landscape="double_well", method="HMC", n_chains=20)
    exp.method = method
    assert exp.error == ""
    assert exp.sampler.__class__.__name__ == method
    exp.advance(3)
    assert exp.steps_done == 3
    assert Experiment(landscape="double_well", method=method, n_chains=5).error == ""


def test_explicit_settings_are_kept():
    exp = Experiment(landscape="double_well", method="MALA", temperature=2.0)
    assert exp.temperature == 2.0


def test_invalid_expression_keeps_the_previous_landscape():
    exp = Experiment(landscape="double_well")
    exp.advance(3)
    exp.param.update(landscape="expression", expression="x**2 + import")
    assert "Expression not valid" in exp.error and "import" in exp.error
    assert exp.scene.landscape.name == "double_well"
    exp.advance(3)  # still working
    exp.expression = "x**2 + 2*y**2"
    assert exp.error == "" and exp.scene.landscape.formula == "x**2 + 2*y**2"


def test_an_impossible_window_is_reported_and_not_applied():
    exp = Experiment(landscape="double_well")
    exp.window = (1.0, 0.0, -1.0, 1.0)
    assert "x_min < x_max" in exp.error
    assert tuple(exp.window) == landscapes.get("double_well").window
    exp.window = (-3.0, 3.0, -2.0, 2.0)
    assert exp.error == "" and exp.scene.window == (-3.0, 3.0, -2.0, 2.0)


def test_common_start_point():
    exp = Experiment(landscape="double_well", n_chains=20)
    exp.start_point = (0.5, -0.25)
    np.testing.assert_array_equal(exp.positions, np.tile([0.5, -0.25], (20, 1)))
    exp.start_point = None
    assert len(np.unique(exp.positions[:, 0])) == 20


def test_divergence_is_reported_and_stops_when_everything_diverged():
    exp = Experiment(landscape="double_well", method="GradientDescent", n_chains=10)
    exp.sampler.step_size = 0.9
    messages = []
    for _ in range(20):
        messages += exp.advance(5)
    assert exp.all_stopped
    assert messages and "diverged at step" in messages[0]
    assert exp.advance(5) == [] and "Reset" in exp.notice


def test_basin_statistics_on_the_double_well():
    exp = Experiment(landscape="double_well", method="MALA", n_chains=400, seed=2)
    exp.ensure_basins()
    stats = exp.basin_statistics()
    # random starts fill the window symmetrically: about half start in the global basin
    assert 0.4 < stats["fraction_in_global_basin"] < 0.6
    assert stats["fraction_left_start_basin"] == 0.0
    exp.temperature = 1.0
    for _ in range(20):
        exp.advance(50)
    stats = exp.basin_statistics()
    assert stats["fraction_left_start_basin"] > 0.5 and stats["mean_exit_step"] > 0


def test_tv_history_is_log_spaced_and_decreasing_for_a_mixing_sampler():
    exp = Experiment(landscape="double_well", method="HMC", n_chains=500, seed=3)
    for _ in range(40):
        exp.advance(10)
    costs = np.array([c for c, _ in exp.tv_history])
    assert np.all(np.diff(costs) >= 0.1 * costs[:-1])
    assert exp.tv_history[-1][1] < exp.tv_history[0][1]


def test_summary_and_ess():
    exp = Experiment(landscape="double_well", method="MALA", n_chains=100)
    exp.advance(200)
    s = exp.summary(with_ess=True)
    assert s["step"] == 200 and s["ess_bulk"] > 10 and math.isfinite(s["rhat"])
    assert 0 < s["tv_to_exact"] < 1 and s["ess_per_grad_eval"] > 0


def test_csv_history():
    exp = Experiment(landscape="double_well", n_chains=4)
    exp.advance(3)
    lines = exp.trajectories_csv().strip().splitlines()
    assert lines[0] == "step,chain,x,y,energy" and len(lines) == 1 + 4 * 4


def test_comparison_shares_landscape_seed_and_starts():
    c = Comparison(landscape="double_well", methods=["MALA", "HMC"], n_chains=30)
    a, b = c.experiments
    assert a.scene is b.scene
    np.testing.assert_array_equal(a.starts, b.starts)
    c.advance(5)
    assert a.steps_done == b.steps_done == 5
    rows = c.summary()
    assert [r["method"] for r in rows] == ["MALA", "HMC"]
    assert all("fraction_in_global_basin" in r for r in rows)
    with pytest.raises(ValueError, match="two to four"):
        Comparison(methods=["MALA"])
    with pytest.raises(ValueError, match="two to four"):
        c.methods = ["MALA", "HMC", "GradientDescent", "Langevin", "Momentum"]


def test_scene_caches_and_invalidates_on_landscape_parameters():
    land = landscapes.get("double_well")
    scene = Scene(land)
    first = scene.critical_points
    assert scene.critical_points is first
    land.barrier = 2.0
    saddle = [c for c in scene.critical_points if c.kind == "saddle"][0]
    assert saddle.energy == pytest.approx(2.0)
    assert scene.exact(0.0) is None and scene.exact(1.0) is scene.exact(1.0)


def test_basins_of_the_double_well_split_at_x_zero():
    basins = basin_map(landscapes.get("double_well"), resolution=100)
    labels = basins.label_of([[-1.5, 0.3], [-0.2, -1.0], [0.2, 1.0], [1.7, -0.5], [9, 9]])
    assert labels[0] == labels[1] != labels[2] == labels[3] and labels[4] == -1
    np.testing.assert_allclose(np.sort(np.abs(basins.minima[:, 0])), [1, 1], atol=0.03)


def test_suggested_settings_follow_the_landscape_scales():
    scales = landscape_scales(landscapes.get("muller_brown"))
    assert scales["barrier"] == pytest.approx(-72.2489 + 146.6995, rel=1e-4)
    settings = suggest_settings(landscapes.get("double_well"))
    assert settings["temperature"] == 0.25
    assert settings["MALA"]["step_size"] == pytest.approx(0.5 / 8, rel=0.05)


def test_the_default_expression_shows_its_minima():
    """Its minima (0, ±√5) once lay outside the [−2, 2]² window."""
    exp = Experiment(landscape="expression")
    x0, x1, y0, y1 = exp.scene.window
    minima = [c for c in exp.scene.critical_points if c.kind == "minimum"]
    assert len(minima) == 2
    for c in minima:
        assert x0 < c.x < x1 and y0 < c.y < y1


def test_the_comparison_runs_its_samplers_in_the_order_the_chips_show():
    """The sampler chips show the chosen samplers in the registry's order; the plots once
    followed the order of choosing (MALA, HMC, RWM shown as MALA, RWM, HMC)."""
    comparison = Comparison(landscape="double_well", methods=["MALA", "HMC",
                                                              "RandomWalkMetropolis"],
                            n_chains=10)
    assert [e.method for e in comparison.experiments] == ["MALA", "RandomWalkMetropolis", "HMC"]
    assert [r["method"] for r in comparison.summary(with_ess=False)] == \
        ["MALA", "RandomWalkMetropolis", "HMC"]
