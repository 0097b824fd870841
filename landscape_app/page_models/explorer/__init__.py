"""The /explorer page's model: ``Experiment``, its chains' ``history`` and ``live_diagnostics``."""

from .experiment import Experiment

__all__ = ["Experiment"]
