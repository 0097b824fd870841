"""The page shell every page shares: one template, a header with navigation between pages.

A page is registered with ``@page(slug, title)``; its function builds a fresh view for each
browser session and returns (sidebar objects, main objects).
"""

from collections.abc import Callable
from dataclasses import dataclass

import holoviews as hv
import panel as pn

TITLE = "landscape_app"
ACCENT = "#2f6690"


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    build: Callable
    description: str = ""
    #: Panel extensions whose JavaScript the page needs (sent with the page's HTML)
    extensions: tuple = ()


PAGES: list[Page] = []


def page(slug: str, title: str, description: str = "", extensions=()):
    """Register a page function under /slug (pages appear in the navigation in this order)."""
    def register(build):
        PAGES.append(Page(slug, title, build, description, tuple(extensions)))
        return build
    return register


def navigation(current: str) -> pn.widgets.StaticText:
    links = []
    for p in PAGES:
        style = "font-weight:bold;text-decoration:underline" if p.slug == current else ""
        links.append(f'<a href="./{p.slug}" style="color:white;margin:0 14px;{style}" '
                     f'title="{p.description}">{p.title}</a>')
    # a StaticText (Bokeh Div), not an HTML pane: those make pages load MathJax
    return pn.widgets.StaticText(value="".join(links), margin=(12, 10))


def render(slug: str):
    """The template of page ``slug`` for the current session."""
    entry = next(p for p in PAGES if p.slug == slug)
    hv.extension("bokeh", logo=False)
    pn.extension(*entry.extensions, notifications=True)  # errors no view handled: notifications
    sidebar, main = entry.build()
    # the Bootstrap design ships all its assets with Panel; the Fast and Material designs pull
    # fonts from Google, which an offline classroom (or CI) cannot reach
    template = pn.template.BootstrapTemplate(
        title=TITLE, header=[navigation(slug)], sidebar=sidebar, main=main,
        header_background=ACCENT, sidebar_width=340,
        # the spinner would flash on every frame of a playing sampler
        busy_indicator=None)
    return template
