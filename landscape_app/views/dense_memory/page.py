"""The dense-memory page: dense associative memories and couplings that depend on the state."""

import panel as pn

from .capacity import DenseCapacityView
from .closure import ClosureView
from .metastable import MetastableView
from .race import RecallRaceView
from .slices import EnergySlicesView


class DenseMemory(pn.viewable.Viewer):
    """``DenseMemory()`` in a notebook, the /dense-memory page when served: energy slices,
    recall beyond the classical capacity, the capacity chart, metastable states and the closure
    check."""

    def __init__(self):
        super().__init__()
        self.slices = EnergySlicesView()
        self.race = RecallRaceView()
        self.capacity = DenseCapacityView()
        self.metastable = MetastableView()
        self.closure = ClosureView()
        self.parts = [("Energy slices", self.slices), ("Beyond capacity", self.race),
                      ("Capacity", self.capacity), ("Metastable states", self.metastable),
                      ("Closure check", self.closure)]
        self.tabs = pn.Tabs(*[(name, pn.Row(view.controls(), view.main()))
                              for name, view in self.parts], dynamic=True,
                            sizing_mode="stretch_width")

    def __panel__(self):
        return self.tabs

    def stop(self):
        self.race.stop()
