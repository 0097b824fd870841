"""The sweep layer (landscape_app.sweeps): where sweeps run, results equal to a serial run,
per-point failures, cancellation, and a real LocalCluster of 2 worker processes that loses a
worker in the middle of a sweep."""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landscape_app import cli
from landscape_app.biophysics import MorrisLecarFit
from landscape_app.biophysics.landscape import loss_landscape
from landscape_app.control.model import ControlledHopfield
from landscape_app.control.multistart import multistart
from landscape_app.dense_memory.capacity import dense_capacity
from landscape_app.hopfield.capacity import capacity_curve
from landscape_app.sweeps import (
    SCHEDULER_VARIABLE,
    cluster,
    engine,
    resolve_scheduler,
    run_sweep,
    set_default_scheduler,
)


# module-level so that the worker processes can unpickle them
def square(x):
    return x * x


def slow_square(x):
    time.sleep(0.4)
    return x * x


def fails_on_three(x):
    if x == 3:
        raise ValueError("three is not allowed")
    return x


def kills_its_worker_on_two(x):
    if x == 2:
        os._exit(1)
    return x


@pytest.fixture(scope="module")
def local():
    """The process's LocalCluster, with 2 workers (started once for this module)."""
    os.environ[cluster.WORKERS_VARIABLE] = "2"
    where = engine("local")
    yield where
    os.environ.pop(cluster.WORKERS_VARIABLE, None)


def test_the_scheduler_comes_from_the_argument_then_the_option_then_the_environment(
        monkeypatch):
    monkeypatch.delenv(SCHEDULER_VARIABLE, raising=False)
    assert resolve_scheduler() == "local"
    monkeypatch.setenv(SCHEDULER_VARIABLE, "scheduler.example:8786")
    assert resolve_scheduler() == "tcp://scheduler.example:8786"
    set_default_scheduler("serial")
    try:
        assert resolve_scheduler() == "serial"
        assert resolve_scheduler("tls://10.0.0.1:8786") == "tls://10.0.0.1:8786"
    finally:
        set_default_scheduler(None)
    assert resolve_scheduler() == "tcp://scheduler.example:8786"


@given(st.text(max_size=40))
def test_any_scheduler_text_is_understood_or_refused_with_a_value_error(text):
    try:
        choice = resolve_scheduler(text)
    except ValueError as error:
        assert "scheduler" in str(error)
    else:
        assert choice in ("local", "serial") or "://" in choice or not text.strip()


def test_the_command_line_refuses_a_malformed_scheduler(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--dask-scheduler", "not an address"])
    assert "Dask scheduler" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--dask-workers", "0"])


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ValueError, match="could not reach the Dask scheduler"):
        run_sweep(square, [1, 2], scheduler="tcp://127.0.0.1:9")


def test_an_empty_sweep_is_refused():
    with pytest.raises(ValueError, match="at least one point"):
        run_sweep(square, [], scheduler="serial")


def test_serial_and_local_cluster_agree_and_keep_the_order(local):
    assert local.kind == "local" and local.workers == 2
    assert local.dashboard and local.dashboard.startswith("http")
    serial = run_sweep(square, range(30), scheduler="serial")
    distributed = run_sweep(square, range(30), scheduler="local")
    assert serial.values == distributed.values == [x * x for x in range(30)]
    assert "2 workers" in distributed.engine and "serial" in serial.engine


@pytest.mark.parametrize("scheduler", ["serial", "local"])
def test_a_failing_point_is_reported_and_the_others_come_back(local, scheduler):
    result = run_sweep(fails_on_three, range(6), scheduler=scheduler)
    assert result.values == [0, 1, 2, None, 4, 5]
    assert list(result.failures) == [3] and "three is not allowed" in result.failures[3]
    with pytest.raises(RuntimeError, match="1 of 6 points failed — x = 3: ValueError"):
        result.raise_failures([f"x = {x}" for x in range(6)])


