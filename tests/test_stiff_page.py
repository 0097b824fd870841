"""The /stiff page (``page_models/stiff/neuron.py``, ``views/stiff/page.py``): the race of
Adam on the exact gradient and the ES on the Morris–Lecar loss, frame by frame; its settings
in the URL; bad values refused; two pages apart. Outcomes quoted from docs/stiff.md (seed 0,
deterministic)."""

import numpy as np
import pytest
from page_sweep import render

from landscape_app.biophysics import MorrisLecarFit
from landscape_app.biophysics.landscape import loss_landscape
from landscape_app.page_models.stiff.neuron import TRUE_CURRENT, NeuronRace
from landscape_app.page_models.stiff.plane import TRUTH, PlaneRace
from landscape_app.page_models.stiff.reactions import ReactionRace
from landscape_app.page_models.stiff.reactions import explicit as reaction_explicit
from landscape_app.views.stiff.page import Stiff


def test_on_a_one_second_trace_the_gradient_stops_and_the_es_reaches_the_current():
    """From I₀ = 100, 60 steps each: Adam stays in the minimum at 99.1 (measured 99.06), the
    ES (σ = 6, 3 pairs) ends within 1.5 of I* (measured 109.9 at 60 steps, 109.2 at 120: its
    mean jitters by ~σ/√(2P) around the smoothed minimum)."""
    race = NeuronRace(trace_s=1.0, start=100.0)
    race.advance(60)
    summary = race.summary()
    assert abs(summary["gd"]["current"] - 99.06) < 0.2
    assert summary["es"]["error"] < 1.5
    assert summary["gd"]["simulations"] == 61 and summary["es"]["simulations"] == 61 * 7
    curves = race.race()
    assert curves["gd_loss"][-1] > 1000 > 50 > curves["es_loss"][-1]
    # in the minimum: Adam rattles about it with |dL/dI| below 20 (slopes elsewhere: 381)
    assert np.all(curves["gradient"][-10:] < 20.0)


def test_the_landscape_is_the_loss_and_its_smoothing():
    """The drawn loss has its global minimum at I* and several local ones on a 1 s trace;
    smoothing at σ = 6 leaves a single minimum in (85, 135) near I* (measured 109.9)."""
    race = NeuronRace(trace_s=1.0)
    grid = race.landscape()
    x, raw, smooth = grid["current"], grid["raw"], grid["smoothed"]
    assert abs(x[np.argmin(raw)] - TRUE_CURRENT) < 0.3
    inner = (x > 85) & (x < 135)

    def minima(values):
        v = values[inner]
        return x[inner][1:-1][(v[1:-1] < v[:-2]) & (v[1:-1] < v[2:])]

    assert len(minima(raw)) >= 4
    smooth_minima = minima(smooth)
    assert len(smooth_minima) == 1 and abs(smooth_minima[0] - TRUE_CURRENT) < 1.0
    race.settings.sigma = 1.0
    assert len(minima(race.landscape()["smoothed"])) >= 3


def test_the_page_draws_plays_and_reads_its_url_names():
    view = render(Stiff())
    assert view.apply_settings({"trace_s": "0.25", "start": "120", "speed": "3"}) == []
    assert view.session.settings.trace_s == 0.25 and view.session.settings.start == 120.0
    view.advance(3)()
    assert view.playback.step == 3
    assert "gradient (Adam)" in view.summary.value and "ES" in view.summary.value
    assert set(view.apply_settings({"start": "200", "sigma": "x"})) == {"start", "sigma"}
    view.stop()


def test_two_pages_share_nothing():
    a, b = Stiff(), Stiff()
    a.session.settings.sigma = 2.0
    assert b.session.settings.sigma == 6.0 and a.session.es is not b.session.es


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        NeuronRace(start=float("nan"))
    with pytest.raises(ValueError):
        NeuronRace(trace_s=2.0)
    with pytest.raises(ValueError):
        NeuronRace(pairs=0)


