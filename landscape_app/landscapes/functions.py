"""Landscapes from a notebook user's own energy and gradient functions.

``energy(x, y) -> float`` and ``gradient(x, y) -> (dE/dx, dE/dy)``. Functions numba can compile
(plain arithmetic, ``math``/``numpy`` calls, or ``@njit`` functions) run compiled inside the
kernels. Anything else (scipy calls, Python objects) still works: it is called back from the
kernels through a C function pointer, once per tile of chains with arrays when the functions are
vectorised, point by point otherwise. Slower, never wrong.
"""

import ctypes
import math
import threading

import numpy as np
from numba import cfunc, njit
from numba.core import types as nbtypes
from numba.core.registry import CPUDispatcher

from ..kernels.abi import BATCH_SIGNATURE, apply_pointwise
from ..kernels.fastmath import JIT
from ..params import Window
from .base import Landscape


class LandscapeFunctionError(RuntimeError):
    """A user-supplied energy or gradient function raised or returned something unusable."""


def _compile_numba(energy, gradient):
    """A batch cfunc calling numba-compiled versions of the user's functions, or None."""
    try:
        energy_jit = energy if isinstance(energy, CPUDispatcher) else njit(**JIT)(energy)
        gradient_jit = gradient if isinstance(gradient, CPUDispatcher) else njit(**JIT)(gradient)

        @njit(inline="always", **JIT)
        def point(x, y, p):
            g = gradient_jit(x, y)
            return float(energy_jit(x, y)), float(g[0]), float(g[1])

        def batch(n, xs, ys, p, want_grad, e, gx, gy):
            apply_pointwise(point, n, xs, ys, p, want_grad, e, gx, gy)

        return cfunc(BATCH_SIGNATURE, **JIT)(batch)
    except Exception:  # numba's typing errors come in many classes; any means "not compilable"
        return None


_CALLBACK_TYPE = ctypes.CFUNCTYPE(
    None,
    ctypes.c_int64,
    ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double),
    ctypes.c_int64,
    ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double),
)


class _PythonBatch(nbtypes.WrapperAddressProtocol):
    """Python functions behind the batch ABI, through a ctypes callback.

    The callback takes the GIL itself, so nogil and multi-threaded kernels may call it. An
    exception inside it cannot cross the C boundary: it is recorded, the outputs become NaN (so
    the chains stop as diverged), and ``raise_recorded`` re-raises it after the kernel returns.
    """

    def __init__(self, energy, gradient, vectorised):
        self._energy = energy
        self._gradient = gradient
        self._vectorised = vectorised
        self._error = None
        self._lock = threading.Lock()
        self._callback = _CALLBACK_TYPE(self._call)

    def __wrapper_address__(self):
        return ctypes.cast(self._callback, ctypes.c_void_p).value

    def signature(self):
        return BATCH_SIGNATURE

    def _values(self, x, y, want_grad):
        if self._vectorised:
            e = np.broadcast_to(np.asarray(self._energy(x, y), dtype=float), x.shape)
            if not want_grad:
                return e, None, None
            g = self._gradient(x, y)
            return e, np.asarray(g[0], dtype=float), np.asarray(g[1], dtype=float)
        e = np.array([float(self._energy(a, b)) for a, b in zip(x, y, strict=True)])
        if not want_grad:
            return e, None, None
        g = np.array([[float(c) for c in self._gradient(a, b)] for a, b in zip(x, y, strict=True)])
        return e, g[:, 0], g[:, 1]

    def _call(self, n, xs, ys, p, want_grad, e_ptr, gx_ptr, gy_ptr):
        e_out = np.ctypeslib.as_array(e_ptr, (n,))
        gx_out = np.ctypeslib.as_array(gx_ptr, (n,))
        gy_out = np.ctypeslib.as_array(gy_ptr, (n,))
        try:
            x = np.ctypeslib.as_array(xs, (n,)).copy()
            y = np.ctypeslib.as_array(ys, (n,)).copy()
            e, gx, gy = self._values(x, y, want_grad)
            e_out[:] = e
            if want_grad:
                gx_out[:] = gx
                gy_out[:] = gy
        except BaseException as exc:  # noqa: BLE001 - must not propagate into C
            e_out[:] = math.nan
            if want_grad:
                gx_out[:] = math.nan
                gy_out[:] = math.nan
            with self._lock:
                if self._error is None:
                    self._error = exc

    def raise_recorded(self):
        with self._lock:
            error, self._error = self._error, None
        if error is not None:
            raise LandscapeFunctionError(
                f"the landscape's Python function raised {type(error).__name__}: {error}"
            ) from error


