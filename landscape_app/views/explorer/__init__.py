"""The /explorer page: ``Explorer`` (``page``) and its live diagnostics (``diagnostics``)."""

from .page import Explorer

__all__ = ["Explorer"]
