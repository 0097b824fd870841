"""Open every page as a first visitor does, in process: render it, open each tab, play a frame.

Used by the warm-up test (after ``warm_up`` nothing here may compile) and by the first-use
benchmark.
"""

import holoviews as hv
import panel as pn
from bokeh.document import Document


def render(view):
    doc = Document()
    pn.state.curdoc = doc
    pn.panel(view).get_root(doc)
    return view


def page_views() -> dict:
    """{slug: view class} of every served page (the tests that go through them all)."""
    from landscape_app.app import pages as _pages  # noqa: F401  (registers the pages)
    from landscape_app.app.shell import PAGES
    from landscape_app.views import (
        Compare,
        Control,
        DenseMemory,
        Explorer,
        Hopfield,
        Plasticity,
        Saddles,
        Stiff,
        SynapticSampling,
    )

    views = {"explorer": Explorer, "compare": Compare, "hopfield": Hopfield,
             "dense-memory": DenseMemory, "control": Control,
             "synaptic-sampling": SynapticSampling, "saddles": Saddles,
             "plasticity": Plasticity, "stiff": Stiff}
    assert set(views) == {p.slug for p in PAGES}, "a page is missing here"
    return views


def visit_every_page(report=lambda label: None):
    from landscape_app.views import Compare, Control, DenseMemory, Explorer, Hopfield
    from landscape_app.views.plasticity.page import Plasticity
    from landscape_app.views.saddles.page import Saddles
    from landscape_app.views.stiff.page import Stiff
    from landscape_app.views.synaptic_sampling.page import SynapticSampling

    hv.extension("bokeh", logo=False)
    for cls in (Explorer, Compare, SynapticSampling, Saddles):
        view = render(cls())
        report(f"{cls.__name__} rendered")
        view.playback.frame()
        report(f"{cls.__name__} first frame")
        view.playback.stop()
    for cls in (Hopfield, DenseMemory, Control, Plasticity, Stiff):
        view = render(cls())
        report(f"{cls.__name__} rendered")
        for i, (name, part) in enumerate(view.parts):
            view.tabs.active = i
            report(f"{cls.__name__} tab {name}")
            playback = getattr(part, "playback", None)
            if playback is not None:
                playback.frame()
                report(f"{cls.__name__} tab {name} first frame")
        view.stop()


def assert_plot_widths(make_view, sizes: dict):
    """Each named plot of a fresh ``make_view()`` has a title and its width, in lecture mode
    1.3 × as large (an overlay of live layers takes both from its last layer); returns the
    lecture-mode view."""
    for scale in (1.0, 1.3):
        view = make_view()
        if scale > 1:
            view.for_lecture()
        render(view)
        for name, width in sizes.items():
            figure = hv.render(getattr(view, name))
            assert figure.title.text, name
            assert figure.width == round(width * scale), (name, figure.width)
    return view
