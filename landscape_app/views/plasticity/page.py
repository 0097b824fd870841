"""/plasticity: meta-learned plasticity rules (seed 002; docs/plasticity.md) as tabs — the
search for one neuron's rule (does it find Oja's?), for a network's pair of rules (do they
find the top principal components?) and for a spiking neuron's inhibitory rule (does it hold
the rate at a target?)."""

from ..common.tabs import PlayedTabs
from .network import NetworkView
from .one_neuron import OneNeuronView
from .spiking import SpikingView


class Plasticity(PlayedTabs):
    """``Plasticity()`` in a notebook (keyword arguments set the one-neuron search; the
    network search is ``.network``, the spiking one ``.spiking``, each in a cell of its own), the
    /plasticity page when served."""

    def __init__(self, sync_url=False, **settings):
        self.neuron = OneNeuronView(**settings)
        self.network = NetworkView()
        self.spiking = SpikingView()
        super().__init__([("One neuron", self.neuron), ("Network", self.network),
                          ("Spiking", self.spiking)], sync_url=sync_url)
