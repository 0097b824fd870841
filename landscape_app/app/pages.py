"""The pages of the served app. Each call builds fresh objects: sessions share nothing."""

import holoviews as hv
import panel as pn

from .shell import page


def _extensions(*names):
    hv.extension("bokeh", logo=False)
    pn.extension(*names, notifications=True)  # errors no view handled show as notifications


@page("explorer", "Explorer", "One sampler's chains on a landscape, with live diagnostics")
def explorer_page():
    from ..views import Explorer

    _extensions()
    explorer = Explorer(sync_url=True)
    return [explorer.controls()], [explorer.main()]


@page("compare", "Compare", "Two to four samplers side by side")
def compare_page():
    from ..views import Compare

    _extensions("tabulator")  # its table: the explorer does not load the 0.5 MB of it
    compare = Compare(sync_url=True)
    return [compare.controls()], [compare.main()]


@page("hopfield", "Hopfield", "Store and recall memories; energy, two neurons, capacity")
def hopfield_page():
    from ..views.hopfield import Hopfield

    _extensions()
    hopfield = Hopfield(sync_url=True)
    return [], [hopfield]


@page("krotov", "Dense memory", "Dense associative memories, modern Hopfield, the closure check")
def krotov_page():
    from ..views.krotov import Krotov

    _extensions()
    return [], [Krotov()]


@page("control", "Control", "Memories recorded, forgotten and restored by bounded optimal control")
def control_page():
    from ..views.control import Control

    _extensions()
    return [], [Control()]
