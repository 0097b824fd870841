"""What the sampling pages (/explorer, /compare) share: the landscape chosen, the settings of
their chains, and how a sampler's own parameters are told from the shared ones.

The chain settings are ``samplers.settings``' (declared once); a page narrows a parameter only for
its widgets, and says why where it does.
"""

import param

from .. import landscapes
from ..params import Count, FiniteNumber
from ..samplers.base import Sampler
from ..samplers.settings import ChainSettings, ScheduleSettings

LANDSCAPE_CHOICES = [*landscapes.names(), "expression"]
OPTIMIZERS = ("GradientDescent", "Momentum", "EvolutionStrategy")
DEFAULT_EXPRESSION = "x**2 - y**2 + 0.1*(x**4 + y**4)"
#: the view of a typed landscape: holds the default expression's minima at (0, ±√5)
EXPRESSION_WINDOW = (-3.0, 3.0, -3.0, 3.0)
#: a seed a browser can hold exactly: JavaScript numbers are doubles, so the widgets of a page
#: and its URL keep seeds below 2³¹ (samplers take any 64-bit seed)
PAGE_SEED_BOUNDS = (0, 2**31 - 1)


def build_landscape(name: str, expression: str):
    """The landscape ``name`` (or the typed ``expression``), or the message of why not."""
    if name != "expression":
        return landscapes.get(name)
    # sympy (0.3 s to import) only for typed expressions
    from ..landscapes.expression import ExpressionError

    try:
        return landscapes.from_expression(expression, window=EXPRESSION_WINDOW)
    except ExpressionError as error:
        return f"Expression not valid: {error}"


def sampler_specific_parameters(sampler: Sampler) -> list[str]:
    """The parameters of a sampler that the page does not set for it (its step size included)."""
    shared = set(Sampler.param) - {"step_size"}
    return [p for p in sampler.param if p not in shared]


class LandscapeChoice(param.Parameterized):
    """A landscape of the library, or one typed as an expression."""

    landscape = param.Selector(default="muller_brown", objects=LANDSCAPE_CHOICES,
                               doc="A landscape of the library, or 'expression'.")
    expression = param.String(default=DEFAULT_EXPRESSION,
                              doc="E(x, y) used when landscape is 'expression'.")


class ExplorerSettings(LandscapeChoice, ScheduleSettings):
    """The explorer's landscape and chain settings; what is re-declared here narrows a
    parameter of ``ScheduleSettings`` for the page's widgets and inherits the rest."""

    # Müller–Brown's suggested T (re-tuned for each landscape chosen)
    temperature = FiniteNumber(18.6, doc="Temperature T (the initial T when annealing).")
    # exponential schedules that take thousands of steps to cool: the slider's useful range
    cooling_rate = FiniteNumber(0.999, softbounds=(0.99, 1.0), step=0.0005)
    anneal_steps = Count(2000)
    # a page streams every chain to the browser: a few thousand at most
    n_chains = Count(100, bounds=(1, 5000), softbounds=(1, 1000), doc="Number of chains.")
    seed = Count(0, bounds=PAGE_SEED_BOUNDS, doc="Seed of the starts and noise.")


class ComparisonSettings(LandscapeChoice, ChainSettings):
    """The comparison's shared landscape and chain settings (each sampler has its own chains)."""

    temperature = FiniteNumber(18.6, doc="Temperature T.")
    # up to four samplers' chains streamed together
    n_chains = Count(100, bounds=(1, 2000), softbounds=(1, 500), doc="Chains each.")
    seed = Count(0, bounds=PAGE_SEED_BOUNDS, doc="Shared seed (same starts).")


