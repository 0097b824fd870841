"""The /compare page: ``Compare``."""

from .page import Compare

__all__ = ["Compare"]
