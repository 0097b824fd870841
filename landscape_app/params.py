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


class Count(param.Integer):
    """A ``param.Integer`` that refuses bools (``True`` is an int to Python, not a count)."""

    def _validate_value(self, val, allow_None):
        if isinstance(val, bool):
            raise ValueError(f"{type(self).__name__} parameter {self.name!r} must be an integer, "
                             f"not {val!r}.")
        super()._validate_value(val, allow_None)


class FinitePoint(param.NumericTuple):
    """A point ``(x, y)`` of finite numbers (``param.NumericTuple`` lets NaN and inf through)."""

    def __init__(self, default=None, **params):
        super().__init__(default=default, length=2, **params)

    def _validate_value(self, val, allow_None):
        super()._validate_value(val, allow_None)
        if val is not None and not all(math.isfinite(float(v)) for v in val):
            raise ValueError(f"{type(self).__name__} parameter {self.name!r} must be finite, "
                             f"got {val!r}.")


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


class SquareMatrix(param.Array):
    """A square matrix of finite numbers, at least ``min_size`` × ``min_size`` and at most
    ``max_size`` × ``max_size``; lists are accepted and stored as float arrays."""

    __slots__ = ["min_size", "max_size"]

    def __init__(self, default=None, min_size=2, max_size=200, **params):
        self.min_size, self.max_size = min_size, max_size
        super().__init__(default=default, **params)

    def _validate_value(self, val, allow_None):
        if val is None and allow_None:
            return
        import numpy as np

        array = np.asarray(val)
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{self.name!r} must be a matrix of numbers, got dtype {array.dtype}")
        if array.ndim != 2 or array.shape[0] != array.shape[1]:
            raise ValueError(f"{self.name!r} must be a square matrix, got shape {array.shape}")
        if not self.min_size <= array.shape[0] <= self.max_size:
            raise ValueError(f"{self.name!r} must be between {self.min_size} × {self.min_size} "
                             f"and {self.max_size} × {self.max_size}, got {array.shape}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{self.name!r} must be finite (no NaN or inf)")

    def __set__(self, obj, val):
        import numpy as np

        if val is not None and not isinstance(val, np.ndarray):
            self._validate_value(val, self.allow_None)
            val = np.asarray(val, dtype=float)
        elif isinstance(val, np.ndarray) and val.dtype.kind in "biu":
            val = val.astype(float)
        super().__set__(obj, val)


def as_window(window) -> tuple[float, float, float, float]:
    """A view window given as any sequence of four finite numbers with min < max."""
    try:
        values = tuple(window)
    except TypeError:
        raise ValueError(f"window must be (x_min, x_max, y_min, y_max), got {window!r}") from None
    if len(values) != 4 or any(isinstance(v, bool) or not isinstance(v, int | float)
                               and not hasattr(v, "__float__") for v in values):
        raise ValueError(f"window must be four numbers (x_min, x_max, y_min, y_max), "
                         f"got {window!r}")
    x0, x1, y0, y1 = (float(v) for v in values)
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1)) or not (x0 < x1 and y0 < y1):
        raise ValueError(f"window must be finite with x_min < x_max and y_min < y_max, "
                         f"got {window!r}")
    return x0, x1, y0, y1
