"""``run_sweep``: one function over many points, on the engine chosen in ``cluster``.

Each point is an independent call that carries its own seed, so the results do not depend on
where or in which order the points ran: a sweep on a cluster returns exactly what a serial run
returns. A point whose call raises, or whose worker keeps dying (Dask retries a point lost
with its worker on another one, and gives up after ``distributed.scheduler.allowed-failures``)
is reported in ``failures``; the other points still come back.

Progress: ``progress(fraction)`` is called as points finish. It may raise (the pages raise
``InterruptedError`` when the user cancels or the session ends): the points still queued are
cancelled and the exception propagates. If ``progress`` has an ``engine_started(engine)``
method it is told where the sweep runs (the pages show it, with the dashboard link).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .cluster import SERIAL, Engine, engine

#: seconds between looks at the futures' state: the cancel button's latency
POLL_S = 0.1


@dataclass
class SweepResult:
    """``values[i]`` is ``function(items[i])`` (``None`` where it failed); ``failures`` maps
    the index of each failed point to what went wrong."""

    values: list
    failures: dict[int, str] = field(default_factory=dict)
    engine: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def raise_failures(self, names=None) -> None:
        """A ``RuntimeError`` naming the failed points (``names[i]`` says what point i was)."""
        if self.ok:
            return
        shown = [f"{names[i] if names is not None else f'point {i}'}: {self.failures[i]}"
                 for i in sorted(self.failures)[:3]]
        more = len(self.failures) - len(shown)
        raise RuntimeError(f"{len(self.failures)} of {len(self.values)} points failed — "
                           + "; ".join(shown) + (f"; and {more} more" if more > 0 else ""))


def run_sweep(function: Callable, items: Iterable, *, scheduler: str | None = None,
              progress: Callable[[float], None] | None = None) -> SweepResult:
    """``[function(item) for item in items]`` on the engine for ``scheduler``. ``function``
    must be picklable (a module-level function or a ``functools.partial`` of one)."""
    items = list(items)
    if not items:
        raise ValueError("a sweep needs at least one point")
    started = time.perf_counter()
    where = engine(scheduler)
    if progress is not None and hasattr(progress, "engine_started"):
        progress.engine_started(where)
    if where.kind == SERIAL:
        values, failures = _serial(function, items, progress)
    else:
        values, failures = _distributed(where, function, items, progress)
    return SweepResult(values, failures, where.describe(), time.perf_counter() - started)


def _serial(function, items, progress):
    values, failures = [None] * len(items), {}
    if progress is not None:
        progress(0.0)
    for index, item in enumerate(items):
        try:
            values[index] = function(item)
        except Exception as error:
            failures[index] = _describe(error)
        if progress is not None:
            progress((index + 1) / len(items))
    return values, failures


def _distributed(where: Engine, function, items, progress):
    client = where.client
    futures = client.map(function, items, pure=False)
    changed = threading.Event()  # set when a point finishes: wakes the loop at once
    for future in futures:
        future.add_done_callback(lambda _: changed.set())
    finished = False
    try:
        reported = -1
        while True:
            changed.clear()
            done = sum(future.done() for future in futures)
            if progress is not None and done != reported:
                progress(done / len(futures))
                reported = done
            if done == len(futures):
                break
            changed.wait(POLL_S)  # the timeout: how often the cancel button is looked at
        finished = True
    finally:
        if not finished:
            client.cancel(futures)
    values, failures = [None] * len(items), {}
    good = [i for i, future in enumerate(futures) if future.status == "finished"]
    for index, value in zip(good, client.gather([futures[i] for i in good]), strict=True):
        values[index] = value
    for index, future in enumerate(futures):
        if future.status != "finished":
            try:
                failures[index] = _describe(future.exception())
            except Exception as error:  # cancelled or lost with the scheduler
                failures[index] = _describe(error)
    return values, failures


def _describe(error: BaseException) -> str:
    name = type(error).__name__
    if name == "KilledWorker":
        return f"its worker process died each time it ran ({error})"
    return f"{name}: {error}"


def terminal_progress(label: str, stream=None, width: int = 30) -> Callable[[float], None]:
    """A text progress bar for the terminal: ``label [#####.....] 50%``."""
    stream = stream if stream is not None else sys.stderr

    def show(fraction: float) -> None:
        filled = int(round(width * fraction))
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%}")
        if fraction >= 1:
            stream.write("\n")
        stream.flush()

    def engine_started(where: Engine) -> None:
        link = f" — dashboard {where.dashboard}" if where.dashboard else ""
        stream.write(f"{label}: running on {where.describe()}{link}\n")

    show.engine_started = engine_started
    return show
