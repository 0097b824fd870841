"""2-D energy landscapes: the built-in library, typed expressions, user functions, and the
exact quantities (critical points, Boltzmann density) that diagnostics compare against."""

from . import library
from .base import Landscape, UnknownNameError, get, landscape_class, names, register
from .critical_points import CriticalPoint, find_critical_points
from .density import BoltzmannGrid, exact_density
from .functions import FunctionLandscape, LandscapeFunctionError, from_functions

_EXPRESSION_NAMES = ("ExpressionError", "ExpressionLandscape", "from_expression")


def __getattr__(name):
    # typed expressions need sympy (0.3 s to import): loaded on first use
    if name in _EXPRESSION_NAMES:
        from . import expression

        return getattr(expression, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "BoltzmannGrid",
    "CriticalPoint",
    "ExpressionError",
    "ExpressionLandscape",
    "FunctionLandscape",
    "Landscape",
    "LandscapeFunctionError",
    "UnknownNameError",
    "exact_density",
    "find_critical_points",
    "from_expression",
    "from_functions",
    "get",
    "landscape_class",
    "library",
    "names",
    "register",
]
