"""numba kernels: vectorisable maths, random streams, the landscape ABI and the sampler kernels.

The sampler kernels are ``parallel=True`` over tiles of chains. numba's default 'workqueue'
threading layer aborts when two Python threads launch parallel kernels at once, which is what a
Panel server with ``--num-threads`` does, so a thread-safe layer (TBB or GNU OpenMP) is selected
here unless the user chose one through NUMBA_THREADING_LAYER.
"""

import os

import numba

if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "threadsafe"