def _is_vectorised(energy, gradient) -> bool:
    x = np.array([0.1, 0.2, 0.3])
    y = np.array([0.3, -0.1, 0.2])
    try:
        e = np.asarray(energy(x, y), dtype=float)
        g = gradient(x, y)
        gx = np.asarray(g[0], dtype=float)
        gy = np.asarray(g[1], dtype=float)
    except Exception:
        return False
    return e.shape in ((3,), ()) and gx.shape == (3,) and gy.shape == (3,) and len(g) == 2


class FunctionLandscape(Landscape):
    """A landscape from callables ``energy(x, y)`` and ``gradient(x, y) -> (Ex, Ey)``."""

    window = Window((-2.0, 2.0, -2.0, 2.0))

    def __init__(self, energy, gradient, check_gradient=True, **params):
        if not callable(energy) or not callable(gradient):
            raise TypeError("from_functions needs two callables: energy(x, y) and gradient(x, y)")
        params.setdefault("name", getattr(energy, "__name__", "custom"))
        super().__init__(**params)
        self._python = None
        self.compiled = True
        self._batch_function = _compile_numba(energy, gradient)
        if self._batch_function is None:
            self.compiled = False
            self._python = _PythonBatch(energy, gradient, _is_vectorised(energy, gradient))
            self._batch_function = self._python
        self._user_energy = energy
        if check_gradient:
            self._check_gradient()

    @property
    def formula(self):
        return f"{getattr(self._user_energy, '__name__', 'energy')}(x, y)"

    @property
    def batch_function(self):
        return self._batch_function

    def check_errors(self):
        if self._python is not None:
            self._python.raise_recorded()

    def _check_gradient(self, n_points=6, rel_tol=1e-4):
        """Compare the supplied gradient with central differences of the energy."""
        rng = np.random.default_rng(12345)
        x0, x1, y0, y1 = self.window
        pts = np.column_stack([rng.uniform(x0, x1, n_points), rng.uniform(y0, y1, n_points)])
        energy, grad = self.energy_and_gradient(pts)
        scale = 1e-6 * max(x1 - x0, y1 - y0)
        for j in range(2):
            step = np.zeros(2)
            step[j] = scale
            fd = (self.energy(pts + step) - self.energy(pts - step)) / (2 * scale)
            ok = ~np.isfinite(fd) | ~np.isfinite(energy)
            ok |= np.abs(fd - grad[:, j]) <= rel_tol * (1.0 + np.abs(fd)) + 1e-6
            if not np.all(ok):
                i = int(np.argmin(ok))
                axis = "xy"[j]
                raise ValueError(
                    f"the gradient does not match the energy: at (x, y) = "
                    f"({pts[i, 0]:.4g}, {pts[i, 1]:.4g}) dE/d{axis} is {grad[i, j]:.6g} but "
                    f"finite differences of the energy give {fd[i]:.6g}"
                )


def from_functions(energy, gradient, window=None, name=None, check_gradient=True):
    """A landscape from ``energy(x, y)`` and ``gradient(x, y) -> (dE/dx, dE/dy)``.

    Python or numba callables. The gradient is checked against finite differences of the energy
    at a few points of the window (``check_gradient=False`` skips that).
    """
    params = {}
    if window is not None:
        params["window"] = tuple(float(v) for v in window)
    if name is not None:
        params["name"] = name
    return FunctionLandscape(energy, gradient, check_gradient=check_gradient, **params)
