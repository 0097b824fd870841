"""Charts redrawn by writing their data sources (``views/common/live_chart``): what a live frame
writes must be what HoloViews' own update would have drawn, data and axes."""

import bokeh.models as bm
import holoviews as hv
import numpy as np
import panel as pn
from bokeh.document import Document

from landscape_app.views.common import charts
from landscape_app.views.common.live_chart import LiveChart, frame_ranges

hv.extension("bokeh", logo=False)


def _trace(n):
    steps = np.arange(n) * 10.0
    return {"step": steps, "mean": np.sin(steps / 30) + 2, "low": np.sin(steps / 30),
            "high": np.sin(steps / 30) + 4}


def _render(chart):
    doc = Document()
    root = pn.pane.HoloViews(chart.dmap).get_root(doc)
    figure = next(iter(root.select({"type": bm.Plot})))
    return figure


def _drawn(figure):
    """Every glyph's columns and the axes' ranges of a Bokeh figure."""
    columns = [{k: np.asarray(v, dtype=float) for k, v in r.data_source.data.items()}
               for r in figure.renderers if isinstance(r, bm.GlyphRenderer)]
    return columns, (figure.x_range.start, figure.x_range.end,
                     figure.y_range.start, figure.y_range.end)


def _assert_same(a, b):
    (cols_a, ranges_a), (cols_b, ranges_b) = a, b
    assert len(cols_a) == len(cols_b)
    for ca, cb in zip(cols_a, cols_b, strict=True):
        assert ca.keys() == cb.keys()
        for key in ca:
            np.testing.assert_allclose(ca[key], cb[key])
    np.testing.assert_allclose(ranges_a, ranges_b, rtol=1e-9)


def test_a_live_frame_draws_what_a_full_update_draws():
    """The energy trace (band, mean, marker) and a marginal (bars, stepped exact curve): the
    same columns in every data source and the same axes, written directly or by HoloViews."""
    edges = np.linspace(-2, 2, 21)
    exact = np.exp(-0.5 * ((edges[1:] + edges[:-1]) / 2) ** 2)
    exact /= exact.sum()
    def histograms(data):  # /synaptic-sampling's times to reward: bars on zero, framewise
        return hv.Overlay([hv.Histogram(np.histogram(values, bins=np.linspace(0, 50, 11)),
                                        label=name).opts(framewise=True)
                           for name, values in data.items()])

    def level(data):  # a band with a dashed level line (no data source), framewise
        x = np.arange(len(data))
        return hv.Overlay([hv.Area((x, data, data + 1), "t", ["R", "R2"]).opts(framewise=True),
                           hv.Curve((x, data + 0.5), "t", "R").opts(framewise=True),
                           hv.HLine(2.0)])

    def bounded(data):  # the same with the overlay's own vertical limits (/synaptic's bands)
        return level(data).opts(ylim=(0, 10))

    rng = np.random.default_rng(1)
    cases = [(charts.energy_trace, _trace(5), _trace(40), {}),
             (lambda data: charts.marginal("x", *data), (edges, np.full(20, 0.05), exact),
              (edges, exact * 1.7, exact), {}),
             (histograms, {"a": rng.uniform(0, 50, 30), "b": rng.uniform(0, 20, 30)},
              {"a": rng.uniform(0, 50, 90), "b": rng.uniform(10, 40, 90)}, {}),
             (level, np.linspace(0, 1, 5), np.linspace(1, 4, 30), {}),
             (bounded, np.linspace(0, 1, 5), np.linspace(1, 4, 30), {})]
    for callback, first, later, opts in cases:
        full, live = (LiveChart(callback, first, framewise=True, **opts) for _ in "ab")
        full_figure, live_figure = _render(full), _render(live)
        full.send(later)
        assert live._write(later), "the live frame fell back to a full update"
        _assert_same(_drawn(live_figure), _drawn(full_figure))


def test_a_moved_level_line_takes_the_full_update():
    chart = LiveChart(lambda data: hv.Curve(([0, 1], [0, 1])) * hv.HLine(data), 0.5,
                      framewise=True)
    _render(chart)
    assert chart._write(0.5)
    assert not chart._write(0.7)  # the line has no data source to write


def test_a_frame_of_other_layers_takes_the_full_update():
    """The tv chart gains a sampler's line: the live write declines, the full update draws it."""
    chart = LiveChart(charts.tv_chart, {"MALA": [(100, 0.5)]}, framewise=True)
    figure = _render(chart)
    later = {"MALA": [(100, 0.5), (200, 0.4)], "HMC": [(100, 0.6)]}
    assert not chart._write(later)  # a log axis, and another set of layers
    chart.send(later, live=True)
    lines = [r for r in figure.renderers if isinstance(r, bm.GlyphRenderer)
             and isinstance(r.glyph, bm.Line)]
    assert len(lines) == 2


