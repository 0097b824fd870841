"""The tabbed page (/hopfield, /dense-memory, /control) and the protocol of its tab views.

A *tab view* is a ``pn.viewable.Viewer`` drawing one tab. It provides

* ``controls()``: the tab's settings, a column of widgets made from its model's parameters
  (``common.widgets.param_widgets``), drawn at the tab's left;
* ``main()``: what the tab shows (plots, tables, messages), drawn beside the controls;
* ``stop()`` (optional): stops what the tab runs by itself (a playing recall, a sweep), called
  when the page is closed.

The tab view's model is a GUI-free ``param.Parameterized`` of ``landscape_app.page_models``.
"""

from typing import Protocol, runtime_checkable

import panel as pn


@runtime_checkable
class TabView(Protocol):
    def controls(self) -> pn.viewable.Viewable: ...

    def main(self) -> pn.viewable.Viewable: ...


class TabbedPage(pn.viewable.Viewer):
    """Tabs, each a tab view's controls beside its main part; a tab is drawn when first opened.

    ``parts``: (tab title, tab view) pairs, in the order of the tabs.
    """

    def __init__(self, parts: list[tuple[str, TabView]]):
        super().__init__()
        for title, view in parts:
            if not isinstance(view, TabView):
                raise TypeError(f"the tab {title!r} is not a tab view (controls() and main())")
        self.parts = list(parts)
        self.tabs = pn.Tabs(*[(title, pn.Row(view.controls(), view.main()))
                              for title, view in self.parts],
                            dynamic=True, sizing_mode="stretch_width")

    def on_open(self, title: str, callback) -> None:
        """Call ``callback()`` each time the tab ``title`` is opened."""
        index = [t for t, _ in self.parts].index(title)
        self.tabs.param.watch(lambda event: callback() if event.new == index else None, "active")

    def __panel__(self):
        return self.tabs

    def stop(self):
        """Stop what every tab runs by itself."""
        for _, view in self.parts:
            stop = getattr(view, "stop", None)
            if stop is not None:
                stop()
