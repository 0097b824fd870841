"""Panel views: each a ``pn.viewable.Viewer`` usable in a served page and in a notebook."""

from .compare.page import Compare
from .control.page import Control
from .dense_memory.page import DenseMemory
from .explorer.page import Explorer
from .hopfield.page import Hopfield
from .plasticity.page import Plasticity
from .saddles.page import Saddles
from .stiff.page import Stiff
from .synaptic_sampling.page import SynapticSampling

__all__ = ["Compare", "Control", "DenseMemory", "Explorer", "Hopfield", "Plasticity", "Saddles",
           "Stiff", "SynapticSampling"]
