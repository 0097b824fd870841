"""Settings of the /dense-memory page's experiments, validated by param (no GUI code here)."""

import param

from ...params import Count, FiniteNumber


class SliceSettings(param.Parameterized):
    """The energy slice: patterns, degree n and β."""

    n_neurons = Count(100, bounds=(10, 1000), doc="Neurons N.")
    n_patterns = Count(6, bounds=(2, 200), softbounds=(2, 60), doc="Stored patterns.")
    degree = Count(3, bounds=(2, 12), doc="Degree n of the dense memory.")
    beta = FiniteNumber(0.05, bounds=(0.001, 10.0), softbounds=(0.001, 1.0), step=0.001,
                        doc="β of the modern network.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of the patterns.")


class DenseCapacitySettings(param.Parameterized):
    """The capacity comparison: network size, patterns tested per load, seed."""

    n_neurons = param.Selector(default=100, objects=[50, 100, 200], doc="Network size N.")
    tested = Count(20, bounds=(5, 200), doc="Stored patterns tested per load.")
    seed = Count(0, bounds=(0, 2**31 - 1), doc="Seed of the patterns.")
