"""The dense-memory page: dense associative memories and couplings that depend on the state."""

from ..common.tabs import TabbedPage
from .capacity import DenseCapacityView
from .closure import ClosureView
from .metastable import MetastableView
from .race import RecallRaceView
from .slices import EnergySlicesView


class DenseMemory(TabbedPage):
    """``DenseMemory()`` in a notebook, the /dense-memory page when served: energy slices,
    recall beyond the classical capacity, the capacity chart, metastable states and the closure
    check."""

    def __init__(self, sync_url=False):
        self.slices = EnergySlicesView()
        self.race = RecallRaceView()
        self.capacity = DenseCapacityView()
        self.metastable = MetastableView()
        self.closure = ClosureView()
        super().__init__([("Energy slices", self.slices), ("Beyond capacity", self.race),
                          ("Capacity", self.capacity), ("Metastable states", self.metastable),
                          ("Closure check", self.closure)], sync_url=sync_url)
