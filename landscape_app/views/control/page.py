"""The control page: memories recognised, recorded, forgotten and restored by bounded control."""

import panel as pn

from ...page_models.control.session import ControlSession
from .learning import LearningView
from .multistart import MultistartView
from .network import NetworkView
from .plane import ControlPlaneView


class Control(pn.viewable.Viewer):
    """``Control()`` in a notebook, the /control page when served: the phase plane of two
    controlled neurons, a multistart grid, iterated learning and N neurons."""

    def __init__(self):
        super().__init__()
        self.session = ControlSession()
        self.plane = ControlPlaneView(self.session)
        self.grid = MultistartView(self.session)
        self.learning = LearningView(self.session)
        self.network = NetworkView()
        self.parts = [("Phase plane", self.plane), ("Multistart", self.grid),
                      ("Iterated learning", self.learning), ("N neurons", self.network)]
        self.tabs = pn.Tabs(*[(name, pn.Row(view.controls(), view.main()))
                              for name, view in self.parts], dynamic=True,
                            sizing_mode="stretch_width")
        self.session.model.param.watch(lambda e: self.learning.redraw(), "A")

    def __panel__(self):
        return self.tabs

    def stop(self):
        self.plane.stop()