def test_the_science_sweeps_give_the_same_numbers_on_the_cluster_as_serially(local):
    """Each point carries its own seed, so where it ran cannot change it (bit for bit)."""
    alphas = [0.05, 0.1, 0.2]
    a = capacity_curve(60, alphas, trials=2, recalls=3, seed=4, scheduler="serial")
    b = capacity_curve(60, alphas, trials=2, recalls=3, seed=4, scheduler="local")
    assert np.array_equal(a.bit_error, b.bit_error) and np.array_equal(a.overlap, b.overlap)
    c = dense_capacity(30, loads=[3, 20, 60], tested=5, seed=2, scheduler="serial")
    d = dense_capacity(30, loads=[3, 20, 60], tested=5, seed=2, scheduler="local")
    assert all(np.array_equal(c.unstable[m], d.unstable[m]) for m in c.unstable)
    model = ControlledHopfield(horizon=10)
    e = multistart(model, grid=2, restarts=1, seed=0, scheduler="serial")
    f = multistart(model, grid=2, restarts=1, seed=0, scheduler="local")
    assert e.outcomes == f.outcomes and np.array_equal(e.paths, f.paths)
    fit = MorrisLecarFit(fitted=("I_app", "g_Ca"), truth=(110.0, 4.4), duration_ms=100.0)
    x, y = np.linspace(100, 120, 40), np.linspace(4.0, 4.8, 70)  # 70 rows: 3 blocks
    g = loss_landscape(fit, x, y, scheduler="serial")
    assert np.array_equal(g, loss_landscape(fit, x, y, scheduler="local"))
    assert np.array_equal(g[[5, 64], [3, 31]], fit(np.array([[x[3], y[5]], [x[31], y[64]]])))


def test_a_model_watched_by_a_page_still_travels_to_the_workers(local):
    """Watchers hold weak references, which do not pickle: the sweep sends a detached copy
    with the learned couplings (this failed before ``detached``)."""
    model = ControlledHopfield(horizon=10)
    model.T = model.T * 1.1
    model.param.watch(lambda event: None, "K")
    grid = multistart(model, grid=2, restarts=1, scheduler="local")
    assert len(grid.outcomes) == 4
    assert np.array_equal(model.detached().T, model.T)


def test_progress_that_raises_cancels_the_points_still_queued(local):
    reports = []

    def progress(fraction):
        reports.append(fraction)
        if fraction > 0:
            raise InterruptedError

    started = time.perf_counter()
    with pytest.raises(InterruptedError):
        run_sweep(slow_square, range(40), scheduler="local", progress=progress)
    # 40 points × 0.4 s on 2 workers would take 8 s; cancelled after the first ones
    assert time.perf_counter() - started < 4
    time.sleep(0.5)
    assert sum(len(tasks) for tasks in local.client.processing().values()) == 0


def test_a_worker_killed_in_the_middle_of_a_sweep_does_not_lose_it(local):
    """SIGKILL one of the 2 worker processes once the sweep is under way: Dask runs its
    points again on the other worker (and on the one the nanny restarts)."""
    pids = list(local.client.run(os.getpid).values())
    assert len(pids) == 2
    killed = threading.Event()

    def progress(fraction):
        if fraction > 0 and not killed.is_set():
            os.kill(pids[0], signal.SIGKILL)
            killed.set()

    result = run_sweep(slow_square, range(16), scheduler="local", progress=progress)
    assert killed.is_set()
    assert result.ok and result.values == [x * x for x in range(16)]


def test_a_point_that_always_kills_its_worker_is_reported_not_fatal(local):
    result = run_sweep(kills_its_worker_on_two, range(5), scheduler="local")
    assert list(result.failures) == [2]
    assert "worker process died" in result.failures[2]
    assert [v for i, v in enumerate(result.values) if i != 2] == [0, 1, 3, 4]


def test_an_existing_scheduler_is_used_by_address(local):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as other:
        where = engine(other.scheduler_address)
        assert where.kind == "remote" and where.workers == 1
        result = run_sweep(square, range(5), scheduler=other.scheduler_address)
        assert result.values == [0, 1, 4, 9, 16] and other.scheduler_address in result.engine


LOGGING_PROBE = """
import logging
from landscape_app.sweeps import run_sweep
from landscape_app.sweeps.cluster import shutdown_local_cluster

def square(x):
    return x * x

if __name__ == "__main__":
    logging.getLogger("bokeh").addHandler(logging.StreamHandler())
    logging.getLogger("bokeh").setLevel(logging.WARNING)
    assert run_sweep(square, [1, 2], scheduler="local").values == [1, 4]
    logging.getLogger("bokeh.server").warning("PROBE-WARNING")
    print([logging.getLogger(name).level for name in ("bokeh", "tornado")])
    shutdown_local_cluster()
"""


def test_a_first_sweep_leaves_the_servers_logging_as_it_was(tmp_path):
    """Importing distributed applies Dask's logging defaults (bokeh at ERROR, tornado at
    CRITICAL); after the first sweep the Panel server's warnings used to vanish. A fresh
    process starts a LocalCluster, runs a sweep, and must still log a bokeh warning."""
    script = tmp_path / "probe.py"
    script.write_text(LOGGING_PROBE)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "PROBE-WARNING" in done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[30, 0]"
