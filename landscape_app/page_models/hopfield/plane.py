"""Settings of the Hopfield page's energy plane (``hopfield.plane``); no GUI code here."""

import param

from ...params import Count, FiniteNumber


class PlaneSettings(param.Parameterized):
    """Which plane: two stored patterns, or the cue and a stored pattern."""

    through = param.Selector(default="two patterns", objects=["two patterns", "cue and pattern"],
                             doc="The two vectors spanning the plane.")
    first = Count(0, bounds=(0, None), doc="First stored pattern (at (1, 0)).")
    second = Count(1, bounds=(0, None), doc="Second stored pattern (at (0, 1)).")
    gain = FiniteNumber(10.0, bounds=(0.5, 100.0), softbounds=(1.0, 50.0),
                        doc="Gain β of the continuous energy; large β → the discrete one.")