def test_on_the_plane_cma_es_reaches_the_truth_where_the_gradient_and_the_es_do_not():
    """(I_app, g_Ca) from (120, 3.9), 100 steps, seeds 0-2 (measured over 20 starts, 5 seeds ×
    4 starts, in docs/stiff.md: gradient 0, ES 0, CMA-ES 17-20 within 0.5 scaled units of the
    truth). The gradient stops in a local minimum of the loss: every one of its steps runs one
    simulation; the ES and CMA-ES run 2P + 1 (+ 1 for CMA's mean) a step."""
    race = PlaneRace(start_current=120.0, start_g_ca=3.9)
    for seed in range(3):
        race.settings.seed = seed
        race.advance(100)
        summary = race.summary()
        assert summary["cma"]["error"] < 0.5 and summary["cma"]["loss"] < 1.0
        assert summary["gd"]["error"] > 5 and summary["gd"]["loss"] > 100
        assert summary["es"]["error"] > 5
        assert summary["gd"]["simulations"] == 101
        assert summary["es"]["simulations"] == 101 * 9 and summary["cma"]["simulations"] == 1010
    drawn = race.positions()
    assert drawn["gd"].shape == (101, 2) and drawn["population"].shape == (8, 2)
    assert np.allclose(drawn["cma"][-1], TRUTH, atol=(0.5, 0.02))


def test_the_plane_landscape_is_the_fit_s_loss_with_its_minimum_at_the_truth():
    race = PlaneRace(trace_s=0.25)
    land = race.landscape()
    j, i = np.unravel_index(np.argmin(land["values"]), land["values"].shape)
    assert (land["x"][i], land["y"][j]) == pytest.approx(tuple(TRUTH))
    fit = race.fit
    assert land["values"][7, 30] == pytest.approx(float(fit([[land["x"][30],
                                                               land["y"][7]]])[0]), rel=1e-12)
    assert race.landscape()["values"] is land["values"] and not land["values"].flags.writeable

    def minima(v):
        inner = v[1:-1, 1:-1]
        low = np.ones_like(inner, dtype=bool)
        for dj in (-1, 0, 1):
            for di in (-1, 0, 1):
                if dj or di:
                    low &= inner < v[1 + dj:v.shape[0] - 1 + dj, 1 + di:v.shape[1] - 1 + di]
        return int(low.sum())

    # a quarter-second trace has one basin; at 1 s, local minima cross the valley
    assert minima(land["values"]) == 1
    race.settings.trace_s = 1.0
    assert minima(race.landscape()["values"]) >= 5


def test_the_plane_tab_draws_plays_and_reads_its_url_names():
    view = render(Stiff())
    plane = render(view.plane)  # the page renders its first tab; this one on its own
    view.tabs.active = 1
    assert view.player() is plane.playback
    refused = view.apply_settings({"tab": "1", "plane.start_current": "95", "plane.sigma": "8",
                                   "start": "120"})
    assert refused == []
    assert plane.session.settings.start_current == 95.0 and plane.session.settings.sigma == 8
    assert view.session.settings.start == 120.0
    plane.advance(2)()
    assert plane.playback.step == 2 and "CMA-ES" in plane.summary.value
    assert set(view.apply_settings({"plane.start_g_ca": "9", "plane.pairs": "0"})) == {
        "plane.start_g_ca", "plane.pairs"}
    view.stop()


def test_bad_plane_settings_and_landscapes_are_refused():
    with pytest.raises(ValueError):
        PlaneRace(start_g_ca=float("nan"))
    with pytest.raises(ValueError):
        PlaneRace(trace_s=4.0)
    one = MorrisLecarFit(duration_ms=50.0)
    two = MorrisLecarFit(fitted=("I_app", "g_Ca"), truth=(110.0, 4.4), duration_ms=50.0)
    with pytest.raises(ValueError, match="two parameters"):
        loss_landscape(one, [1, 2], [1, 2])
    with pytest.raises(ValueError, match="≥ 0"):
        loss_landscape(two, [100, 110], [-1.0, 4.0])
    with pytest.raises(ValueError, match="grid points"):
        loss_landscape(two, [100.0], [4.0, 4.4])
    with pytest.raises(ValueError, match="budget"):
        loss_landscape(MorrisLecarFit(fitted=("I_app", "g_Ca"), truth=(110.0, 4.4),
                                      duration_ms=4000.0), np.linspace(90, 130, 2000),
                       np.linspace(4, 5, 2000))


