"""Hopfield networks: the discrete network and its storage rules, the continuous network and
its energy, capacity experiments, patterns (docs/science.md section 3).

    from landscape_app.hopfield import HopfieldNetwork, ContinuousHopfield
"""

from .activations import ACTIVATIONS
from .continuous import ContinuousHopfield, ContinuousRun
from .network import HopfieldNetwork, RecallResult

__all__ = ["ACTIVATIONS", "ContinuousHopfield", "ContinuousRun", "HopfieldNetwork",
           "RecallResult"]
