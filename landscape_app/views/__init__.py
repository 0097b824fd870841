"""Panel views: each a ``pn.viewable.Viewer`` usable in a served page and in a notebook."""

from .compare import Compare
from .explorer import Explorer
from .hopfield import Hopfield
from .krotov import Krotov

__all__ = ["Compare", "Explorer", "Hopfield", "Krotov"]
