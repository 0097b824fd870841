"""Biophysical and stiff dynamics where gradients break and evolution strategies do not
(seed 004; docs/stiff.md): the Morris–Lecar neuron fitted to a voltage trace
(``morris_lecar``)."""

from .morris_lecar import DIFFERENTIABLE, HOPF, PARAMETERS, MorrisLecarFit

__all__ = ["DIFFERENTIABLE", "HOPF", "PARAMETERS", "MorrisLecarFit"]
