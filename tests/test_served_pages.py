"""What a served session's document holds, built as the server builds it (``app/builder``)."""

import weakref
from types import SimpleNamespace

import pytest
from bokeh.document import Document
from bokeh.models import ImportedStyleSheet

from landscape_app.app.builder import build_page
from landscape_app.app.server import pages


class _SessionContext:
    """Stands for the context Bokeh gives a session's document before the tab connects."""

    id = "a-session"
    session = None  # not connected yet

    def __init__(self, path="/explorer"):
        self.request = SimpleNamespace(arguments={}, cookies={}, headers={}, path=path,
                                       uri=path, protocol="http", host="localhost:5006")


def session_document():
    doc = Document()
    context = _SessionContext()
    doc._session_context = weakref.ref(context)
    return doc, context


@pytest.mark.parametrize("slug", sorted(pages()))
def test_a_session_asks_no_other_host_for_its_stylesheets(slug):
    """Panel writes a stylesheet's address from the document's ``dist_url``, recorded only
    when the page's HTML is written; a session whose models were made first (two tabs
    opening at once, ``--num-threads``) pointed them at cdn.holoviz.org — unreachable
    offline, so the page lost its theme. Built as the server builds it, no stylesheet of
    any page may name another host."""
    doc, _context = session_document()
    build_page(slug, doc, "t")
    urls = {str(m.url) for m in doc.models if isinstance(m, ImportedStyleSheet)}
    assert urls, "no stylesheet at all: the check would pass vacuously"
    assert not [u for u in urls if "://" in u], sorted(u for u in urls if "://" in u)[:5]


def test_pages_without_tex_are_sent_without_mathjax():
    """Panel sent MathJax (1.8 MB of JavaScript to parse) with every page, because every
    template holds an (empty) HTML model; the pages write equations as HTML. Served as the
    server sends them, no page loads it, and an HTML model with TeX in it still does."""
    from bokeh.resources import Resources
    from panel.io.resources import bundle_resources
    from panel.models.markup import HTML

    from landscape_app.app.builder import send_mathjax_only_for_math

    send_mathjax_only_for_math()
    for slug in sorted(pages()):
        doc, _context = session_document()
        build_page(slug, doc, "t")
        bundle = bundle_resources(doc.roots, Resources(mode="server"))
        js = " ".join(str(u) for u in bundle.js_files)
        assert "bokeh.min.js" in js and "mathjax" not in js, slug
    with_tex = bundle_resources([HTML(text=r"$$E = -\tfrac12 v^\top T v$$")],
                                Resources(mode="server"))
    assert "bokeh-mathjax" in " ".join(str(u) for u in with_tex.js_files)


def test_the_explorer_is_built_whole_before_its_tab_connects():
    """The trace and the marginals were deferred to the page's load: built then on the
    server's event loop, they held up a first Play pressed as soon as the page showed
    (``benchmarks/first_use.py``: 3.2 s to the first step, 0.7 s once they were there). Built
    as the server builds a page (or a spare), all four figures are in the document."""
    from bokeh.models import Plot

    doc, _context = session_document()
    build_page("explorer", doc, "t")
    assert len([m for m in doc.models if isinstance(m, Plot)]) == 4
