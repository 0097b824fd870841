"""The /saddles page: built, stepped, settings applied and refused, two sessions apart; the
GUI-free page model driven as a notebook would."""

import numpy as np
from page_sweep import assert_plot_widths
from page_sweep import render as _rendered

from landscape_app.page_models.saddles.session import SaddleSession
from landscape_app.synaptic_sampling.wta import NOISE_MODES
from landscape_app.views.saddles.page import Saddles


def test_the_session_steps_the_three_learners_and_reports_them():
    session = SaddleSession(n_inputs=60, runs=3)
    session.advance(400)
    session.advance(400)
    curves = session.learning_curves()
    assert set(curves) == set(NOISE_MODES)
    steps = curves["none"][:, 0]
    assert steps.tolist() == [0, 1, 401, 801]
    lo, mean, hi = curves["none"][-1, 1:]
    assert lo <= mean <= hi and 0 <= lo and hi <= 1
    summary = session.summary()
    assert summary["chance"] == 0.25
    # 800 presentations of four clusters: well above chance (docs/saddles.md)
    assert summary["none"]["test"] > 0.5
    spikes = session.stimulus_spikes()
    assert spikes["outputs"].shape == (20, 2) and spikes["inputs"].shape[1] == 2
    assert 0 <= spikes["guess"] < 4 and 0 <= spikes["label"] < 4
    plane = session.plane()
    assert plane["values"].shape == (31, 31)
    assert {m: p.shape for m, p in plane["paths"].items()} == {m: (4, 2) for m in NOISE_MODES}
    assert plane["eigenvalues"][0] < 0  # negative curvature at the symmetric start


def test_a_settings_change_starts_every_run_again_but_the_watched_learner_does_not():
    session = SaddleSession(n_inputs=40, runs=2)
    session.advance(100)
    session.settings.watch = "none"
    assert session.presented == 101
    session.settings.temperature = 1.0
    assert session.presented == 1 and session.learner.temperature == 1.0
    session.settings.n_classes = 3
    assert session.task.n_classes == 3 and session.learner.theta.shape == (6, 3, 40)


def test_the_page_plays_measures_and_applies_a_scene():
    view = _rendered(Saddles(n_inputs=50, runs=2))
    draw = view.advance(100)
    draw()
    assert view.playback.step == 101
    assert "test (± sd)" in view.summary.value
    view.measure_escape()
    rows = view.pipes["escape"].data["rows"]
    assert [r["epsilon"] for r in rows] == sorted((r["epsilon"] for r in rows), reverse=True)
    # less noise, later escape
    assert rows[-1]["mean"] > rows[0]["mean"]
    assert view.apply_settings({"temperature": "0.5", "rule": "printed"}) == []
    assert view.session.settings.rule == "printed" and view.playback.step == 1
    assert set(view.apply_settings({"temperature": "-1", "runs": "x"})) == {"runs",
                                                                           "temperature"}
    view.stop()


def test_the_plane_grows_with_the_paths_and_is_redrawn_then():
    session = SaddleSession(n_inputs=30, runs=1, eta=3e-3)
    first = session.plane()
    session.advance(3000)
    later = session.plane()
    reach = max(np.abs(p).max() for p in later["paths"].values())
    assert later["axis"].max() >= reach
    assert later["axis"].max() >= first["axis"].max()


def test_two_pages_share_nothing():
    a, b = Saddles(n_inputs=20, runs=1), Saddles(n_inputs=20, runs=1)
    a.session.settings.temperature = 0.9
    assert b.session.settings.temperature == 0.3
    assert a.session.learner is not b.session.learner


def test_the_cube_turns_and_stays_inside_its_plot():
    """The 3-D stimuli are drawn as an orthographic view of the unit cube: turning it moves
    the points on screen but keeps their depth order consistent (a rotation keeps lengths),
    and at every turn the cube, its axis letters and the points fit the plot's ±0.95."""
    from landscape_app.views.saddles.page import CUBE_EDGES, project

    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], float)
    for turn in range(0, 361, 15):
        flat, depth = project(corners, turn, depth=True)
        assert np.abs(flat).max() < 0.95 * 0.9  # the letters sit 12 % beyond the corners
        # screen position and depth are a rotation of the centred corners: lengths kept
        np.testing.assert_allclose(np.hypot(np.hypot(*flat.T), depth),
                                   np.linalg.norm(corners - 0.5, axis=1))
    assert len(CUBE_EDGES) == 12
    view = _rendered(Saddles(n_inputs=30, runs=1))
    before = view.clusters[()].Points.II.array(["across", "up"])
    view.turn.value = 120
    after = view.clusters[()].Points.II.array(["across", "up"])
    assert before.shape == after.shape and not np.allclose(before, after)


def test_every_plot_has_its_title_and_size():
    """An overlay of live layers takes its title and size from the last layer: each plot of
    the page (the clusters under the stimulus, the loss plane under the paths) keeps its own,
    in lecture mode 1.3 × as large."""

    sizes = {"curves": 530, "clusters": 330, "raster": 420, "spectrum": 420, "plane": 440,
             "escape": 420}
    assert_plot_widths(lambda: Saddles(n_inputs=30, runs=1), sizes)
