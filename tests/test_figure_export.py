"""Every figure of every page and tab exports as PNG: its toolbar has Bokeh's save tool
(which writes the PNG in the browser, offline). The pattern pictures once had no toolbar."""

import holoviews as hv
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import Plot, SaveTool


def _views():
    from page_sweep import page_views

    return page_views()


@pytest.mark.parametrize("slug", list(_views()))
def test_every_figure_has_a_png_export(slug):
    hv.extension("bokeh", logo=False)
    view = _views()[slug]()
    parts = ([(title, tab.main()) for title, tab in view.parts] if hasattr(view, "parts")
             else [("page", view.main())])
    for title, main in parts:
        root = pn.panel(main).get_root(Document())
        plots = [m for m in root.references() if isinstance(m, Plot)]
        assert plots, title
        missing = [m.title.text if m.title else "?" for m in plots
                   if not any(isinstance(tool, SaveTool) for tool in m.toolbar.tools)]
        assert missing == [], (title, missing)
    if hasattr(view, "stop"):
        view.stop()
