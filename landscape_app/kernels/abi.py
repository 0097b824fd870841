"""The calling convention between sampler kernels and landscapes.

A landscape reaches the kernels as one C-callable *batch function*

    f(n, xs, ys, params, want_grad, energy, grad_x, grad_y) -> None

that evaluates E and, when ``want_grad`` is non-zero, ∂E/∂x and ∂E/∂y at ``n`` points, reading
``xs[i], ys[i]`` and writing ``energy[i]`` (and ``grad_x[i], grad_y[i]``). ``params`` points to the
landscape's float64 parameters.

Why a C function pointer: numba compiles a kernel once per *type* of its arguments. A numba
dispatcher passed as an argument is its own type, so such kernels are recompiled in every process
and never load from the on-disk cache; a ``cfunc`` (or any object following numba's wrapper-address
protocol) has the single type ``FunctionType(BATCH_SIGNATURE)``, so each sampler kernel is compiled
once, cached, and serves every landscape, built-in, typed or user-supplied. Evaluating a whole tile
of chains per call keeps the landscape's own loop vectorisable.
"""

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

from .fastmath import JIT

_F64_PTR = types.CPointer(types.float64)

#: numba signature of a landscape batch function.
BATCH_SIGNATURE = types.void(
    types.int64, _F64_PTR, _F64_PTR, _F64_PTR, types.int64, _F64_PTR, _F64_PTR, _F64_PTR
)

#: options for the ``cfunc`` of a built-in landscape (cached on disk).
CFUNC_OPTIONS = {"cache": True, **JIT}


@intrinsic
def data_pointer(typingctx, array):
    """The address of a contiguous array's first element, as a typed C pointer."""
    sig = types.CPointer(array.dtype)(array)

    def codegen(context, builder, signature, args):
        return context.make_array(array)(context, builder, value=args[0]).data

    return sig, codegen


@njit(inline="always", **JIT)
def apply_pointwise(point_function, n, xs, ys, params, want_grad, energy, grad_x, grad_y):
    """Body of a batch function built from a scalar ``point_function(x, y, params) -> (E, Ex, Ey)``.

    The energy-only branch lets LLVM drop the gradient arithmetic entirely.
    """
    if want_grad != 0:
        for i in range(n):
            e, gx, gy = point_function(xs[i], ys[i], params)
            energy[i] = e
            grad_x[i] = gx
            grad_y[i] = gy
    else:
        for i in range(n):
            e, gx, gy = point_function(xs[i], ys[i], params)
            energy[i] = e


@njit(inline="always", **JIT)
def evaluate_tile(batch, params, x, y, want_grad, energy, grad_x, grad_y):
    """Call a landscape batch function on whole (contiguous) tile arrays."""
    batch(
        x.shape[0],
        data_pointer(x),
        data_pointer(y),
        data_pointer(params),
        want_grad,
        data_pointer(energy),
        data_pointer(grad_x),
        data_pointer(grad_y),
    )


@njit(cache=True, nogil=True, **JIT)
def evaluate_points(batch, params, x, y, want_grad):
    """Energies (n,) and gradients (n, 2) at points given as two contiguous arrays."""
    n = x.shape[0]
    energy = np.empty(n)
    grad_x = np.empty(n)
    grad_y = np.empty(n)
    evaluate_tile(batch, params, x, y, want_grad, energy, grad_x, grad_y)
    gradient = np.empty((n, 2))
    if want_grad != 0:
        for i in range(n):
            gradient[i, 0] = grad_x[i]
            gradient[i, 1] = grad_y[i]
    return energy, gradient
