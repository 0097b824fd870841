"""Settings of the Hopfield page's capacity sweep (``hopfield.capacity``); no GUI code here."""

import param

from ...params import Count, FiniteNumber


class CapacitySweepSettings(param.Parameterized):
    """The sweep of the capacity tab: loads α = P/N up to α_max, trials per load."""

    n_neurons = param.Selector(default=500, objects=[100, 200, 500, 1000],
                               doc="Network size N.")
    alpha_max = FiniteNumber(0.3, bounds=(0.05, 1.0), doc="Largest load α = P/N swept.")
    points = Count(12, bounds=(3, 40), doc="Loads between α_max/points and α_max.")
    trials = Count(2, bounds=(1, 10), doc="Independent pattern sets per load.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of the patterns.")
