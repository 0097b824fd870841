"""A closed page leaves nothing behind: no global registry keeps its views, models or plots.

Two process-wide registries kept whole closed sessions alive (the server grew by ~10 MB per
explorer tab, never returned): Panel's registry of JavaScript links (its editable slider's entry
can never die, and held the edited model) and HoloViews' store of custom options (a plot hook
bound to the page's plot). Each test builds what a page builds, drops it, and checks with a weak
reference that the garbage collector freed it.
"""

import gc
import weakref

import holoviews as hv
import panel as pn
import param
import pytest
from bokeh.document import Document

from landscape_app.views.common.widgets import param_widgets

hv.extension("bokeh", logo=False)


class Model(param.Parameterized):
    rate = param.Number(0.5, bounds=(0.0, 10.0), softbounds=(0.0, 1.0))


class Owner:
    """A view: it owns a model, the model's widgets, and watches the model."""

    def __init__(self):
        self.model = Model()
        self.widgets = param_widgets(self.model, ["rate"])
        self.model.param.watch(lambda *events: self.react(), ["rate"])

    def react(self):
        pass


def collected(make) -> bool:
    obj = make()
    ref = weakref.ref(obj)
    del obj
    gc.collect()
    return ref() is None


def test_a_view_with_editable_sliders_is_freed():
    assert collected(Owner)


@pytest.mark.parametrize("page", ["Explorer", "Compare", "Hopfield", "DenseMemory", "Control"])
def test_a_rendered_page_is_freed_once_dropped(page):
    import landscape_app

    def make():
        view = getattr(landscape_app, page)()
        doc = Document()
        pn.state.curdoc = doc
        shown = pn.panel(view)
        root = shown.get_root(doc)
        for tab in range(len(getattr(view, "parts", []))):
            view.tabs.active = tab
        if hasattr(view, "stop"):
            view.stop()
        # what the server does when the session ends
        shown._cleanup(root)
        pn.state._views.pop(root.ref["id"], None)
        doc.clear()
        return view

    try:
        assert collected(make), f"a dropped {page} page is still referenced"
    finally:
        pn.state.curdoc = None
