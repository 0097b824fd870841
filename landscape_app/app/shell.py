"""The page shell every page shares: one template, a header with navigation between pages.

A page is registered with ``@page(slug, title)``; its function builds a fresh view for each
browser session (``app.pages``). With ``?lecture=1`` the page is laid out for a projector, its
story above it (``views.common.lecture``).
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
    #: the header's link in lecture mode, where the larger type leaves less room (default title)
    short: str = ""


PAGES: list[Page] = []


def page(slug: str, title: str, description: str = "", extensions=(), short: str = ""):
    """Register a page function under /slug (pages appear in the navigation in this order)."""
    def register(build):
        PAGES.append(Page(slug, title, build, description, tuple(extensions), short))
        return build
    return register


def navigation(current: str, lecture: bool = False) -> pn.Row:
    links = []
    # lecture mode's larger type: smaller links and gaps (and short labels), so that every
    # link and the toggle fit a 1280-pixel projector
    spacing = "margin:0 7px;font-size:0.8em" if lecture else "margin:0 10px"
    for p in PAGES:
        style = "font-weight:bold;text-decoration:underline" if p.slug == current else ""
        label = (p.short or p.title) if lecture else p.title
        links.append(f'<a href="./{p.slug}" style="color:white;{spacing};{style}" '
                     f'title="{p.description}">{label}</a>')
    from ..views.common.lecture import LectureToggle

    home = f'<a href="./" style="color:white;{spacing}" title="All pages">Home</a>'
    # a StaticText (Bokeh Div), not an HTML pane: those make pages load MathJax
    return pn.Row(pn.widgets.StaticText(value=home + "".join(links), margin=(12, 10)),
                  LectureToggle(lecture=lecture, margin=(6, 10), width=190, height=34))


def _layout(view):
    """(sidebar, main) of a page's view: the settings of a view with ``controls()`` go in
    the sidebar; a tabbed page keeps each tab's settings beside it, unless it has a sidebar."""
    from ..views.common.tabs import TabbedPage

    if hasattr(view, "controls") and (not isinstance(view, TabbedPage) or view.sidebar):
        return [view.controls()], [view.main()]
    return [], [view]


def _story_bar(view, slug):
    """The story a lecture tells on this page (``?story=…&scene=…``, else the page's own)."""
    from ..page_models.lecture import load_stories, story_for_page
    from ..views.common.lecture import StoryBar, query_argument
    from ..views.common.playback import on_page_loaded

    args = pn.state.session_args or {}

    def arg(name):
        return query_argument(args, name)

    try:
        stories = load_stories(pages=[p.slug for p in PAGES])
    except ValueError as error:  # a lecturer's story with a mistake: the page says which
        from ..views.common.widgets import MessageBox

        box = MessageBox()
        box.show(f"The stories could not be read: {error}", "danger")
        return box
    story = stories.get(arg("story"))
    if story is None or not any(s.page == slug for s in story.scenes):
        story = story_for_page(stories, slug)
    if story is None:
        return None
    scene = int(arg("scene")) if arg("scene").isdigit() else None
    if scene is None or not 1 <= scene <= len(story.scenes) \
            or story.scenes[scene - 1].page != slug:
        scene = next(i + 1 for i, s in enumerate(story.scenes) if s.page == slug)
    bar = StoryBar(view, slug, story, scene, url=getattr(view, "url", None))
    # the link's own settings win over the scene's (a lecturer's prepared link)
    link = set(args) - {"lecture", "story", "scene"}
    on_page_loaded(lambda: bar.show_scene(keep=link))
    return bar


def render(slug: str):
    """The template of page ``slug`` for the current session."""
    from ..views.common.lecture import (
        LECTURE_CSS,
        LECTURE_THEME,
        lecture_requested,
        widen_for_lecture,
    )

    entry = next(p for p in PAGES if p.slug == slug)
    hv.extension("bokeh", logo=False)
    pn.extension(*entry.extensions, notifications=True)  # errors no view handled: notifications
    view = entry.build()
    lecture = lecture_requested(pn.state.session_args or {})
    if lecture:
        widen_for_lecture(view)
        if hasattr(view, "fold_controls"):
            view.fold_controls()
    sidebar, main = _layout(view)
    if lecture:
        bar = _story_bar(view, slug)
        if bar is not None:
            main = [bar, *main]
        if pn.state.curdoc is not None:
            pn.state.curdoc.theme = LECTURE_THEME
    # the Bootstrap design ships all its assets with Panel; the Fast and Material designs pull
    # fonts from Google, which an offline classroom (or CI) cannot reach
    template = pn.template.BootstrapTemplate(
        title=TITLE, header=[navigation(slug, lecture)], sidebar=sidebar, main=main,
        header_background=ACCENT, sidebar_width=340, collapsed_sidebar=lecture,
        raw_css=[LECTURE_CSS] if lecture else [],
        # the spinner would flash on every frame of a playing sampler
        busy_indicator=None)
    return template
