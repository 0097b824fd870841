"""Panel views: each a ``pn.viewable.Viewer`` usable in a served page and in a notebook."""

from .compare import Compare
from .control import Control
from .explorer import Explorer
from .hopfield import Hopfield
from .krotov import Krotov

__all__ = ["Compare", "Control", "Explorer", "Hopfield", "Krotov"]
