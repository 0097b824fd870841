"""A HoloViews chart that a playing page redraws by writing its Bokeh data sources.

A chart is a ``DynamicMap`` of a function of the data sent through a ``Pipe``. HoloViews'
update of it re-evaluates options, ranges and every layer's plot, and ends in a walk of the
whole document's model graph: 0.1-0.3 s a chart here, so a playing /explorer that redrew its
trace and two marginals every 0.6 s showed about two frames a second. Frames of a playing page
keep a chart's structure (the same layers, new numbers), and ``send(data, live=True)`` then
writes them directly:

1. the chart's function makes the new element, as for a full update;
2. each layer's own HoloViews plot turns it into columns (``get_data``: the columns HoloViews
   itself would write), which go into that layer's data source;
3. the axes get the frame's ranges: the ``xlim``/``ylim`` options where set, else the data's
   extent padded by a tenth of its span on each side (HoloViews' default ``padding``).

A few milliseconds a chart. Anything else (a first draw, another set of layers, a log axis,
an element whose plot cannot say its columns) takes HoloViews' full update, as does every
frame sent with ``live=False`` (Step, Pause, a new setting).
"""

import weakref

import holoviews as hv
import numpy as np

from .elements import weak_hook

#: HoloViews' default padding of a framewise range, as a fraction of the span on each side
PADDING = 0.1


class LiveChart:
    """``DynamicMap`` of ``callback(data)`` (``self.dmap``) fed by ``self.pipe``."""

    def __init__(self, callback, data=None, **opts):
        self._callback = callback
        self._plots = []  # weak references to the HoloViews plots showing the chart
        self.pipe = hv.streams.Pipe(data=data)
        self.dmap = hv.DynamicMap(callback, streams=[self.pipe]).opts(
            hooks=[weak_hook(self._capture)], **opts)

    def _capture(self, plot, element):
        if all(ref() is not plot for ref in self._plots):
            self._plots = [ref for ref in self._plots if ref() is not None]
            self._plots.append(weakref.ref(plot))

    def send(self, data, live=False):
        """Draw ``data``: written into the data sources when ``live`` and possible."""
        if not (live and self._write(data)):
            self.pipe.send(data)

    def _write(self, data) -> bool:
        plots = [plot for plot in (ref() for ref in self._plots) if plot is not None]
        if not plots:
            return False
        element = self._callback(data)
        layers = dict(element.data) if isinstance(element, hv.Overlay) else None
        writes = []
        try:
            for plot in plots:
                if getattr(plot, "logx", False) or getattr(plot, "logy", False):
                    return False
                subplots = plot.subplots if layers is not None else {None: plot}
                frame_layers = layers if layers is not None else {None: element}
                if set(subplots) != set(frame_layers):
                    return False
                for key, layer in frame_layers.items():
                    subplot = subplots[key]
                    source = subplot.handles.get("source")
                    if source is None:
                        return False
                    style = dict(subplot.lookup_options(layer, "style")[subplot.cyclic_index])
                    columns = subplot.get_data(layer, {}, style)[0]
                    writes.append((source, {k: np.asarray(v) for k, v in columns.items()}))
                figure = plot.handles.get("plot")
                ranges = frame_ranges(list(frame_layers.values()))
                writes.append((figure, ranges))
        except Exception:  # HoloViews' internals differ from what this expects: full update
            return False
        for target, values in writes:
            if target is None:
                continue
            if hasattr(target, "data"):
                target.data = values
            else:
                for axis, (low, high) in values.items():
                    getattr(target, f"{axis}_range").update(start=low, end=high)
        return True


def _limits(layer, name):
    options = hv.Store.lookup_options("bokeh", layer, "plot").kwargs
    lim = options.get(name)
    if lim is None or len(lim) != 2 or any(v is None for v in lim):
        return None
    return float(lim[0]), float(lim[1])


def _extent(layers, dims_of):
    values = []
    for layer in layers:
        for dim in dims_of(layer):
            low, high = layer.range(dim)
            values += [v for v in (low, high) if v is not None and np.isfinite(v)]
    if not values:
        return None
    low, high = float(min(values)), float(max(values))
    if not high > low:
        return None
    pad = PADDING * (high - low)
    return low - pad, high + pad


def frame_ranges(layers) -> dict:
    """{'x': (start, end), 'y': (start, end)} of a frame of ``layers``, as HoloViews would
    set them for a framewise plot (axes without a finite range are left out)."""
    ranges = {}
    for axis, dims_of in (("x", lambda layer: layer.kdims[:1]),
                          ("y", lambda layer: layer.vdims[:2] if isinstance(layer, hv.Area)
                           else layer.vdims[:1])):
        lims = [lim for lim in (_limits(layer, f"{axis}lim") for layer in layers) if lim]
        span = (min(low for low, _ in lims), max(high for _, high in lims)) if lims \
            else _extent(layers, dims_of)
        if span is not None:
            ranges[axis] = span
    return ranges
