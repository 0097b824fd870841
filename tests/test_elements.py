"""The shared figure elements: smooth contour lines, ranges that hold the data, legends that
cover nothing (the defects a class saw on a projector)."""

import holoviews as hv
import numpy as np

from landscape_app.views.common import charts, elements

hv.extension("bokeh", logo=False)


def test_contour_lines_follow_the_level_set_between_grid_points():
    """Lines once were the image's pixels: staircases on a 21 × 21 grid. Traced with linear
    interpolation, every vertex of the r² = 0.55 line lies on the circle to within the
    interpolation error of a cell (h²/4 = 0.0025 for h = 0.1)."""
    xs = ys = np.linspace(-1, 1, 21)
    xx, yy = np.meshgrid(xs, ys)
    energy = xx**2 + yy**2
    path = elements.contour_lines(xs, ys, energy, [0.55])
    vertices = np.concatenate([p.array()[:, :2] for p in path.split()])
    vertices = vertices[np.isfinite(vertices).all(axis=1)]
    assert len(vertices) > 40
    np.testing.assert_allclose((vertices**2).sum(axis=1), 0.55, atol=0.003)
    # vertices between grid points, not on them (a staircase has only grid coordinates)
    off_grid = np.abs(vertices * 10 - np.round(vertices * 10)) > 1e-6
    assert off_grid.any(axis=1).mean() > 0.9


def test_contour_lines_are_one_path_broken_at_nan_between_lines():
    """Every line of every level, in one path with a NaN row between lines: HoloViews built
    a Dataset per line on each redraw (0.1-0.4 s a landscape). Two levels of r² on a square
    cut by the window's edge give four separate arcs at r² = 1.5 and one circle at 0.5."""
    xs = ys = np.linspace(-1, 1, 41)
    xx, yy = np.meshgrid(xs, ys)
    path = elements.contour_lines(xs, ys, xx**2 + yy**2, [0.5, 1.5])
    (line,) = path.split()
    points = line.array()[:, :2]
    gaps = np.isnan(points).all(axis=1)
    assert gaps.sum() == 4  # five lines
    assert not gaps[0] and not gaps[-1] and not (gaps[1:] & gaps[:-1]).any()
    radii = (points[~gaps] ** 2).sum(axis=1)
    assert np.isclose(radii, 0.5, atol=0.01).sum() > 20
    assert np.isclose(radii, 1.5, atol=0.01).sum() > 20


def test_the_energy_image_keeps_every_value():
    xs = ys = np.linspace(-1, 1, 41)
    xx, yy = np.meshgrid(xs, ys)
    image = elements.energy_image(xs, ys, xx**2 + yy**2)
    assert np.isfinite(image.dimension_values("E")).all()


def test_no_contours_for_an_empty_level_list_or_no_finite_values():
    xs = ys = np.linspace(0, 1, 5)
    assert len(elements.contour_lines(xs, ys, np.ones((5, 5)), []).split()) == 0
    assert len(elements.contour_lines(xs, ys, np.full((5, 5), np.nan)).split()) == 0


def test_the_marginal_range_holds_the_exact_peak_and_the_legend_sits_outside():
    """The exact marginal's peak was cut off during play, and the legend covered peaks."""
    edges = np.linspace(-1, 1, 11)
    sample = np.full(10, 0.1)
    exact = np.full(10, 0.05)
    exact[4] = 0.3
    overlay = charts.marginal("x", edges, sample, exact)
    for layer in overlay:
        low, high = hv.Store.lookup_options("bokeh", layer, "plot").kwargs["ylim"]
        assert low == 0 and high >= 0.3
    assert hv.Store.lookup_options("bokeh", overlay, "plot").kwargs["legend_position"] \
        == "right"


def test_the_legends_of_the_trace_and_the_cost_chart_sit_outside():
    trace = charts.energy_trace({"step": [0, 1], "mean": [0, 1], "low": [0, 0],
                                   "high": [1, 1]})
    chart = charts.tv_chart({"MALA": [(1, 0.5), (10, 0.2)]})
    for overlay in (trace, chart):
        options = hv.Store.lookup_options("bokeh", overlay, "plot").kwargs
        assert options["legend_position"] == "right"


def test_the_cost_chart_keeps_one_structure_before_and_after_the_first_sample():
    """Bokeh updates a live plot in place: if the legend's items came and went between
    the empty chart and the first samples, the browser logged "cannot find a view for
    Legend" (seen on /compare). Same layers, same labels, before and after."""
    before = charts.tv_chart({"MALA": [], "HMC": []})
    after = charts.tv_chart({"MALA": [(1, 0.5)], "HMC": [(2, 0.4)]})
    shape = [(type(e).__name__, e.label) for e in before]
    assert shape == [(type(e).__name__, e.label) for e in after]
    assert [e.label for e in before if isinstance(e, hv.Curve)] == ["MALA", "HMC"]
    note = [e for e in before if isinstance(e, hv.Text)][0]
    assert "Press Play" in note.text
    assert [e for e in after if isinstance(e, hv.Text)][0].text == ""


def test_the_energy_trace_shows_the_first_record_and_keeps_its_layers():
    """Before Play the trace holds one record (step 0): a curve through one point draws
    nothing, and the explorer opened on an empty "Energy over chains". The latest mean is
    now a marker, there from the first record on; the layers are the same empty, at step 0
    and later (a live plot is updated in place)."""
    def shape(trace):
        return [(type(e).__name__, e.label) for e in trace]

    empty = charts.energy_trace({})
    first = charts.energy_trace({"step": [0], "mean": [34.2], "low": [10.0],
                                   "high": [60.0]})
    later = charts.energy_trace({"step": [0, 5, 10], "mean": [34.2, 20.0, 12.5],
                                   "low": [10.0, 5.0, 1.0], "high": [60.0, 40.0, 30.0]})
    assert shape(empty) == shape(first) == shape(later)
    now = [e for e in first if isinstance(e, hv.Scatter)]
    assert len(now) == 1 and now[0].label == "now"
    assert list(now[0].dimension_values("E")) == [34.2]
    marker = [e for e in later if isinstance(e, hv.Scatter)][0]
    assert list(marker.dimension_values("step")) == [10]
    # the marker on the last step sits inside the frame, not on its edge (half cut off)
    low, high = hv.Store.lookup_options("bokeh", marker, "plot").kwargs["xlim"]
    assert low < 0 and high > 10
