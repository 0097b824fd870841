"""The pages of the served app. Each call builds fresh objects: sessions share nothing."""

from .shell import page


@page("explorer", "Explorer", "One sampler's chains on a landscape, with live diagnostics")
def explorer_page():
    from ..views import Explorer

    explorer = Explorer(sync_url=True)
    return [explorer.controls()], [explorer.main()]


# its table: the explorer does not load the 0.5 MB of tabulator's JavaScript
@page("compare", "Compare", "Two to four samplers side by side", extensions=("tabulator",))
def compare_page():
    from ..views import Compare

    compare = Compare(sync_url=True)
    return [compare.controls()], [compare.main()]


@page("hopfield", "Hopfield", "Store and recall memories; energy, two neurons, capacity")
def hopfield_page():
    from ..views.hopfield.page import Hopfield

    return [], [Hopfield(sync_url=True)]


@page("dense-memory", "Dense memory",
      "Dense associative memories, modern Hopfield, the closure check")
def dense_memory_page():
    from ..views.dense_memory.page import DenseMemory

    return [], [DenseMemory()]


@page("control", "Control", "Memories recorded, forgotten and restored by bounded optimal control")
def control_page():
    from ..views.control.page import Control

    return [], [Control()]
