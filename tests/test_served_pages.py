"""What a served session's document holds before its browser asks for it."""

import pytest
from bokeh.document import Document
from bokeh.models import ImportedStyleSheet
from panel.io.state import set_curdoc

from landscape_app.app.server import pages


@pytest.mark.parametrize("slug", sorted(pages()))
def test_a_session_asks_no_other_host_for_its_stylesheets(slug):
    """Panel writes a stylesheet's address from the document's ``dist_url``, recorded only
    when the page's HTML is written; a session whose models were made first (two tabs
    opening at once, ``--num-threads``) pointed them at cdn.holoviz.org — unreachable
    offline, so the page lost its theme. Built as the server builds it, no stylesheet of
    any page may name another host."""
    doc = Document()
    with set_curdoc(doc):
        pages()[slug]().server_doc(doc)
    urls = {str(m.url) for m in doc.models if isinstance(m, ImportedStyleSheet)}
    assert urls, "no stylesheet at all: the check would pass vacuously"
    assert not [u for u in urls if "://" in u], sorted(u for u in urls if "://" in u)[:5]