def test_on_robertson_s_reactions_all_three_methods_reach_the_rates():
    """From (9, 2.5), 150 steps at the tab's defaults (σ = 0.3, rates 0.05): through the
    implicit solver's sensitivities Adam reaches the true (log₁₀ k₂, log₁₀ k₃) within 0.01,
    CMA-ES within 1e-3, the ES (fixed σ) within 0.1 (measured 0.000 / 0.000 / 0.035 at seed 0;
    the ES's mean lags inside the smoothed basin)."""
    race = ReactionRace()
    race.advance(150)
    summary = race.summary()
    assert summary["gd"]["error"] < 0.01 and summary["cma"]["error"] < 1e-3
    assert summary["es"]["error"] < 0.1
    assert summary["gd"]["loss"] < 1e-6 and summary["cma"]["loss"] < 1e-8
    traces = race.traces()
    assert traces["gd"].shape == traces["target"].shape == (50, 3)
    assert np.abs(traces["cma"] - traces["target"]).max() < 1e-4 * traces["scale"].max()


def test_an_explicit_solver_on_the_same_problem_diverges_and_the_tab_says_where():
    rows = {dt: (diverged, steps) for dt, diverged, steps, _ in reaction_explicit()}
    assert rows[1e-2] == (1, 1)
    assert 20_000 < rows[1e-3][0] < 40_000
    assert rows[1e-4][0] is None
    view = render(Stiff()).reactions
    text = view.notes()[0].value
    assert f"diverged at step {rows[1e-3][0]:,}" in text and "1e+09 steps" in text


def test_the_reactions_tab_draws_plays_and_reads_its_url_names():
    view = render(Stiff())
    view.tabs.active = 2
    reactions = render(view.reactions)
    assert view.player() is reactions.playback
    assert view.apply_settings({"tab": "2", "rob.start_log_k2": "6.5", "rob.sigma": "0.2"}) == []
    assert reactions.session.settings.start_log_k2 == 6.5
    reactions.advance(2)()
    assert reactions.playback.step == 2 and "CMA-ES" in reactions.summary.value
    assert set(view.apply_settings({"rob.start_log_k3": "9", "rob.sigma": "-1"})) == {
        "rob.start_log_k3", "rob.sigma"}
    with pytest.raises(ValueError):
        ReactionRace(start_log_k2=float("inf"))
    view.stop()


def test_the_network_tab_trains_a_generation_a_step_and_reads_its_url_names():
    view = render(Stiff())
    network = render(view.network)
    view.tabs.active = 3
    assert view.player() is network.playback
    assert view.apply_settings({"tab": "3", "net.neurons": "4", "net.pairs": "3"}) == []
    session = network.session
    assert session.settings.neurons == 4 and session.network.size == 24
    network.advance(2)()
    assert network.playback.step == 2 and session.summary()["simulations"] == 3 * 7
    outputs = session.outputs()
    assert outputs["y"].shape == (4, outputs["time"].size)
    assert session.activity()["s"].shape == (4, outputs["time"].size)
    curve = session.curve()
    assert curve["loss"].shape == (3,) and curve["uncoupled"] > curve["one_bit"]
    assert "networks run" in network.summary.value
    assert set(view.apply_settings({"net.neurons": "40", "net.sigma": "x"})) == {
        "net.neurons", "net.sigma"}
    view.stop()


def test_the_network_tab_takes_the_gradient_through_its_mean_network():
    """The button computes the exact gradient at the current ES mean: the chart gets
    ‖∂s(t)/∂θ‖ per trial (≈ 0 before the first pulse, growing after), the note |∇L| and the
    central differences along it; a new setting clears it."""
    view = render(Stiff())
    network = render(view.network)
    view.apply_settings({"tab": "3", "net.neurons": "3", "net.pairs": "2"})
    network.advance(1)()
    network.take_gradient()
    result = network.session.gradient_result
    assert result["generation"] == 1 and result["sensitivity"].shape == (4, 140)
    # before the first pulse only the rest's gate (s relaxes from 0 to ~1e-9) feels θ
    assert np.all(result["sensitivity"][:, network.session.network.task.times < 100] < 1e-6)
    assert result["sensitivity"][-1].max() > 0 and np.isfinite(result["norm"])
    assert [h for h, _ in result["checks"]] == [1e-4, 1e-3, 1e-2]
    # at h = 1e-4 the difference quotient along ∇L is |∇L| to the loss's curvature there
    assert result["checks"][0][1] == pytest.approx(result["norm"], rel=0.2)
    assert "|∇L|" in network.gradient_note.value and not network.gradient_button.disabled
    view.apply_settings({"net.seed": "3"})
    assert network.session.gradient_result is None
    view.stop()
