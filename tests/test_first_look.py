"""Every tab opens showing something meaningful: no misleading verdict at step 0, no "N = ?",
no empty axes or legends without symbols, no message shown twice, no cut titles."""

import holoviews as hv
import numpy as np
import pytest
from conftest import rendered_tabs

from landscape_app import Control, DenseMemory, Hopfield

hv.extension("bokeh", logo=False)


@pytest.fixture
def hopfield():
    yield from rendered_tabs(Hopfield())


@pytest.fixture
def krotov():
    yield from rendered_tabs(DenseMemory())


@pytest.fixture
def control():
    yield from rendered_tabs(Control())


def texts(element) -> list[str]:
    return [t.text for t in element.traverse(lambda x: x, [hv.Text])]


def test_recall_at_step_zero_describes_the_cue_not_a_verdict(hopfield):
    """At step 0 it said "running … a spurious or mixture state" and drew empty axes."""
    recall = hopfield.recall
    assert "spurious" not in recall.status.value and "Press Play" in recall.status.value
    overlaps = recall.overlap_plot[()]
    dots = overlaps.traverse(lambda x: x, [hv.Scatter])
    assert dots and all(len(d) >= 1 for d in dots)
    assert len(recall.energy_plot[()].traverse(lambda x: x, [hv.Scatter])[0]) == 1


def test_the_recall_verdict_is_shown_once(hopfield):
    recall = hopfield.recall
    recall.playback.speed = 400
    while not recall.session.done:
        recall.playback.frame()
    assert "the stored pattern" in recall.playback.message
    assert "the stored pattern" not in recall.status.value


def test_recall_pictures_are_square_and_titles_fit(hopfield):
    """Titles were cut ("the cue co", "click to flip a pixe"); the stored-pattern strip was
    tiny and stretched."""
    recall = hopfield.recall
    for dmap in (recall.cue, recall.state):
        options = hv.Store.lookup_options("bokeh", dmap[()], "plot").kwargs
        assert options["frame_width"] == options["frame_height"]
        # about 8 px a character of an 11-point bold title
        assert 8 * len(dmap[()].opts.get().kwargs.get("title", "")) <= options["frame_width"] + 40
    strip = recall.gallery[()]
    options = hv.Store.lookup_options("bokeh", strip, "plot").kwargs
    rows, columns = strip.data.shape if hasattr(strip.data, "shape") else strip.dimension_values(
        2, flat=False).shape
    assert options["frame_width"] / options["frame_height"] == pytest.approx(
        columns / rows, rel=0.05)
    assert options["frame_height"] >= 80


def test_the_capacity_tab_names_its_size_and_says_what_to_press(hopfield):
    capacity = hopfield.capacity
    element = capacity.error_plot[()]
    title = hv.Store.lookup_options("bokeh", element, "plot").kwargs["title"]
    assert "?" not in title and "N = 500" in title
    assert any("Run the sweep" in t for t in texts(element))
    # every legend item has data to draw its symbol from
    scatter = element.traverse(lambda x: x, [hv.Scatter])[0]
    assert len(scatter) == 1


def test_the_race_says_its_verdict_once(krotov):
    race = krotov.race
    assert "press Play" in race.status.value
    while race.frame_index < race.race.n_frames - 1:
        race.playback.frame()
    assert "dense:" in race.playback.message and "dense:" not in race.status.value
    assert "\n" in race.pipes["dense"].data[1]  # two lines: the title no longer cut


def test_dense_capacity_before_a_run(krotov):
    element = krotov.capacity.plot[()]
    assert any("Run the comparison" in t for t in texts(element))
    assert all(len(s) == 1 for s in element.traverse(lambda x: x, [hv.Scatter]))
    assert hv.Store.lookup_options("bokeh", element, "plot").kwargs["legend_position"] == \
        "right"


def test_multistart_and_n_neurons_say_what_to_press(control):
    grid = control.grid.plot[()]
    assert any("Solve every start" in t for t in texts(grid))
    starts = [p for p in grid.traverse(lambda x: x, [hv.Points]) if p.label]
    assert starts and all(len(p) == 1 for p in starts)  # a symbol for every legend item
    assert any("Press Solve" in t for t in texts(control.network.states[()]))
    assert any("Press Solve" in t for t in texts(control.network.matrix[()]))


def test_the_phase_plane_has_no_legend_over_the_equilibrium(control):
    plane = control.plane.plane[()]
    assert hv.Store.lookup_options("bokeh", plane, "plot").kwargs["show_legend"] is False
    image = plane.traverse(lambda x: x, [hv.Image])[0]
    assert image.dimension_values(2, flat=False).shape[0] >= 150  # not blocky


def test_learning_legend_items_all_have_symbols(control):
    element = control.learning.plot[()]
    for points in element.traverse(lambda x: x, [hv.Points]):
        assert len(points) >= 1
    assert np.isnan(element.traverse(lambda x: x, [hv.Points])[-1].array()).all()
