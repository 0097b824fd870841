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
   extent padded as the plot's ``padding`` says (a tenth of the span by default; none below
   bars standing on zero).

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
                    if isinstance(layer, ANNOTATIONS):
                        # a level line or a span is a Bokeh annotation, not data: unchanged
                        # since the last full update it needs nothing, moved it needs one
                        if _same_annotation(layer, subplot.current_frame):
                            continue
                        return False
                    source = subplot.handles.get("source")
                    if source is None:
                        return False
                    writes.append((source, layer_columns(subplot, layer)))
                figure = plot.handles.get("plot")
                drawn = [key for key, layer in frame_layers.items()
                         if not isinstance(layer, ANNOTATIONS)]
                ranges = frame_ranges([frame_layers[key] for key in drawn],
                                      [getattr(subplots[key], "padding", PADDING)
                                       for key in drawn],
                                      {axis: _limits(element, f"{axis}lim") for axis in "xy"})
                writes.append((figure, ranges))
                title = element.opts.get("plot").kwargs.get("title")
                if isinstance(title, str) and figure is not None \
                        and getattr(figure, "title", None) is not None \
                        and figure.title.text != title:
                    writes.append((figure.title, {"text": title}))
        except Exception:  # HoloViews' internals differ from what this expects: full update
            return False
        for target, values in writes:
            if target is None:
                continue
            if "text" in values:  # a title that changed with the frame
                target.text = values["text"]
            elif hasattr(target, "data"):
                target.data = values
            else:
                for axis, (low, high) in values.items():
                    getattr(target, f"{axis}_range").update(start=low, end=high)
        return True


class LiveLayers:
    """Layers of a figure drawn by someone else's overlay (the dots over a landscape image),
    written into their data sources on live frames: ``hook(name)`` goes into each layer's
    ``.opts(hooks=...)`` and remembers its plot; ``write({name: element})`` writes them all,
    or returns False (and writes nothing) where one cannot be written."""

    def __init__(self):
        self._plots: dict[str, list] = {}

    def hook(self, name):
        return weak_hook(self._capture, name)

    def _capture(self, name, plot, element):
        refs = [ref for ref in self._plots.get(name, []) if ref() is not None]
        if all(ref() is not plot for ref in refs):
            refs.append(weakref.ref(plot))
        self._plots[name] = refs

    def write(self, elements: dict) -> bool:
        writes = []
        try:
            for name, element in elements.items():
                plots = [p for p in (ref() for ref in self._plots.get(name, [])) if p is not None]
                if not plots:
                    return False
                for plot in plots:
                    source = plot.handles.get("source")
                    if source is None:
                        return False
                    writes.append((source, layer_columns(plot, element)))
        except Exception:  # HoloViews' internals differ from what this expects
            return False
        for source, columns in writes:
            source.data = columns
        return True


def layer_columns(plot, layer) -> dict:
    """The columns HoloViews' ``plot`` of one element would write for ``layer``."""
    style = dict(plot.lookup_options(layer, "style")[plot.cyclic_index])
    columns = plot.get_data(layer, {}, style)[0]
    return {k: np.asarray(v) for k, v in columns.items()}


#: layers HoloViews draws as Bokeh annotations (a Span, a BoxAnnotation), not from data
ANNOTATIONS = (hv.HLine, hv.VLine, hv.HSpan, hv.VSpan)


def _same_annotation(layer, drawn) -> bool:
    return (isinstance(layer, ANNOTATIONS) and type(drawn) is type(layer)
            and np.array_equal(np.asarray(layer.data, dtype=float),
                               np.asarray(drawn.data, dtype=float), equal_nan=True))


def _limits(layer, name):
    options = hv.Store.lookup_options("bokeh", layer, "plot").kwargs
    lim = options.get(name)
    if lim is None or len(lim) != 2 or any(v is None for v in lim):
        return None
    return float(lim[0]), float(lim[1])


def _paddings(padding, axis) -> tuple[float, float]:
    """(below, above) fractions of HoloViews' ``padding`` option for ``axis``: a number, an
    (x, y) pair, or ((x0, x1), (y0, y1))."""
    if isinstance(padding, int | float):
        return float(padding), float(padding)
    part = padding[0 if axis == "x" else 1]
    if isinstance(part, int | float):
        return float(part), float(part)
    return float(part[0]), float(part[1])


def _extent(layer, dims_of, axis, padding):
    """A layer's padded extent along ``axis`` (HoloViews pads each layer with its own plot's
    ``padding`` and draws the union)."""
    values = [0.0] if axis == "y" and isinstance(layer, hv.Histogram) else []  # bars on zero
    for dim in dims_of(layer):
        low, high = layer.range(dim)
        values += [v for v in (low, high) if v is not None and np.isfinite(v)]
    if not values:
        return None
    low, high = float(min(values)), float(max(values))
    if not high > low:
        return None
    below, above = _paddings(padding, axis)
    span = high - low
    # no padding below bars standing on zero
    bars = axis == "y" and isinstance(layer, hv.Histogram) and low == 0
    return (low if bars else low - below * span), high + above * span


def frame_ranges(layers, paddings=None, limits=None) -> dict:
    """{'x': (start, end), 'y': (start, end)} of a frame of ``layers``, as HoloViews would
    set them for a framewise plot whose layers have those ``paddings`` (default: a tenth of
    the span) under an overlay with those ``limits`` ({'x': (start, end) or None, …}); axes
    without a finite range are left out."""
    paddings = [PADDING] * len(layers) if paddings is None else paddings
    limits = limits or {}
    ranges = {}
    for axis, dims_of in (("x", lambda layer: layer.kdims[:1]),
                          ("y", lambda layer: layer.vdims[:2] if isinstance(layer, hv.Area)
                           else layer.vdims[:1])):
        if limits.get(axis):  # the overlay's own limits come first
            ranges[axis] = limits[axis]
            continue
        lims = [lim for lim in (_limits(layer, f"{axis}lim") for layer in layers) if lim]
        if lims:
            ranges[axis] = (min(low for low, _ in lims), max(high for _, high in lims))
            continue
        extents = [e for e in (_extent(layer, dims_of, axis, padding)
                               for layer, padding in zip(layers, paddings, strict=True)) if e]
        if extents:
            ranges[axis] = (min(low for low, _ in extents), max(high for _, high in extents))
    return ranges
