"""The control page: memories recognized, recorded, forgotten and restored by bounded control."""

from ...page_models.control.session import ControlSession
from ..common.tabs import TabbedPage
from .learning import LearningView
from .multistart import MultistartView
from .network import NetworkView
from .plane import ControlPlaneView


class Control(TabbedPage):
    """``Control()`` in a notebook, the /control page when served: the phase plane of two
    controlled neurons, a multistart grid, iterated learning and N neurons."""

    def __init__(self, sync_url=False):
        self.session = ControlSession()
        self.plane = ControlPlaneView(self.session)
        self.grid = MultistartView(self.session)
        self.learning = LearningView(self.session)
        self.network = NetworkView()
        super().__init__([("Phase plane", self.plane), ("Multistart", self.grid),
                          ("Iterated learning", self.learning), ("N neurons", self.network)],
                         sync_url=sync_url)
        self.session.model.param.watch(lambda e: self.learning.redraw(), "A")
