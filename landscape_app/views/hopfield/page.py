"""The Hopfield page: recall, two neurons, the energy plane and capacity, as tabs."""

import panel as pn

from ..common.url import UrlSync, link_error_message
from .capacity import CapacityView
from .plane import EnergyPlaneView
from .recall import RecallView
from .two_neurons import TwoNeuronsView

# the recall's settings and the open tab are kept in the page's URL (a bookmark reopens them)
RECALL_URL = ("source", "n_patterns", "rule", "mode", "threshold", "target", "noise", "seed")


class Hopfield(pn.viewable.Viewer):
    """Hopfield memory: ``Hopfield()`` in a notebook, the /hopfield page when served."""

    def __init__(self, sync_url=False):
        super().__init__()
        self.recall = RecallView()
        self.pair = TwoNeuronsView()
        self.plane = EnergyPlaneView(self.recall.session)
        self.capacity = CapacityView()
        self.parts = [("Recall", self.recall), ("Two neurons", self.pair),
                      ("Energy plane", self.plane), ("Capacity", self.capacity)]
        self.tabs = pn.Tabs(*[(name, pn.Row(view.controls(), view.main()))
                              for name, view in self.parts], dynamic=True,
                            sizing_mode="stretch_width")
        # the energy plane follows the recall each time it is opened
        self.tabs.param.watch(lambda e: self.plane.refresh() if e.new == 2 else None, "active")
        if sync_url and pn.state.location is not None:
            self._sync_location()

    def _sync_location(self):
        self.url = UrlSync()
        with self.url.hold():
            refused = self.url.bind(self.recall.session, {p: p for p in RECALL_URL})
            refused += self.url.bind(self.tabs, {"active": "tab"})
        if refused:
            self.recall.playback.show(link_error_message(refused))
        self.url.write_on_load()

    def __panel__(self):
        return self.tabs

    def stop(self):
        self.recall.stop()
