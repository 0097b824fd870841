"""The /hopfield page: ``Hopfield`` (``page``) and its tabs ``recall``, ``two_neurons``,
``plane`` and ``capacity``."""

from .page import Hopfield

__all__ = ["Hopfield"]
