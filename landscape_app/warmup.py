"""Compile every numba kernel the pages use before the first click, or load it from the cache.

numba compiles a kernel the first time it is called; with ``cache=True`` the machine code is
written next to the package (or to ``NUMBA_CACHE_DIR``) and later processes load it in
milliseconds. On a fresh install nothing is cached yet, and a lecturer's first Play would wait
10–14 s for LLVM. ``landscape-app`` therefore runs :func:`warm_up` before it announces its
address: the first start compiles everything once (in parallel processes, with a progress bar
in the terminal), every later start only loads the cached code (about a second).

Each task calls the public models with tiny inputs of the same types the pages use, so that
exactly the pages' specialisations are compiled. ``tests/test_warmup.py`` checks that after a
warm-up no page compiles or loads another kernel.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

import numpy as np

from .samplers import METHODS


# -- the tasks ------------------------------------------------------------------------------------
def _sampler(name):
    """One sampler's kernel (each its own task: they are the slowest to compile)."""
    def task():
        from . import landscapes, samplers

        # 4 chains: the fewest an ensemble sampler (stretch move, DE-MCMC) takes
        sampler = samplers.METHODS[name](landscape=landscapes.get("double_well"), n_chains=4,
                                         seed=0, temperature=0.5)
        run = sampler.run(2)
        sampler.run(2, resume=run)
        if name == "SimulatedAnnealing":
            sampler.base = "langevin"
            sampler.run(2)
    return task


def _landscapes():
    from . import landscapes
    from .page_models.scene import Scene

    for name in landscapes.names():
        scene = Scene(landscapes.get(name))
        scene.grid(8)
        scene.gradient_field(3)
        scene.exact(1.0, bins=8)
    # the basins (descent to the minima) on the default landscape of the explorer
    Scene(landscapes.get("double_well")).basins.label_of(np.zeros((2, 2)))


def _hopfield():
    from .hopfield import ContinuousHopfield, HopfieldNetwork
    from .hopfield.pair import PairEnergy
    from .hopfield.patterns import corrupt, random_patterns
    from .page_models.hopfield.recall import RecallSession

    patterns = random_patterns(2, 16, seed=0)
    for rule in ("hebbian", "pseudo_inverse", "storkey"):
        net = HopfieldNetwork(n_neurons=16, rule=rule).store(patterns)
        cue = corrupt(patterns[0], 0.2, seed=0)
        net.recall(cue, mode="async", max_sweeps=2)
        net.recall(cue, mode="sync", max_sweeps=2)
    for mode in ("async", "sync"):
        session = RecallSession(mode=mode)
        session.step(4)
    weights = np.array([[0.0, 1.0], [1.0, 0.0]])
    for activation in ("tanh", "logistic", "arctan"):
        ContinuousHopfield(weights, activation=activation).run(np.zeros(2), t_max=0.02, dt=0.01)
    pair = PairEnergy()
    pair.energy(np.zeros((2, 2)))
    pair.trajectory(np.array([0.1, 0.2]), t_max=0.02)


def _dense_memory():
    from .dense_memory import DenseAssociativeMemory, ModernHopfield
    from .dense_memory.modern import fixed_point_profile
    from .hopfield.patterns import random_patterns

    patterns = random_patterns(3, 16, seed=0)
    for interaction in ("polynomial", "rectified_polynomial", "exponential"):
        mem = DenseAssociativeMemory(n_neurons=16, interaction=interaction, degree=3)
        mem.store(patterns)
        mem.recall(patterns[0], mode="async", max_sweeps=2)
        mem.recall(patterns[0], mode="sync", max_sweeps=2)
        mem.energy(patterns[0])
        mem.unstable_bits()
    net = ModernHopfield(beta=1.0).store(patterns.astype(float))
    net.recall(patterns[0].astype(float), max_updates=2)
    net.energy(patterns[0].astype(float))
    fixed_point_profile(net, patterns[0].astype(float), [0.5, 1.0], max_updates=2)


def _couplings():
    from .dense_memory import CouplingNetwork
    from .dense_memory.couplings import DenseLagrangian, LogSumExpLagrangian

    patterns = np.array([[1.0, -1.0], [1.0, 1.0]])
    for coupling in (DenseLagrangian(patterns=patterns, degree=3),
                     LogSumExpLagrangian(patterns=patterns)):
        network = CouplingNetwork(coupling=coupling)
        network.run(np.array([0.1, 0.2]), t_max=0.02, dt=0.01)
        network.energy(np.array([[0.1, 0.2]]), method="line")
        network.energy(np.array([[0.1, 0.2]]))


def _control():
    from .control import ControlledHopfield, random_couplings

    for activation in ("arctan", "tanh", "logistic", "step"):
        model = ControlledHopfield(activation=activation, horizon=3)
        model.solve(np.array([-1.0, 0.5]), restarts=1, seed=0)
        model.flow(np.zeros((2, 2)), np.zeros((2, 2)))
    ControlledHopfield(A=random_couplings(4, density=0.5, seed=0), k=0.05,
                       horizon=3).solve(np.zeros(4), restarts=1, seed=0)


