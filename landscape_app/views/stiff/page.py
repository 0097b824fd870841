"""/stiff: where backpropagation breaks (seed 004; docs/stiff.md), as tabs — the race to fit
a Morris–Lecar neuron's current (one parameter: the loss and its smoothing), the race on the
plane of two parameters with CMA-ES beside the ES, and the race on Robertson's stiff
reactions beside an explicit solver that diverges, and an ES training a network of
Morris–Lecar neurons to count pulses and hold the count."""

from ..common.tabs import PlayedTabs
from .network import NetworkView
from .neuron import NeuronView
from .plane import PlaneView
from .reactions import ReactionView


class Stiff(PlayedTabs):
    """``Stiff()`` in a notebook (keyword arguments set the one-parameter race; the plane's is
    ``.plane``, Robertson's ``.reactions``, the network's ``.network``, each in a cell of its
    own), the /stiff page when served. The first tab's settings keep their URL names without a
    prefix (links made before the page had tabs)."""

    def __init__(self, sync_url=False, **settings):
        self.neuron = NeuronView(**settings)
        self.plane = PlaneView()
        self.reactions = ReactionView()
        self.network = NetworkView()
        super().__init__([("One parameter", self.neuron), ("Two parameters", self.plane),
                          ("Stiff reactions", self.reactions), ("Network", self.network)],
                         sync_url=sync_url)
