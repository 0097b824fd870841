"""Every figure of every page draws on a canvas unless WebGL is asked for.

HoloViews makes its Bokeh plots WebGL by default; in a browser that renders in software (this
machine's headless Chromium, lecture PCs without a GPU driver) BokehJS then spent 350 ms of
the 1.2 s first render of /saddles copying WebGL frames onto canvases and compiling shaders
(``docs``: README, "Every figure draws with Bokeh's canvas renderer").
"""

import bokeh.models as bm
import panel as pn
import pytest
from bokeh.document import Document

import landscape_app.app.pages  # noqa: F401  (registers the pages)
from landscape_app.app.shell import PAGES
from landscape_app.views.common.renderer import use_renderer


def _plots(build):
    import holoviews as hv

    hv.extension("bokeh", logo=False)  # as the server does before building a page
    view = build()
    doc = Document()
    pn.state.curdoc = doc
    try:
        root = pn.panel(view).get_root(doc)
        tabs = getattr(view, "tabs", None)
        for index in range(len(getattr(view, "parts", []))):
            tabs.active = index  # a tab's plots are made when it is first opened
        return list(root.select({"type": bm.Plot}))
    finally:
        getattr(view, "stop", lambda: None)()
        pn.state.curdoc = None


@pytest.mark.parametrize("entry", PAGES, ids=[p.slug for p in PAGES])
def test_every_figure_of_the_page_draws_on_a_canvas(entry):
    plots = _plots(entry.build)
    assert plots, "the page has no figure"
    assert {plot.output_backend for plot in plots} == {"canvas"}


def test_webgl_when_asked_and_a_clear_error_for_anything_else():
    import holoviews as hv

    try:
        use_renderer("webgl")
        assert hv.render(hv.Curve([1, 2]), backend="bokeh").output_backend == "webgl"
    finally:
        use_renderer()
    assert hv.render(hv.Curve([1, 2]), backend="bokeh").output_backend == "canvas"
    with pytest.raises(ValueError, match="'canvas' or 'webgl'"):
        use_renderer("svg2")
