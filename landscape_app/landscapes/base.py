"""The Landscape model: an energy E(x, y) with its gradient, evaluated by compiled kernels."""

import threading
from typing import ClassVar

import numpy as np
import param
from numba import cfunc

from ..kernels.abi import BATCH_SIGNATURE, CFUNC_OPTIONS, evaluate_points
from ..params import Window


class UnknownNameError(KeyError, ValueError):
    """An unknown registry name; a KeyError for dict-like use, a ValueError for validation."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class LazyCFunc:
    """A module-level batch function compiled to a cached ``cfunc`` on first use.

    Compiling at import would cost every process the LLVM time of landscapes it never uses;
    decorating on demand keeps the on-disk cache (the function is still module-level) and a lock
    makes concurrent first calls from several sessions compile once.
    """

    def __init__(self, py_function, signature=BATCH_SIGNATURE):
        self.py_function = py_function
        self.signature = signature
        self._compiled = None
        self._lock = threading.Lock()

    def get(self):
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = cfunc(self.signature, **CFUNC_OPTIONS)(self.py_function)
        return self._compiled


def as_points(xy, name="xy") -> np.ndarray:
    """Validate points given as an array of shape (n, 2) (or a single point of shape (2,))."""
    array = np.asarray(xy, dtype=np.float64)
    if array.ndim == 1 and array.shape[0] == 2:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must be an array of shape (n, 2), got shape {np.shape(xy)}")
    return array


class Landscape(param.Parameterized):
    """A 2-D energy landscape E(x, y) with an exact gradient.

    Subclasses provide ``_batch`` (a compiled batch function, see ``kernels.abi``) and the float
    parameters it reads (``kernel_params``). The same compiled function serves the array methods
    below, the samplers' kernels and the plots.
    """

    key: ClassVar[str | None] = None
    formula: ClassVar[str] = ""
    _batch: ClassVar[LazyCFunc | None] = None

    window = Window(doc="Default view window (x_min, x_max, y_min, y_max).")

    def __init__(self, **params):
        if "name" not in params and self.key:
            params["name"] = self.key
        super().__init__(**params)

    # -- what the kernels see -------------------------------------------------------------
    @property
    def batch_function(self):
        """The C-callable batch function ``f(n, xs, ys, params, want_grad, E, Ex, Ey)``."""
        return type(self)._batch.get()

    def kernel_params(self) -> np.ndarray:
        """The float64 parameter vector the batch function reads."""
        return np.zeros(1)

    def check_errors(self) -> None:
        """Raise an error a user-supplied function recorded during the last evaluation."""

    # -- array interface --------------------------------------------------------------------
    def _evaluate(self, xy, want_grad):
        points = as_points(xy)
        x = np.ascontiguousarray(points[:, 0])
        y = np.ascontiguousarray(points[:, 1])
        energy, gradient = evaluate_points(
            self.batch_function, self.kernel_params(), x, y, 1 if want_grad else 0
        )
        self.check_errors()
        return energy, gradient

    def energy(self, xy) -> np.ndarray:
        """E at points ``xy`` of shape (n, 2); returns shape (n,)."""
        return self._evaluate(xy, False)[0]

    def gradient(self, xy) -> np.ndarray:
        """∇E at points ``xy`` of shape (n, 2); returns shape (n, 2)."""
        return self._evaluate(xy, True)[1]

    def energy_and_gradient(self, xy):
        """(E, ∇E) in one evaluation."""
        return self._evaluate(xy, True)

    def hessian(self, xy, rel_step: float = 1e-5) -> np.ndarray:
        """Hessian (n, 2, 2) by central differences of the exact gradient, symmetrised.

        H[:, :, j] = (∇E(x + h eⱼ) − ∇E(x − h eⱼ)) / 2h with h = rel_step·max(1, |xⱼ|): the error
        is O(h²)·|∇³E|, about 1e-10 relative for smooth landscapes.
        """
        points = as_points(xy)
        n = points.shape[0]
        steps = rel_step * np.maximum(1.0, np.abs(points))
        shifted = np.empty((4, n, 2))
        for j in range(2):
            for s, sign in enumerate((1.0, -1.0)):
                p = points.copy()
                p[:, j] += sign * steps[:, j]
                shifted[2 * j + s] = p
        grads = self.gradient(shifted.reshape(-1, 2)).reshape(4, n, 2)
        hess = np.empty((n, 2, 2))
        for j in range(2):
            hess[:, :, j] = (grads[2 * j] - grads[2 * j + 1]) / (2.0 * steps[:, j : j + 1])
        return 0.5 * (hess + np.swapaxes(hess, 1, 2))

    def grid(self, nx: int = 200, ny: int = 200, window=None):
        """Energy on a regular grid of cell centres: (x centres, y centres, E of shape (ny, nx))."""
        x0, x1, y0, y1 = self.window if window is None else window
        xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
        ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
        gx, gy = np.meshgrid(xs, ys)
        energy = self.energy(np.column_stack([gx.ravel(), gy.ravel()]))
        return xs, ys, energy.reshape(ny, nx)

    def describe(self) -> str:
        return f"{self.name}: E(x, y) = {self.formula}"


_REGISTRY: dict[str, type[Landscape]] = {}


def register(cls: type[Landscape]) -> type[Landscape]:
    """Class decorator: make a landscape available by its ``key`` through ``get``."""
    if not cls.key:
        raise ValueError(f"{cls.__name__} needs a 'key' to be registered")
    _REGISTRY[cls.key] = cls
    return cls


def names() -> list[str]:
    """Names of the registered landscapes, sorted."""
    return sorted(_REGISTRY)


def landscape_class(name: str) -> type[Landscape]:
    """The class registered under ``name``; an unknown name lists the known ones."""
    if not isinstance(name, str) or name not in _REGISTRY:
        raise UnknownNameError(
            f"unknown landscape {name!r}; known landscapes: {', '.join(names())}"
        )
    return _REGISTRY[name]


def get(name, **params) -> Landscape:
    """A new instance of the registered landscape ``name`` (a Landscape passes through)."""
    if isinstance(name, Landscape):
        return name
    return landscape_class(name)(**params)
