"""The /dense-memory page: ``DenseMemory`` (``page``) and its tabs ``slices``, ``race``,
``capacity``, ``metastable`` and ``closure``."""

from .page import DenseMemory

__all__ = ["DenseMemory"]
