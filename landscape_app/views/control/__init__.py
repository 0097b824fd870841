"""The /control page: ``Control`` (``page``) and its tabs ``plane``, ``multistart``,
``learning`` and ``network``."""

from .page import Control

__all__ = ["Control"]
