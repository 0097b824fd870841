"""Sweeps on Dask: map a function over a grid or a population, on a cluster (docs/sweeps.md).

``run_sweep(function, items)`` evaluates ``function(item)`` for every item and returns the
results in order, with per-point failures reported rather than raised. Where it runs:

* ``"local"`` (the default): a ``dask.distributed.LocalCluster`` of worker processes, started
  the first time a sweep needs it and shared by every sweep of this process;
* an address (``tcp://host:8786``): an existing Dask scheduler;
* ``"serial"``: in the calling thread, without Dask (small sweeps, debugging).

The choice comes from the call's ``scheduler`` argument, else the ``--dask-scheduler`` option
of ``landscape-app``, else the ``LANDSCAPE_APP_DASK_SCHEDULER`` environment variable.
"""

from .cluster import (
    SCHEDULER_VARIABLE,
    WORKER_ENVIRONMENT,
    WORKERS_VARIABLE,
    Engine,
    disconnect,
    engine,
    resolve_scheduler,
    set_default_scheduler,
    shutdown_local_cluster,
)
from .population import DistributedLoss
from .sweep import SweepResult, run_sweep, terminal_progress

__all__ = ["SCHEDULER_VARIABLE", "WORKERS_VARIABLE", "WORKER_ENVIRONMENT", "DistributedLoss",
           "Engine", "SweepResult", "disconnect", "engine",
           "resolve_scheduler", "run_sweep", "set_default_scheduler", "shutdown_local_cluster",
           "terminal_progress"]