def test_frame_ranges_follow_limits_or_pad_the_data():
    curve = hv.Curve(([0, 10], [1, 3])).opts(xlim=(-5, 20))
    assert frame_ranges([curve]) == {"x": (-5.0, 20.0), "y": (0.8, 3.2)}
    flat = hv.Curve(([0, 10], [2, 2]))
    assert frame_ranges([flat]) == {"x": (-1.0, 11.0)}  # no span: the axis is left alone


def test_the_explorer_writes_its_diagnostics_while_playing():
    """A live frame of /explorer draws its trace and marginals without HoloViews' update
    (0.1-0.3 s a chart: about two frames a second in a served page); Pause draws them the
    full way."""
    from landscape_app.views import Explorer

    doc = Document()
    pn.state.curdoc = doc
    try:
        explorer = Explorer(landscape="double_well", sampler="MALA")
        root = pn.panel(explorer).get_root(doc)
        diagnostics = explorer.diagnostics
        charts_ = [diagnostics.trace_chart, *diagnostics.marginal_charts.values()]
        full = []
        for chart in charts_:
            chart.pipe.add_subscriber(lambda **kw: full.append(1))
        explorer.experiment.advance(50)
        explorer.redraw(diagnostics=True, live=True)
        assert not full
        trace = explorer.experiment.trace.as_dict()
        mean = next(r.data_source for r in root.select({"type": bm.GlyphRenderer})
                    if isinstance(r.glyph, bm.Line) and "E" in r.data_source.data
                    and "step" in r.data_source.data)
        np.testing.assert_allclose(mean.data["E"], trace["mean"])
        explorer.redraw()
        assert len(full) == 3
    finally:
        pn.state.curdoc = None


def test_each_marginal_holds_its_own_peak():
    """The x and y marginals had one shared "probability" axis (Panel links the axes of panes
    whose dimensions share a name): on Müller–Brown the y marginal's lower top cut off the x
    marginal's exact peak, live or not. Each axis now holds its own bars and curve."""
    from landscape_app.views import Explorer

    doc = Document()
    pn.state.curdoc = doc
    try:
        explorer = Explorer(landscape="muller_brown", sampler="HMC")
        root = pn.panel(explorer).get_root(doc)
        figures = {axis: next(f for f in root.select({"type": bm.Plot})
                              if f.title is not None and f"Marginal of {axis}" in f.title.text)
                   for axis in "xy"}
        assert figures["x"].y_range is not figures["y"].y_range
        for live in (True, False):
            explorer.experiment.advance(200)
            explorer.redraw(diagnostics=True, live=live)
            for figure in figures.values():
                tops = [np.nanmax(np.asarray(r.data_source.data.get("top", r.data_source.data.get(
                    "probability", [0.0])), dtype=float)) for r in figure.renderers
                    if isinstance(r, bm.GlyphRenderer)]
                assert figure.y_range.start == 0
                assert max(tops) < figure.y_range.end <= 1.2 * max(tops)
    finally:
        pn.state.curdoc = None


def test_the_saddles_page_writes_its_frames_while_playing():
    """A live frame of /saddles writes its learning curves, raster, stimulus and paths into
    their data sources (HoloViews' update of the four took ~90 ms a frame), the raster's
    title ("a class k stimulus: g wins") included; a frame that is not live takes the full
    update."""
    from landscape_app.views.saddles.page import Saddles

    doc = Document()
    pn.state.curdoc = doc
    try:
        view = Saddles()
        root = pn.panel(view).get_root(doc)
        full = []
        for pipe in [chart.pipe for chart in view.charts.values()] + [
                view.pipes["stimulus"], view.pipes["paths"]]:
            pipe.add_subscriber(lambda **kw: full.append(1))
        view.playback.playing = True
        for _ in range(4):
            view.advance(view.playback.speed)()
        spikes = view.session.stimulus_spikes()
        assert not full, "a live frame took HoloViews' update"
        shown = {t.text for t in root.select({"type": bm.Title})}
        assert f"a class {spikes['label']} stimulus: {spikes['guess']} wins" in shown
        curves = view.session.learning_curves()
        drawn = [np.asarray(r.data_source.data["accuracy"]) for r in
                 root.select({"type": bm.GlyphRenderer})
                 if isinstance(r.glyph, bm.Line) and "presentations" in r.data_source.data]
        assert any(d.shape == curves["none"][:, 2].shape and np.allclose(
            d, curves["none"][:, 2]) for d in drawn)
        view.playback.playing = False
        view.advance(view.playback.speed)()
        assert len(full) == 4
        view.stop()
    finally:
        pn.state.curdoc = None