def _synaptic_sampling():
    from .kernels.synaptic_sampling import quadratic_reward_kernel
    from .synaptic_sampling import RewardNetworks

    for exact in (False, True):
        RewardNetworks(n_networks=2, exact_gradient=exact).advance(2, thin=1)
    quadratic_reward_kernel(np.zeros(2), np.zeros(2), np.eye(2),
                            np.array([1.0, 0, 0, 1, 1, 1, -1, 1, 1]), 1, np.empty((2, 2)))


def _saddles():
    from .synaptic_sampling.wta import WTALearning
    from .synaptic_sampling.wta_task import cluster_task

    task = cluster_task(n_classes=2, n_inputs=4, n_train=2, n_test=2)
    for spiking in (True, False):
        WTALearning(task, spiking=spiking).run(2, runs=1, records=1)


def _plasticity():
    from .page_models.plasticity.session import PlasticitySession
    from .plasticity import NetworkMetaLoss, pca_task

    session = PlasticitySession(presentations=20, pairs=1)
    session.advance(1)
    session.inner_loop()
    NetworkMetaLoss(pca_task(n_presentations=4), n_outputs=2)(np.zeros((1, 54)))
    from .plasticity.spiking import InhibitoryMetaLoss, SpikingTask

    InhibitoryMetaLoss(SpikingTask(phase_s=2.5))(np.zeros((1, 4)))


def _biophysics():
    from .biophysics import MorrisLecarFit

    fit = MorrisLecarFit(duration_ms=5.0)
    fit.evaluate([[100.0]])
    fit([[100.0]])
    from .biophysics.robertson import explicit_rk4, solve_many

    solve_many([[7.0, 4.0]], times=[1e-3, 1.0], sensitivities=True)
    explicit_rk4([7.0, 4.0], dt=1e-3, max_steps=2)
    from .biophysics.network import MorrisLecarNetwork

    network = MorrisLecarNetwork(2)
    network(np.zeros((1, network.size)))
    network.gradient(np.zeros(network.size))


#: (label, function) in the order the progress bar shows them
TASKS: list[tuple[str, Callable[[], None]]] = [
    *[(f"sampler {name}", _sampler(name)) for name in METHODS],
    ("landscapes", _landscapes),
    ("Hopfield networks", _hopfield),
    ("dense memories", _dense_memory),
    ("state-dependent couplings", _couplings),
    ("optimal control", _control),
    ("synaptic sampling", _synaptic_sampling),
    ("noise and saddles", _saddles),
    ("plasticity rules", _plasticity),
    ("biophysical fits", _biophysics),
]


def run_task(index: int) -> float:
    """Run task ``index``; its seconds (a worker process calls this)."""
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        TASKS[index][1]()
    return time.perf_counter() - start


# -- the cache ------------------------------------------------------------------------------------
def cache_is_cold() -> bool:
    """True when the sampler kernels are not in numba's cache yet (a fresh install)."""
    from .kernels.hmc import hmc_kernel

    try:
        return not os.path.exists(hmc_kernel.stats.cache_path) or not any(
            name.startswith("hmc.hmc_kernel") and name.endswith(".nbi")
            for name in os.listdir(hmc_kernel.stats.cache_path))
    except OSError:
        return True


def _compile_in_processes(indices, workers, report):
    """Compile (and cache) in ``workers`` processes; this process then only loads the cache."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")  # a forked numba process is not safe
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(run_task, i): i for i in indices}
        for future in as_completed(futures):
            future.result()
            report(TASKS[futures[future]][0])


class _Bar:
    """A one-line progress bar on a terminal, one line per step elsewhere (logs)."""

    def __init__(self, total, stream, title):
        self.total, self.done, self.stream, self.title = total, 0, stream, title
        self.tty = stream is not None and hasattr(stream, "isatty") and stream.isatty()
        self.start = time.perf_counter()

    def __call__(self, label):
        self.done += 1
        if self.stream is None:
            return
        width = 30
        filled = int(width * self.done / self.total)
        line = (f"{self.title} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done}/{self.total} {label} ({time.perf_counter() - self.start:.0f} s)")
        if self.tty:
            self.stream.write("\r" + line.ljust(100) + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def warm_up(stream=sys.stderr, workers: int | None = None) -> dict:
    """Compile or load every kernel the pages use; returns {"seconds", "cold", "tasks"}.

    With a cold cache the compilation runs in ``workers`` processes (default: the number of
    CPUs), then this process loads the result; with a warm cache this process loads it directly.
    """
    start = time.perf_counter()
    cold = cache_is_cold()
    workers = os.cpu_count() or 1 if workers is None else workers
    indices = list(range(len(TASKS)))
    if cold and stream is not None:
        stream.write("landscape-app: compiling the numba kernels once (cached for later "
                     "starts)…\n")
        stream.flush()
    if cold and workers > 1:
        bar = _Bar(len(TASKS), stream, "compiling")
        _compile_in_processes(indices, workers, bar)
    bar = _Bar(len(TASKS), stream if cold and workers <= 1 else None, "compiling")
    times = {}
    for i in indices:
        times[TASKS[i][0]] = round(run_task(i), 3)
        bar(TASKS[i][0])
    return {"seconds": round(time.perf_counter() - start, 2), "cold": cold, "tasks": times}


if __name__ == "__main__":
    warm_up()
