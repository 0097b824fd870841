"""Where sweeps run: a LocalCluster started on demand, an existing scheduler, or in-process.

One LocalCluster serves every sweep of this process (all sessions of a server): starting one
costs seconds and its workers hold the compiled kernels, so it is started once, when the first
sweep needs it, and closed when the process exits. Its dashboard listens on a free port.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass, field

#: environment variable naming the scheduler: ``local``, ``serial`` or an address
SCHEDULER_VARIABLE = "LANDSCAPE_APP_DASK_SCHEDULER"
#: environment variable with the number of the LocalCluster's worker processes
WORKERS_VARIABLE = "LANDSCAPE_APP_DASK_WORKERS"
LOCAL, SERIAL = "local", "serial"
PROTOCOLS = ("tcp://", "tls://", "ws://", "wss://", "inproc://", "ucx://")
#: seconds to wait for an existing scheduler before saying it cannot be reached
CONNECT_TIMEOUT_S = 5
MAX_WORKERS = 64
#: a worker is one process on one core: its numba kernels run one thread (their ``prange``
#: would otherwise start a thread per core in every worker, and the workers would fight)
WORKER_ENVIRONMENT = {"NUMBA_NUM_THREADS": "1"}
#: Dask reads this when ``distributed`` is imported, here and in the spawned workers (which
#: inherit it): its own logger reports errors only (its INFO lines would flood the server's log)
QUIET_DISTRIBUTED = ("DASK_LOGGING__DISTRIBUTED", "error")

_lock = threading.Lock()
_default: str | None = None
_local = None  # (LocalCluster, Client) once started
_remote: dict = {}  # address → Client


@dataclass(frozen=True)
class Engine:
    """What a sweep runs on: ``kind`` is ``serial``, ``local`` or ``remote``."""

    kind: str
    address: str | None = None
    workers: int = 1
    dashboard: str | None = None
    client: object = field(default=None, repr=False, compare=False)

    def describe(self) -> str:
        if self.kind == SERIAL:
            return "in this process (serial)"
        plural = "s" if self.workers != 1 else ""
        where = "a local Dask cluster" if self.kind == LOCAL else f"Dask at {self.address}"
        return f"{where}, {self.workers} worker{plural}"


def resolve_scheduler(scheduler: str | None = None) -> str:
    """The scheduler a sweep uses: the argument, else ``set_default_scheduler``'s, else the
    environment variable, else ``local``. Addresses without a protocol get ``tcp://``."""
    for choice in (scheduler, _default, os.environ.get(SCHEDULER_VARIABLE)):
        if choice is not None and str(choice).strip():
            return _normalise(str(choice).strip())
    return LOCAL


def _normalise(choice: str) -> str:
    if choice.lower() in (LOCAL, SERIAL):
        return choice.lower()
    if choice.startswith(PROTOCOLS):
        return choice
    host, _, port = choice.rpartition(":")
    if host and port.isdigit() and 0 < int(port) < 65536 and " " not in host:
        return "tcp://" + choice
    raise ValueError(f"a Dask scheduler is 'local', 'serial' or an address such as "
                     f"tcp://host:8786; got {choice!r}")


def set_default_scheduler(scheduler: str | None) -> None:
    """Make ``scheduler`` the default of this process (the ``--dask-scheduler`` option)."""
    global _default
    _default = None if scheduler is None else _normalise(str(scheduler).strip())


def local_workers() -> int:
    """Worker processes of the LocalCluster: $LANDSCAPE_APP_DASK_WORKERS, else one per core
    up to 4 (a sweep point is one numba kernel call on one core)."""
    text = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not text:
        return max(1, min(4, os.cpu_count() or 1))
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise ValueError(f"{WORKERS_VARIABLE} must be a whole number from 1 to {MAX_WORKERS}, "
                         f"got {text!r}")
    return int(text)


def engine(scheduler: str | None = None) -> Engine:
    """The engine for ``scheduler`` (see ``resolve_scheduler``), connecting or starting the
    cluster if this is its first use."""
    choice = resolve_scheduler(scheduler)
    if choice == SERIAL:
        return Engine(SERIAL)
    with _lock:
        client = _local_client() if choice == LOCAL else _remote_client(choice)
    workers = len(client.scheduler_info().get("workers", {}))
    try:
        dashboard = client.dashboard_link
    except Exception:  # a scheduler without a dashboard
        dashboard = None
    return Engine(LOCAL if choice == LOCAL else "remote",
                  None if choice == LOCAL else choice, workers, dashboard, client)


#: loggers whose level, handlers and propagation importing ``distributed`` rewrites (its
#: default logging config sets ``bokeh`` to ERROR and ``tornado`` to CRITICAL, which would hide
#: the Panel server's own warnings for the rest of the process)
HOST_LOGGERS = ("bokeh", "tornado", "tornado.application", "tornado.access", "tornado.general")


def import_distributed():
    """``import distributed``, leaving the host's logging as it was (see ``HOST_LOGGERS``)."""
    loggers = [logging.getLogger(name) for name in HOST_LOGGERS]
    saved = [(lg.level, list(lg.handlers), lg.propagate) for lg in loggers]
    os.environ.setdefault(*QUIET_DISTRIBUTED)
    try:
        import distributed
    finally:
        for lg, (level, handlers, propagate) in zip(loggers, saved, strict=True):
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate = propagate
    return distributed


def _local_client():
    global _local
    if _local is not None and _local[1].status == "running":
        return _local[1]
    distributed = import_distributed()
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    # silence_logs would turn the bokeh handlers to ERROR for the cluster's lifetime (the
    # whole process); distributed's own logger is quietened by QUIET_DISTRIBUTED instead
    cluster = LocalCluster(n_workers=local_workers(), threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=False,
                           env=dict(WORKER_ENVIRONMENT))
    _local = (cluster, Client(cluster, set_as_default=False))
    return _local[1]


def _remote_client(address: str):
    client = _remote.get(address)
    if client is not None and client.status == "running":
        return client
    Client = import_distributed().Client

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ValueError(f"could not reach the Dask scheduler at {address}: {error}") from None
    _remote[address] = client
    return client


def disconnect(address: str) -> None:
    """Close this process's client of the scheduler at ``address`` (before it goes away)."""
    with _lock:
        client = _remote.pop(_normalise(address), None)
    if client is not None:
        client.close()


def shutdown_local_cluster() -> None:
    """Close the LocalCluster (at exit; tests call it to start afresh)."""
    global _local
    with _lock:
        if _local is not None:
            cluster, client = _local
            _local = None
            client.close()
            cluster.close()


atexit.register(shutdown_local_cluster)
