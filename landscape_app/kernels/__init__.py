"""numba kernels: vectorisable maths, random streams, the landscape ABI and the sampler kernels.

The sampler kernels are ``parallel=True`` over tiles of chains. numba's default 'workqueue'
threading layer aborts when two Python threads launch parallel kernels at once, which is what a
Panel server with ``--num-threads`` does, so a thread-safe layer (TBB or GNU OpenMP) is selected
here unless the user chose one through NUMBA_THREADING_LAYER.

The sampler kernels' arguments
------------------------------
Every sampler kernel (``hmc_kernel``, ``mala_kernel``, …) steps ``n`` chains by ``K`` steps in one
call, as ``kernel(batch, params, chains, temperatures, settings, records)``: ``chains`` is the
tuple of the per-chain state arrays the method needs, ``settings`` the tuple of its scalars,
``records`` the tuple of the arrays it writes; the first lines of each kernel unpack them, in
the order of the table below (numba compiles one signature per kernel; the tuples keep it
cached and cost nothing measurable: kernel ratios 19.4×/18.7× Langevin, 34.6×/32.9× HMC,
13.5×/13.1× MALA before/after, ``benchmarks`` ``--quick`` on this machine). For chain ``i``:

=================  ============  =================================================================
argument           shape, type   meaning
=================  ============  =================================================================
``batch``          cfunc         the landscape's batch function (``abi``: E and ∇E at n points)
``params``         (p,) f8       the landscape's parameters, read by ``batch``
``x, y``           (n,) f8       positions, updated in place
``vx, vy``         (n,) f8       velocities (heavy ball, BAOAB), updated in place
``e``              (n,) f8       energies E(x, y) at the positions, kept current
``mx, my, sx, sy`` (n,) f8       Adam's first and second moments (evolution strategy)
``gx, gy``         (n,) f8       the gradient ∇E at the positions (gradient-based methods)
``live``           (n,) bool     False once a chain stopped (diverged): it is no longer moved
``diverged_at``    (n,) i8       1-based step of this call at which a chain stopped (−1: did not)
``streams``        (n,) u8       each chain's random stream (SplitMix64, ``rng``), advanced in place
``accept_count``   (n,) i8       accepted proposals, incremented (Metropolis-type methods)
``divergent_count`` (n,) i8      divergent trajectories (HMC: ΔH > 1000 T), incremented
``temperatures``   (K,) f8       T at each step of this call (the schedule, ``samplers.schedules``)
``step_size``      f8            η (or ε, s)
(method's own)     scalars       ``n_leapfrog``, ``momentum``, ``friction``, ``sigma``, …
``thin``           i8            every ``thin``-th step is recorded
``bound``          f8            |x| or |y| beyond it stops a chain (divergence)
``positions``      (R, n, 2) f8  the records, R = K // thin + 1 (row 0: the start)
``energies``       (R, n) f8     energies at the records (NaN for stopped chains)
``accepted``       (R − 1, n) b  whether each recorded step's proposal was accepted
``last_proposal``  (n, 2) f8     the last step's proposals (drawn by the explorer)
``last_path``      (L+1, n, 2)   HMC: the last step's leapfrog trajectory of every chain
                  (2^D + 2, ≤ 32, 2) NUTS: the last step's tree of the first 32 chains,
                  its leaves in order (NaN after), then NaN, then the chosen state
=================  ============  =================================================================

A kernel takes the subset its method needs, in this order (the ``chains`` tuple from ``x`` to
``divergent_count``, ``settings`` from ``step_size`` to ``bound``, ``records`` from ``positions``
on); ``samplers/<method>.py`` builds the tuples.
"""

import os

import numba

if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "threadsafe"
