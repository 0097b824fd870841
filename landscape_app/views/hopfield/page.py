"""The Hopfield page: recall, two neurons, the energy plane and capacity, as tabs."""

from ..common.tabs import TabbedPage
from .capacity import CapacityView
from .plane import EnergyPlaneView
from .recall import RecallView
from .two_neurons import TwoNeuronsView


class Hopfield(TabbedPage):
    """Hopfield memory: ``Hopfield()`` in a notebook, the /hopfield page when served."""

    def __init__(self, sync_url=False):
        self.recall = RecallView()
        self.pair = TwoNeuronsView()
        self.plane = EnergyPlaneView(self.recall.session)
        self.capacity = CapacityView()
        super().__init__([("Recall", self.recall), ("Two neurons", self.pair),
                          ("Energy plane", self.plane), ("Capacity", self.capacity)],
                         sync_url=sync_url)
        # the energy plane follows the recall each time it is opened
        self.on_open("Energy plane", self.plane.refresh)
