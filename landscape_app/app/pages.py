"""The pages of the served app. Each call builds a fresh view: sessions share nothing.

A page function returns its view: one with ``controls()`` and ``main()`` (the settings go in
the template's sidebar) or a tabbed page (``views.common.tabs.TabbedPage``), with
``apply_settings(query)`` and ``player()`` for a lecture's stories (``views.common.lecture``).
"""

from .shell import page


@page("explorer", "Explorer", "One sampler's chains on a landscape, with live diagnostics")
def explorer_page():
    from ..views import Explorer

    return Explorer(sync_url=True)


# its table: the explorer does not load the 0.5 MB of tabulator's JavaScript
@page("compare", "Compare", "Two to four samplers side by side, one set of controls",
      extensions=("tabulator",))
def compare_page():
    from ..views import Compare

    return Compare(sync_url=True)


@page("hopfield", "Hopfield", "Store and recall memories; energy, two neurons, capacity")
def hopfield_page():
    from ..views.hopfield.page import Hopfield

    return Hopfield(sync_url=True)


@page("dense-memory", "Dense memory",
      "Dense associative memories, modern Hopfield, the closure check")
def dense_memory_page():
    from ..views.dense_memory.page import DenseMemory

    return DenseMemory(sync_url=True)


@page("control", "Control", "Memories recorded, forgotten and restored by bounded optimal control")
def control_page():
    from ..views.control.page import Control

    return Control(sync_url=True)


@page("synaptic-sampling", "Synaptic sampling",
      "Reward-based synaptic sampling, with and without CaMKII momentum, over many networks",
      short="Synaptic")
def synaptic_sampling_page():
    from ..views.synaptic_sampling.page import SynapticSampling

    return SynapticSampling(sync_url=True)


@page("saddles", "Saddles",
      "Does noise help synaptic sampling escape saddles? Three learners of a WTA classifier")
def saddles_page():
    from ..views.saddles.page import Saddles

    return Saddles(sync_url=True)


@page("plasticity", "Plasticity",
      "Evolution strategies search a plasticity rule's 27 coefficients: do they find Oja's?")
def plasticity_page():
    from ..views.plasticity.page import Plasticity

    return Plasticity(sync_url=True)


@page("stiff", "Stiff",
      "Where gradients break: Adam and an evolution strategy fit a spiking neuron's current")
def stiff_page():
    from ..views.stiff.page import Stiff

    return Stiff(sync_url=True)
