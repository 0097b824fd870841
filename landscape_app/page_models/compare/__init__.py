"""The /compare page's model: ``Comparison``."""

from .comparison import Comparison

__all__ = ["Comparison"]
