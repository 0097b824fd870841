"""The Hopfield page: recall, two neurons, the energy plane and capacity, as tabs."""

from ..common.tabs import TabbedPage
from ..common.url import UrlSync, show_refused
from .capacity import CapacityView
from .plane import EnergyPlaneView
from .recall import RecallView
from .two_neurons import TwoNeuronsView

# the recall's settings and the open tab are kept in the page's URL (a bookmark reopens them)
RECALL_URL = ("source", "n_patterns", "rule", "mode", "threshold", "target", "noise", "seed")


class Hopfield(TabbedPage):
    """Hopfield memory: ``Hopfield()`` in a notebook, the /hopfield page when served."""

    def __init__(self, sync_url=False):
        self.recall = RecallView()
        self.pair = TwoNeuronsView()
        self.plane = EnergyPlaneView(self.recall.session)
        self.capacity = CapacityView()
        super().__init__([("Recall", self.recall), ("Two neurons", self.pair),
                          ("Energy plane", self.plane), ("Capacity", self.capacity)])
        # the energy plane follows the recall each time it is opened
        self.on_open("Energy plane", self.plane.refresh)
        if sync_url:
            self.url = UrlSync()
            if self.url.active:
                self._sync_location()

    def _sync_location(self):
        with self.url.hold():
            refused = self.url.bind(self.recall.session, {p: p for p in RECALL_URL})
            refused += self.url.bind(self.tabs, {"active": "tab"})
        show_refused(self.recall.playback, refused)
        self.url.write_on_load()
