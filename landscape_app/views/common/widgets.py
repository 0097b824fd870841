"""Widgets generated from Param objects, text panes and message boxes."""

import html
import math

import numpy as np
import panel as pn
import param

_MESSAGE_STYLES = {
    "warning": "background:#fff3cd;border:1px solid #ffe69c;color:#664d03",
    "danger": "background:#f8d7da;border:1px solid #f1aeb5;color:#58151c",
    "info": "background:#cff4fc;border:1px solid #9eeaf9;color:#055160",
}


def text_pane(value: str = "", **params) -> pn.widgets.StaticText:
    """A piece of HTML shown in the page; set ``.value`` to change it.

    A ``StaticText`` is a plain Bokeh Div: Panel's HTML and Markdown panes make every page load
    MathJax (1.7 MB of JavaScript) in case they hold LaTeX. Escape text that users typed.
    """
    params.setdefault("margin", (0, 10))
    return pn.widgets.StaticText(value=value, **params)


def docstring_html(text: str) -> str:
    """A line of a docstring as HTML: escaped, with ``code`` in a code font (the reST
    backticks were shown raw)."""
    parts = html.escape(text).split("``")
    return "".join(f"<code>{part}</code>" if k % 2 else part for k, part in enumerate(parts))


def math_html(text: str) -> str:
    """Plain text with the subscripts the models write (``ξ_∞``, ``u_{k+1}``) as HTML
    subscripts: shown raw, a class read the underscores. Names with underscores
    (``x_min``, ``step_size``) stay as they are."""
    import re

    return re.sub(r"_(\{[^}]*\}|∞)",
                  lambda m: f"<sub>{m.group(1).strip('{}')}</sub>", html.escape(text))


class MessageBox(pn.widgets.StaticText):
    """A colored message line, hidden when empty; the text is escaped."""

    def __init__(self, **params):
        params.setdefault("visible", False)
        params.setdefault("sizing_mode", "stretch_width")
        super().__init__(value="", **params)
        self.text = ""

    def show(self, text: str, kind: str = "warning"):
        self.text = text
        style = _MESSAGE_STYLES.get(kind, _MESSAGE_STYLES["warning"])
        self.value = (f'<div class="message message-{kind}" style="{style};padding:8px 12px;'
                      f'border-radius:4px">{math_html(text)}</div>')
        self.visible = bool(text)

    def clear(self):
        self.show("")


def plot_pane(obj, **params) -> pn.pane.HoloViews:
    """A HoloViews pane whose axes are its own: Panel would otherwise link the axes of every
    plot in the page whose dimensions share a name (x, y), even across tabs."""
    return pn.pane.HoloViews(obj, linked_axes=False, **params)


def plot_row(*plots) -> pn.FlexBox:
    """Plots side by side in a wide page, one under the other in a notebook's cell: a FlexBox
    as wide as its column (one sized by its content never finishes drawing inside Tabs beside
    a page's settings: Bokeh's layout stays busy and the plots blank)."""
    return pn.FlexBox(*[plot_pane(p) for p in plots], sizing_mode="stretch_width")


def heading(text: str) -> pn.widgets.StaticText:
    """A section heading."""
    return text_pane(f"<h3 style='margin:0.6em 0 0.2em 0'>{html.escape(text)}</h3>")


class EditableSlider(pn.widgets.EditableFloatSlider):
    """Panel's editable float slider without its entry in Panel's registry of JavaScript links.

    Panel's version extends the slider's range in the browser (a ``jscallback`` from the number
    box to the slider) when a value outside it is typed. That callback lives in a class-level
    ``WeakKeyDictionary`` whose entry can never die (its value leads back to its key), and it
    held the edited model and, through the model's watchers, a closed session's whole page.
    The range is extended here in Python instead.
    """

    def __init__(self, **params):
        super().__init__(**params)
        from panel.links import Callback

        Callback.registry.pop(self._value_edit, None)
        self._value_edit.param.watch(self._extend_range, "value")
        self.param.watch(lambda event: self._fit_range(), "value")
        self._fit_range()

    def _extend_range(self, event):
        value = event.new
        if value is None:
            return
        if value < self._slider.start:
            self._slider.start = value
        elif value > self._slider.end:
            self._slider.end = value

    @param.depends("width", "height", "sizing_mode", watch=True)
    def _update_layout(self):
        # Panel gives the number box a quarter of the width: too narrow for 0.00012 beside
        # its spin buttons
        super()._update_layout()
        if self.sizing_mode not in ("stretch_width", "stretch_both"):
            self._value_edit.width = max(110, (self.width or 300) // 3)

    def _fit_range(self):
        """A value set from the model beyond the slider's soft range (a step size suggested
        for a wide landscape) widens the range, so the knob does not sit pinned at its end."""
        value = self.value
        if value is None or self.start is None or self.end is None:
            return
        if value > self.end:
            end = 2.0 * value if value > 0 else value
            self.end = end if self.fixed_end is None else min(end, self.fixed_end)
        elif value < self.start:
            start = 2.0 * value if value < 0 else 0.5 * value
            self.start = start if self.fixed_start is None else max(start, self.fixed_start)


#: numbro format that shows small values (step sizes of 1e-4) instead of rounding them to 0
FLOAT_FORMAT = "0.[000000]"


def param_widgets(parameterized, parameters, in_order=False, **options) -> pn.Param:
    """``pn.Param`` for ``parameters``: editable sliders for floats, exact to six decimals;
    ``in_order``: in the order of ``parameters`` (else Panel's: precedence, then declaration,
    which puts a subclass's parameters after its base's)."""
    if in_order:
        rank = {name: i for i, name in enumerate(parameters)}
        options.setdefault("sort", lambda item: rank.get(item[0], -1))
    widgets = {}
    for name in parameters:
        p = parameterized.param[name]
        if isinstance(p, param.Number) and not isinstance(p, param.Integer):
            widgets[name] = {"type": EditableSlider, "format": FLOAT_FORMAT}
    widgets.update(options.pop("widgets", {}))
    return pn.Param(parameterized.param, parameters=list(parameters), widgets=widgets,
                    show_name=False, **options)


def format_number(value, digits=3) -> str:
    """A number for a table or a status line: "—" for None, NaN and inf; thousands grouped."""
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    return f"{value:.{digits}g}"
