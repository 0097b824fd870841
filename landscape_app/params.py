"""Parameter types shared by models: finite numbers and view windows."""

import math

import param


class FiniteNumber(param.Number):
    """A ``param.Number`` that also refuses inf (``param`` already refuses NaN against bounds)."""

    def _validate_value(self, val, allow_None):
        super()._validate_value(val, allow_None)
        if val is not None and not callable(val) and not math.isfinite(float(val)):
            raise ValueError(
                f"{type(self).__name__} parameter {self.name!r} must be finite, not {val!r}."
            )


class Window(param.NumericTuple):
    """A view window ``(x_min, x_max, y_min, y_max)`` of finite numbers with min < max."""

    def __init__(self, default=(-2.0, 2.0, -2.0, 2.0), **params):
        super().__init__(default=default, length=4, **params)

    def _validate_value(self, val, allow_None):
        super()._validate_value(val, allow_None)
        if val is None:
            return
        x0, x1, y0, y1 = (float(v) for v in val)
        if not all(math.isfinite(v) for v in (x0, x1, y0, y1)):
            raise ValueError(f"Window parameter {self.name!r} must be finite, got {val!r}.")
        if not (x0 < x1 and y0 < y1):
            raise ValueError(
                f"Window parameter {self.name!r} must satisfy x_min < x_max and y_min < y_max, "
                f"got {val!r}."
            )
