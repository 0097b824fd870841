"""The Krotov page: dense associative memories and couplings that depend on the state."""

import panel as pn

from .krotov_capacity import DenseCapacityView
from .krotov_closure import ClosureView
from .krotov_metastable import MetastableView
from .krotov_race import RecallRaceView
from .krotov_slices import EnergySlicesView


class Krotov(pn.viewable.Viewer):
    """``Krotov()`` in a notebook, the /krotov page when served: energy slices, recall beyond
    the classical capacity, the capacity chart, metastable states and the closure check."""

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
