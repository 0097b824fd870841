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
from ..params import Window, as_window
from .base import Landscape


class LandscapeFunctionError(ValueError, RuntimeError):
    """A user-supplied energy or gradient function raised or returned something unusable."""


#: the slots of a compiled function landscape's parameter vector, which its batch function
#: writes when the user's function raises: how many points failed, and the first of them
FAILURES, FAILED_X, FAILED_Y = 0, 1, 2


def _compile_numba(energy, gradient):
    """A batch cfunc calling numba-compiled versions of the user's functions, or None.

    An exception raised inside compiled code cannot leave a cfunc (numba prints it and the
    outputs would be left uninitialized), so each point is evaluated under ``try``: a point
    whose function raises gets NaN, and the failure is counted in the parameter vector for
    ``FunctionLandscape.check_errors`` to report.
    """
    try:
        energy_jit = energy if isinstance(energy, CPUDispatcher) else njit(**JIT)(energy)
        gradient_jit = gradient if isinstance(gradient, CPUDispatcher) else njit(**JIT)(gradient)

        @njit(**JIT)
        def point(x, y, p):
            try:
                g = gradient_jit(x, y)
                e, gx, gy = float(energy_jit(x, y)), float(g[0]), float(g[1])
            except Exception:  # noqa: BLE001 - numba catches only the bare class
                if p[FAILURES] == 0.0:
                    p[FAILED_X] = x
                    p[FAILED_Y] = y
                p[FAILURES] += 1.0
                return math.nan, math.nan, math.nan
            return e, gx, gy

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


def _check_returns(energy, gradient, x: float, y: float) -> None:
    """Refuse functions that return the wrong number of values (checked at one point; a
    function that raises there is reported where it is evaluated)."""
    try:
        e = energy(x, y)
        g = gradient(x, y)
    except Exception:  # noqa: BLE001 - reported with its point by check_errors
        return
    if np.ndim(e) != 0:
        raise LandscapeFunctionError(f"energy(x, y) must return one number, got "
                                     f"{type(e).__name__} of shape {np.shape(e)}")
    try:
        components = len(g)
    except TypeError:
        components = 1
    if components != 2 or any(np.ndim(c) != 0 for c in g):
        raise LandscapeFunctionError(f"gradient(x, y) must return two numbers (dE/dx, dE/dy), "
                                     f"got {g!r:.80}")


class FunctionLandscape(Landscape):
    """A landscape from callables ``energy(x, y)`` and ``gradient(x, y) -> (Ex, Ey)``."""

    window = Window((-2.0, 2.0, -2.0, 2.0))

    def __init__(self, energy, gradient, check_gradient=True, **params):
        if not callable(energy) or not callable(gradient):
            raise TypeError("from_functions needs two callables: energy(x, y) and gradient(x, y)")
        params.setdefault("name", getattr(energy, "__name__", "custom"))
        super().__init__(**params)
        x0, x1, y0, y1 = self.window
        _check_returns(energy, gradient, 0.5 * (x0 + x1), 0.5 * (y0 + y1))
        self._python = None
        self._failures = np.zeros(3)  # see FAILURES: written by the compiled batch function
        self.compiled = True
        self._batch_function = _compile_numba(energy, gradient)
        if self._batch_function is None:
            self.compiled = False
            self._python = _PythonBatch(energy, gradient, _is_vectorised(energy, gradient))
            self._batch_function = self._python
        self._user_energy = energy
        self._user_gradient = gradient
        if check_gradient:
            self._check_gradient()

    @property
    def formula(self):
        return f"{getattr(self._user_energy, '__name__', 'energy')}(x, y)"

    @property
    def batch_function(self):
        return self._batch_function

    def kernel_params(self):
        return self._failures

    def check_errors(self):
        if self._python is not None:
            self._python.raise_recorded()
        if self._failures[FAILURES]:
            failed = int(self._failures[FAILURES])
            x, y = float(self._failures[FAILED_X]), float(self._failures[FAILED_Y])
            self._failures[:] = 0.0
            raise LandscapeFunctionError(
                f"the landscape's function raised {self._error_at(x, y)} at (x, y) = "
                f"({x:.6g}, {y:.6g}) ({failed:,} point{'s' if failed > 1 else ''} failed; "
                f"their values are NaN)")

    def _error_at(self, x, y) -> str:
        """What the user's Python function raises at (x, y), for the message (numba's compiled
        code does not keep the exception)."""
        for function in (self._user_energy, self._user_gradient):
            try:
                getattr(function, "py_func", function)(x, y)
            except Exception as error:  # noqa: BLE001 - reporting the user's own exception
                return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return "an exception"

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
        params["window"] = as_window(window)
    if name is not None:
        params["name"] = name
    return FunctionLandscape(energy, gradient, check_gradient=check_gradient, **params)
