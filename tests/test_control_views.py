"""The /control page in process (no browser): re-solving on settings, presets, clicks,
playback, multistart, iterated learning and N neurons."""

import holoviews as hv
import numpy as np
import pytest
from conftest import rendered_tabs

from landscape_app import Control
from landscape_app.app import pages

hv.extension("bokeh", logo=False)


@pytest.fixture
def control():
    view = Control()
    yield from rendered_tabs(view)


def test_the_page_is_registered():
    assert "control" in pages()


def test_opens_on_the_recorded_case(control):
    plane = control.plane
    assert "recorded" in plane.badge.value
    assert plane.session.solution.outcome == "recorded"
    data = plane.plane_pipe.data
    assert data["trajectory"].shape == (51, 3)  # u₁, u₂, t
    assert np.allclose(data["marker"][1], [[-1.0, 0.5]])


def test_sliders_and_presets_re_solve(control):
    plane = control.plane
    plane.model.mu = 1.0
    assert "recognized" in plane.badge.value
    plane.preset.value = "Wander (α = 0.5, λ = 0.25)"
    assert "wandering" in plane.badge.value
    plane.preset.value = "Cycle (step g, Δt = 1, no control)"
    assert "cycle" in plane.badge.value
    # the step activation has no energy: the background shows the speed instead
    assert plane.plane_pipe.data["background"][3] == "speed |u̇|"


def test_a_click_sets_the_start(control):
    plane = control.plane
    plane._on_tap(x=1.2, y=-0.7)
    assert (plane.session.u1, plane.session.u2) == (1.2, -0.7)
    assert np.allclose(plane.session.solution.u[0], [1.2, -0.7])


def test_playback_moves_the_time_and_the_landscape(control):
    plane = control.plane
    before = plane.plane_pipe.data["background"][2].copy()
    plane.playback.speed = 3
    plane.playback.frame()
    assert plane.step == 3 and plane.playback.step == 3
    assert plane.controls_pipe.data[3] == 3.0
    after = plane.plane_pipe.data["background"][2]
    assert not np.allclose(before, after)  # ξ(3) ≠ ξ(0) reshapes the energy


def test_bad_settings_are_reported_not_raised(control):
    plane = control.plane
    with pytest.raises(ValueError):
        plane.model.eps = -1.0
    plane.session.param.update(u1=0.2)
    assert not plane.note.visible


def test_multistart_colors_every_start(control):
    grid = control.grid
    control.session.grid = 3
    grid.run()
    grid.job.join(60)
    data = grid.pipe.data
    assert data is not None and len(data.outcomes) == 9
    assert "3 × 3 starts" in grid.summary.value


def test_learning_rounds_forget_and_restore(control):
    learning = control.learning
    session = control.session
    learning.learn()
    learning.learn()
    assert "forgotten" in learning.table.value
    session.param.update(u1=1.5, u2=1.5)
    learning.learn()
    assert "restored" in learning.table.value
    learning.reset()
    assert np.allclose(session.model.T, session.model.A)
    assert "round" not in learning.table.value.split("</tr>")[0].replace("memory", "")


def test_n_neurons_solves_in_the_background(control):
    network = control.network
    network.session.param.update(n_neurons=8, density=0.3)
    network.model.horizon = 30
    network.run()
    network.job.join(60)
    solution = network.session.solution
    assert solution.u.shape == (31, 8)
    assert network.states_pipe.data.shape == (31, 8)
    xi, A, bound = network.matrix_pipe.data
    assert xi.shape == (8, 8) and np.all(xi[A == 0] == 0)  # k = 0: silent synapses stay silent


def test_the_preset_selector_says_custom_after_a_change_by_hand(control):
    """It kept saying "Record" after the settings had been changed."""
    plane = control.plane
    assert plane.preset.value == "Record (α = 0.9995)"
    plane.model.K = 0.3
    assert plane.preset.value == "(custom settings)"
    plane.preset.value = "Recognize (α = 0: μ = 1)"
    assert "recognized" in plane.badge.value
    assert plane.preset.value == "Recognize (α = 0: μ = 1)"
    plane._on_tap(x=0.2, y=0.3)
    assert plane.preset.value == "(custom settings)"


def test_the_text_shows_subscripts_not_underscores(control):
    plane = control.plane
    assert "ξ_" not in plane.summary.value and "<sub>∞</sub>" in plane.summary.value
