"""landscape_app: interactive energy landscapes, samplers and associative memories.

    from landscape_app import landscapes, samplers          # models and kernels (no Panel)
    from landscape_app import Explorer, Compare, Hopfield, DenseMemory, Control,  # views, notebooks
                              SynapticSampling, Saddles, Plasticity, Stiff
    landscape_app.extension()                 # in a notebook: Panel with no CDN (offline)
    from landscape_app.hopfield import HopfieldNetwork, ContinuousHopfield
    from landscape_app.dense_memory import DenseAssociativeMemory, ModernHopfield, check_closure
    from landscape_app.control import ControlledHopfield
    from landscape_app.synaptic_sampling import RewardNetworks
    from landscape_app.synaptic_sampling.wta import WTALearning
    from landscape_app.plasticity import MetaLoss, evolve, cma_search
    from landscape_app.biophysics import MorrisLecarFit     # gradients vs ES (seed 004)
    from landscape_app.sweeps import run_sweep                # sweeps on Dask
"""

from . import landscapes, samplers

__version__ = "0.1.0"
__all__ = ["Compare", "Control", "Explorer", "Hopfield", "DenseMemory", "Plasticity",
           "Saddles", "Stiff", "SynapticSampling",
           "__version__", "extension", "landscapes", "samplers"]


def __getattr__(name):
    # the views import Panel and HoloViews: only when asked for
    if name in ("Explorer", "Compare", "Hopfield", "DenseMemory", "Control", "SynapticSampling",
                "Saddles", "Plasticity", "Stiff"):
        from . import views

        return getattr(views, name)
    if name == "extension":
        from .views.common.notebook import extension

        return extension
    raise AttributeError(f"module 'landscape_app' has no attribute {name!r}")
