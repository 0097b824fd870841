"""The Hopfield page in process (no browser): recall frames, clicks, presets, the sweep."""

import time

import holoviews as hv
import numpy as np
import pytest
from conftest import rendered_tabs

from landscape_app import Hopfield
from landscape_app.app import pages
from landscape_app.hopfield.capacity import ALPHA_CRITICAL
from landscape_app.views.hopfield.two_neurons import PRESETS

hv.extension("bokeh", logo=False)


@pytest.fixture
def hopfield():
    view = Hopfield()
    yield from rendered_tabs(view)


def test_the_page_is_registered():
    assert "hopfield" in pages()


def test_recall_frames_advance_until_the_stored_pattern_is_recalled(hopfield):
    recall = hopfield.recall
    session = recall.session
    assert session.noise > 0 and session.overlaps[session.target] < 1.0
    recall.playback.speed = 100
    frames = 0
    while not session.done and frames < 200:
        recall.playback.frame()
        frames += 1
        assert recall.playback.step == session.updates == 100 * frames
    assert session.status == "converged"
    assert session.overlaps[session.target] == pytest.approx(1.0)
    assert "the stored pattern" in recall.playback.message
    assert "state after" in recall.state_pipe.data[1]
    # the traces hold one point per frame (plus the start)
    sweeps, overlaps, target = recall.overlaps_pipe.data
    assert len(sweeps) == frames + 1 and overlaps.shape == (frames + 1, session.network.n_patterns)
    energies = recall.energy_pipe.data[1]
    assert np.all(np.diff(energies) <= 1e-9)  # symmetric T: the energy never increases


def test_a_click_on_the_cue_flips_that_pixel_and_restarts(hopfield):
    recall = hopfield.recall
    side = recall.session.SIDE
    before = recall.session.cue.copy()
    recall._on_tap(x=3.5, y=side - 0.5)  # column 3 of the top row
    changed = np.flatnonzero(recall.session.cue != before)
    assert changed.tolist() == [3]
    assert recall.session.updates == 0 and recall.playback.step == 0
    recall._on_tap(x=-1.0, y=2.0)  # outside the picture: nothing happens
    assert np.flatnonzero(recall.session.cue != before).tolist() == [3]


def test_settings_rebuild_the_network(hopfield):
    session = hopfield.recall.session
    session.param.update(source="random", n_patterns=60)
    assert session.network.n_patterns == 60 and session.network.n_neurons == session.SIDE**2
    assert "α = 0.150" in hopfield.recall.status.value


def test_two_neurons_presets_say_whether_an_energy_exists(hopfield):
    pair = hopfield.pair
    assert pair.note.text.startswith("T is symmetric")
    pair.preset.value = "Limit cycle (asymmetric)"
    assert not pair.pair.is_symmetric
    assert "no energy function exists" in pair.note.text
    assert any(f.kind == "unstable spiral" for f in pair.pair.fixed_points())
    pair._on_tap(x=0.1, y=0.1)
    data = pair.trajectory_pipe.data
    assert np.isfinite(data["x"]).sum() > 100  # a trajectory was drawn from the click
    pair._clear()
    assert np.isfinite(pair.trajectory_pipe.data["x"]).sum() == 0
    pair.preset.value = "Two memories (symmetric)"
    assert pair.pair.t12 == pair.pair.t21 == PRESETS["Two memories (symmetric)"]["t12"]
    assert pair.note.text.startswith("T is symmetric")


def test_the_energy_plane_shows_the_latest_recall(hopfield):
    recall = hopfield.recall
    recall.playback.speed = 400
    for _ in range(10):
        recall.playback.frame()
    hopfield.tabs.active = 2  # opening the tab refreshes it
    plane, path, name_u, name_v = hopfield.plane.stream.data
    assert len(path) == len(recall.session.state_history)
    assert f"({len(path) - 1} steps)" in hopfield.plane.caption.value
    hopfield.plane.settings.through = "cue and pattern"
    assert hopfield.plane.stream.data[2] == "cue"
    assert np.allclose(hopfield.plane.stream.data[1][0], (1.0, 0.0))  # the path starts at the cue


def test_the_capacity_sweep_runs_in_the_background_and_reports(hopfield):
    capacity = hopfield.capacity
    capacity.settings.param.update(n_neurons=200, points=4, trials=1, alpha_max=0.3)
    capacity.start()
    assert capacity.run_button.disabled and capacity.progress.visible
    capacity.job.join(timeout=120)
    assert not capacity.running
    assert capacity.message.text == "Done: 4 loads at N = 200."
    assert not capacity.run_button.disabled and not capacity.progress.visible
    curve = capacity.curve
    assert curve.alphas.tolist() == pytest.approx([0.075, 0.15, 0.225, 0.3])
    assert curve.overlap[0] > 0.95 and curve.overlap[-1] < 0.8
    assert "below α<sub>c</sub>" in capacity.summary.value and ALPHA_CRITICAL < 0.15


def test_the_capacity_sweep_says_where_it_runs_and_can_be_cancelled(hopfield):
    """The engine line names the Dask cluster and links its dashboard; Cancel gives the
    button back at once and the cancelled sweep's result is never drawn."""
    capacity = hopfield.capacity
    capacity.settings.param.update(n_neurons=500, points=12, trials=3, alpha_max=0.5)
    before = capacity.curve
    capacity.start()
    assert capacity.job.cancel_button.visible
    deadline = time.time() + 60
    while not capacity.job.engine.visible and time.time() < deadline:
        time.sleep(0.1)
    assert "local Dask cluster" in capacity.job.engine.object
    assert "Dask dashboard</a>" in capacity.job.engine.object
    capacity.job.cancel_button.clicks += 1
    assert not capacity.run_button.disabled and not capacity.progress.visible
    capacity.job.join(timeout=120)
    assert capacity.curve is before and not capacity.running
