"""The tabbed page (/hopfield, /dense-memory, /control) and the protocol of its tab views.

A *tab view* is a ``pn.viewable.Viewer`` drawing one tab. It provides

* ``controls()``: the tab's settings, a column of widgets made from its model's parameters
  (``common.widgets.param_widgets``), drawn at the tab's left;
* ``main()``: what the tab shows (plots, tables, messages), drawn beside the controls;
* ``stop()`` (optional): stops what the tab runs by itself (a playing recall, a sweep), called
  when the page is closed;
* ``url_parameters()`` (optional): ``[(parameterized, {parameter: URL name}), …]``, the tab's
  settings kept in the page's address (so a bookmark, a prepared link or a story's scene
  reopens them); URL names are unique across the page's tabs;
* ``playback`` (optional): the tab's ``Playback``, which a lecture's Space plays and pauses.

The tab view's model is a GUI-free ``param.Parameterized`` of ``landscape_app.page_models``.
"""

from typing import Protocol, runtime_checkable

import panel as pn

from .url import UrlSync, show_refused


@runtime_checkable
class TabView(Protocol):
    def controls(self) -> pn.viewable.Viewable: ...

    def main(self) -> pn.viewable.Viewable: ...


class TabbedPage(pn.viewable.Viewer):
    """Tabs, each a tab view's controls beside its main part; a tab is drawn when first opened.

    ``parts``: (tab title, tab view) pairs, in the order of the tabs. ``sidebar``: the open
    tab's settings in the page's sidebar (``controls()``), the tabs holding only what each tab
    shows — for tabs of FlexBoxes (played pages), which Panel 1.9's tabs never finish drawing
    beside their settings (/plasticity's plots stayed blank and the page busy); every tab is
    then drawn with the page.
    """

    def __init__(self, parts: list[tuple[str, TabView]], sync_url=False, sidebar=False):
        super().__init__()
        for title, view in parts:
            if not isinstance(view, TabView):
                raise TypeError(f"the tab {title!r} is not a tab view (controls() and main())")
        self.parts = list(parts)
        self.sidebar = sidebar
        if sidebar:
            self.tabs = pn.Tabs(*[(title, view.main()) for title, view in self.parts],
                                sizing_mode="stretch_width")
            self.side = [view.controls() for _, view in self.parts]
            self._show_side()
            self.tabs.param.watch(lambda event: self._show_side(), "active")
        else:
            self.tabs = pn.Tabs(*[(title, pn.Row(view.controls(), view.main()))
                                  for title, view in self.parts],
                                dynamic=True, sizing_mode="stretch_width")
        self.folded = False
        self.url = UrlSync() if sync_url else UrlSync(location=False)
        if self.url.active:
            with self.url.hold():
                refused = self.url.bind(self.tabs, {"active": "tab"})
                for obj, mapping in self.url_parameters():
                    refused += self.url.bind(obj, mapping)
            banner = self._banner()
            if banner is not None:
                show_refused(banner, refused)
            self.url.write_on_load()

    def _show_side(self) -> None:
        # in one message, the closed tabs' settings hidden before the open one's are shown: the
        # browser never shows two tabs' settings at once
        with pn.io.hold():
            for index, column in enumerate(self.side):
                if index != self.tabs.active:
                    column.visible = False
            self.side[self.tabs.active].visible = True

    def controls(self):
        """The open tab's settings (a page with ``sidebar``: the template's sidebar)."""
        if not self.sidebar:
            raise AttributeError("a tabbed page without a sidebar keeps each tab's settings "
                                 "beside it")
        return pn.Column(*self.side, sizing_mode="stretch_width")

    def main(self):
        return self.tabs

    def fold_controls(self) -> None:
        """Each tab's settings folded into a closed "Settings" card above what it shows (a
        lecture: the plots get the page's width; a click opens the settings). A page with a
        sidebar leaves its settings there (the lecture's template folds them)."""
        if self.folded or self.sidebar:
            return
        self.folded = True
        for index, (title, view) in enumerate(self.parts):
            card = pn.Card(view.controls(), title="Settings", collapsed=True,
                           sizing_mode="stretch_width", margin=(4, 10))
            self.tabs[index] = (title, pn.Column(card, view.main(), sizing_mode="stretch_width"))

    def url_parameters(self) -> list:
        """Every tab's settings kept in the URL, in the order of the tabs."""
        return [entry for _, view in self.parts
                for entry in getattr(view, "url_parameters", lambda: [])()]

    def _banner(self):
        """Where a refused link is reported: the first tab's playback or message box."""
        for _, view in self.parts:
            for name in ("playback", "note", "message"):
                banner = getattr(view, name, None)
                if hasattr(banner, "show"):
                    return banner
        return None

    def apply_settings(self, query: dict) -> list[str]:
        """Apply ``query`` ({URL name: text}, a story's scene) as a link would: the tab and
        every tab's settings it names. Returns the names refused."""
        if self.url.active:
            return self.url.apply_bound(query)
        refused = self.url.apply(self.tabs, {"active": "tab"}, query=query)
        for obj, mapping in self.url_parameters():
            refused += self.url.apply(obj, mapping, query=query)
        return refused

    def player(self):
        """The open tab's ``Playback`` (None: the tab plays nothing)."""
        return getattr(self.parts[self.tabs.active][1], "playback", None)

    def on_open(self, title: str, callback) -> None:
        """Call ``callback()`` each time the tab ``title`` is opened."""
        index = [t for t, _ in self.parts].index(title)
        self.tabs.param.watch(lambda event: callback() if event.new == index else None, "active")

    def __panel__(self):
        if self.sidebar:
            # in a notebook's cell: the first tab's view alone (its settings beside its
            # plots); the others each in a cell of its own. JupyterLab leaves played pages'
            # FlexBoxes undrawn in Tabs, and beside anything else in one output
            return self.parts[0][1].__panel__()
        return self.tabs

    def stop(self):
        """Stop what every tab runs by itself."""
        for _, view in self.parts:
            stop = getattr(view, "stop", None)
            if stop is not None:
                stop()


class PlayedTabs(TabbedPage):
    """Tabs of played pages (``common.played_page``: /plasticity, /stiff), their settings in
    the sidebar. The first tab's ``session``, ``playback`` and ``summary`` are the page's, as a
    one-tab page had them (notebooks, tests, links made before the page had tabs)."""

    def __init__(self, parts, sync_url=False):
        super().__init__(parts, sync_url=sync_url, sidebar=True)

    def for_lecture(self) -> None:
        """Every tab's plots 1.3 × for a projector (before the page is drawn)."""
        for _, part in self.parts:
            part.for_lecture()

    @property
    def first(self):
        return self.parts[0][1]

    @property
    def session(self):
        return self.first.session

    @property
    def playback(self):
        return self.first.playback

    @property
    def summary(self):
        return self.first.summary

    def advance(self, n_steps: int):
        return self.first.advance(n_steps)
