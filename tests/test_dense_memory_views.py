"""The /krotov page in process (no browser): slices, the race, capacity, metastable states and
the closure check react to their settings."""

import holoviews as hv
import numpy as np
import pytest
from conftest import rendered_tabs

from landscape_app import DenseMemory
from landscape_app.app import pages
from landscape_app.page_models.dense_memory.closure import PRESETS

hv.extension("bokeh", logo=False)


@pytest.fixture
def krotov():
    view = DenseMemory()
    yield from rendered_tabs(view)


def test_the_page_is_registered():
    assert "dense-memory" in pages()


def test_slices_follow_degree_and_beta(krotov):
    slices = krotov.slices
    before = slices.pipe.data
    slices.settings.param.update(degree=5, beta=0.5)
    after = slices.pipe.data
    assert after is not before
    assert list(after.energies) == ["classical", "dense, n = 5", "modern, β = 0.5"]


def test_the_race_plays_to_its_verdict(krotov):
    race = krotov.race
    race.race.param.update(n_patterns=80, noise=0.2, seed=0)
    assert race.frame_index == 0 and race.playback.step == 0
    frames = 0
    while race.frame_index < race.race.n_frames - 1 and frames < 50:
        race.playback.frame()
        frames += 1
    assert race.playback.step == race.frame_index == race.race.n_frames - 1
    assert "dense: retrieved the pattern" in race.playback.message
    assert race.pipes["overlaps"].data["dense"][-1] == 1.0
    assert "sweep" in race.pipes["dense"].data[1]


def test_the_capacity_comparison_runs_in_the_background(krotov):
    capacity = krotov.capacity
    capacity.settings.param.update(n_neurons=50, tested=5)
    capacity.start()
    assert capacity.run_button.disabled
    capacity.job.join(timeout=300)
    assert capacity.message.text.startswith("Done: ")
    result = capacity.pipe.data
    assert result.n_neurons == 50 and set(result.unstable) >= {"classical", "exponential"}
    assert np.all(result.unstable["exponential"] == 0)


def test_metastable_states_appear_at_small_beta(krotov):
    view = krotov.metastable
    view.settings.beta = 2.0
    assert "a single stored pattern" in view.status.value
    view.settings.beta = 0.01
    assert "metastable" in view.status.value or "average" in view.status.value
    assert view.result.effective_patterns > 1.5


def test_the_closure_check_reports_its_verdict_and_typing_errors(krotov):
    closure = krotov.closure
    presets = list(PRESETS)
    assert "holds" in closure.verdict.text and closure.session.result.holds
    closure.session.preset = presets[2]
    assert "violated" in closure.verdict.text
    assert closure.background[()].vdims[0].name == "speed |X̂|"
    closure.session.t12 = "os.system(1)"
    assert "Not a valid coupling" in closure.verdict.text
    # parses, but is undefined on half the domain: said (was a verdict computed from NaN)
    closure.session.t12 = "log(V1)"
    assert "Not a valid coupling" in closure.verdict.text and "not finite at V" in \
        closure.verdict.text
    closure.session.t12 = "2*V1"
    closure.session.preset = presets[1]
    assert "holds" in closure.verdict.text
    n_paths = len(closure.starts)
    closure._on_tap(x=0.2, y=0.3)
    assert len(closure.starts) == n_paths + 1
    assert np.isfinite(closure.paths_pipe.data["x"]).sum() > 10
