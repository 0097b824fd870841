"""Meta-learned plasticity (seed 002, docs/plasticity.md): the inner-loop kernel against a
vectorised NumPy reference, an ES generation, and a population on 1 vs 2 Dask workers.

The NumPy reference steps every rule of the population at once (arrays of R × n) and does the
kernel's work per presentation: y = w·x, the 27 coefficients folded with 1, y, y² into nine
per rule, Δw = Σ_ac x^a w^c B_ac, and the divergence check. Ratio of rule-steps per second.
The Dask figures: one generation's population split into one slice per worker of a
LocalCluster of 1 and of 2 worker processes (seconds per generation, their ratio), and the
cost of one trivial sweep point (the overhead a point pays for running on the cluster).
"""

import time

import numpy as np

from landscape_app.plasticity import OJA, MetaLoss, evolve, pca_task
from landscape_app.sweeps import WORKER_ENVIRONMENT, DistributedLoss, disconnect, run_sweep


def numpy_reference(rules, inputs, w0, eta, limit):
    """Final weights (R, n) and divergence steps (R,) of every rule, with NumPy arrays."""
    A = rules.reshape(len(rules), 3, 3, 3)  # [x power, y power, w power]
    w = np.tile(w0, (len(rules), 1))
    alive = np.ones(len(rules), dtype=bool)
    at = np.full(len(rules), -1)
    for t, x in enumerate(inputs):
        y = w @ x
        B = eta * (A[:, :, 0, :] + A[:, :, 1, :] * y[:, None, None]
                   + A[:, :, 2, :] * (y * y)[:, None, None])  # (R, a, c)
        dw = np.zeros_like(w)
        xa = np.ones_like(x)
        for a in range(3):
            dw += xa * (B[:, a, 0, None] + w * (B[:, a, 1, None] + w * B[:, a, 2, None]))
            xa = xa * x
        new = w + dw
        bad = alive & ~np.all(np.abs(new) <= limit, axis=1)
        at[bad] = t + 1
        alive &= ~bad
        w = np.where(alive[:, None], new, w)
    return w, at


def _population(size, seed=0):
    rng = np.random.default_rng(seed)
    return OJA + 0.2 * rng.standard_normal((size, OJA.size))


def _best_of(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def kernel_vs_numpy(rules: int, steps: int, repeats: int) -> dict:
    from landscape_app.kernels.plasticity import plasticity_inner_kernel

    task = pca_task(n_presentations=steps, seed=1)
    population = np.ascontiguousarray(_population(rules))
    w = np.empty((rules, task.n_inputs))
    at = np.empty(rules, dtype=np.int64)
    plasticity_inner_kernel(population, task.inputs, task.w0, 0.1, 1e3, w, at)  # compile
    numba_s = _best_of(lambda: plasticity_inner_kernel(population, task.inputs, task.w0, 0.1,
                                                        1e3, w, at), repeats)
    numpy_s = _best_of(lambda: numpy_reference(population, task.inputs, task.w0, 0.1, 1e3),
                       max(1, repeats // 2))
    reference, reference_at = numpy_reference(population, task.inputs, task.w0, 0.1, 1e3)
    same = bool(np.allclose(w[at < 0], reference[reference_at < 0], rtol=1e-9, atol=1e-12)
                and np.array_equal(at, reference_at))
    return {"rules": rules, "steps": steps,
            "numba_rule_steps_per_s": rules * steps / numba_s,
            "numpy_rule_steps_per_s": rules * steps / numpy_s,
            "ratio": numpy_s / numba_s, "same_weights": same}


def es_generation(pairs: int = 32, steps: int = 200, generations: int = 20) -> dict:
    """Seconds per generation of the ES over all 27 coefficients (2·pairs + 1 rules)."""
    loss = MetaLoss(pca_task(n_presentations=steps, seed=1))
    evolve(loss, pairs=pairs, generations=1)  # compile
    start = time.perf_counter()
    evolve(loss, pairs=pairs, generations=generations)
    return {"rules": 2 * pairs + 1, "steps": steps,
            "s_per_generation": (time.perf_counter() - start) / (generations + 1)}


def _trivial(x):
    return x


def dask_population(rules: int, steps: int, generations: int) -> dict:
    """A population on LocalClusters of 1 and 2 worker processes (seconds per generation)."""
    from distributed import LocalCluster

    loss = MetaLoss([pca_task(n_presentations=steps, seed=s) for s in range(2)])
    population = _population(rules)
    serial = loss(population)
    figures = {"rules": rules, "steps": steps, "tasks_per_rule": 2}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, env=dict(WORKER_ENVIRONMENT)) as cluster:
            distributed = DistributedLoss(loss, scheduler=cluster.scheduler_address)
            assert np.array_equal(distributed(population), serial)  # and warms the workers
            start = time.perf_counter()
            for _ in range(generations):
                distributed(population)
            figures[f"s_per_generation_{workers}_workers"] = \
                (time.perf_counter() - start) / generations
            if workers == 2:
                points = 200
                run_sweep(_trivial, range(points), scheduler=cluster.scheduler_address)
                start = time.perf_counter()
                run_sweep(_trivial, range(points), scheduler=cluster.scheduler_address)
                figures["overhead_ms_per_point"] = 1e3 * (time.perf_counter() - start) / points
            disconnect(cluster.scheduler_address)
    start = time.perf_counter()  # the kernel's own prange threads, one per core
    for _ in range(generations):
        loss(population)
    figures["s_per_generation_in_process"] = (time.perf_counter() - start) / generations
    figures["speedup_2_over_1_workers"] = (figures["s_per_generation_1_workers"]
                                           / figures["s_per_generation_2_workers"])
    return figures


def spiking_numpy_reference(rules, task, seed=0):
    """The spiking level's simulation (``kernels.inhibitory_plasticity``) vectorised over the
    rules with NumPy: every rule's neuron, traces and 50 weights as (R,) and (R, 50) arrays,
    one step at a time; returns the output spikes of each rule. Its inputs are NumPy's own
    draws (the same statistics, not the same spikes), shared by the rules as in the kernel."""
    rng = np.random.default_rng(seed)
    r, n = rules.shape[0], task.n_inh
    a_pre, b_pre, a_post, b_post = (task.eta * rules[:, k:k + 1] for k in range(4))
    w = np.full((r, n), task.w_start)
    x_pre = np.zeros((r, n))
    v = np.full(r, task.v_rest)
    g_exc, g_inh, x_post = np.zeros(r), np.zeros(r), np.zeros(r)
    silent = np.zeros(r, int)
    spikes = np.zeros(r)
    decay_e, decay_i = np.exp(-task.dt / task.tau_exc), np.exp(-task.dt / task.tau_inh)
    decay_x = np.exp(-task.dt / task.tau_stdp)
    refractory = int(round(task.refractory / task.dt))
    for level in task.levels:
        for _ in range(task.phase_steps):
            g_exc += task.w_exc * rng.poisson(task.n_exc * level * task.dt)
            pre = rng.random(n) < task.rate_inh * task.dt
            g_inh += w[:, pre].sum(axis=1)
            w[:, pre] = np.clip(w[:, pre] + a_pre + b_pre * x_post[:, None], 0.0, task.w_max)
            x_pre[:, pre] += 1.0
            leak = 1.0 + g_exc + g_inh
            v_inf = (task.v_rest + g_exc * task.e_exc + g_inh * task.e_inh) / leak
            active = silent == 0
            v = np.where(active, v_inf + (v - v_inf) * np.exp(-task.dt * leak / task.tau_m), v)
            silent = np.where(active, 0, silent - 1)
            fired = active & (v >= task.v_threshold)
            v[fired] = task.v_reset
            silent[fired] = refractory
            spikes += fired
            w = np.where(fired[:, None],
                         np.clip(w + a_post + b_post * x_pre, 0.0, task.w_max), w)
            x_post += fired
            g_exc *= decay_e
            g_inh *= decay_i
            x_post *= decay_x
            x_pre *= decay_x
    return spikes


def spiking_kernel_vs_numpy(rules: int = 64, phase_s: float = 2.5, repeats: int = 3) -> dict:
    """Rule-steps per second of the spiking level's kernel and of the NumPy reference, on
    ``rules`` Vogels-like rules through three phases of ``phase_s``; and the mean rate both
    give Vogels' rule (the same model: equal to the Poisson error)."""
    from landscape_app.plasticity.spiking import InhibitoryMetaLoss, SpikingTask, vogels_rule

    task = SpikingTask(phase_s=phase_s)
    population = vogels_rule() * (1.0 + 0.2 * np.random.default_rng(1).standard_normal(
        (rules, 4)))
    loss = InhibitoryMetaLoss(task)
    loss.traces(population[:2])  # compile
    numba_s = _best_of(lambda: loss.traces(population), repeats)
    start = time.perf_counter()
    reference = spiking_numpy_reference(population, task)
    numpy_s = time.perf_counter() - start
    steps = rules * len(task.levels) * task.phase_steps
    ours = loss.traces(population)["rate"].mean(axis=1)
    seconds = len(task.levels) * task.phase_s
    return {"rules": rules, "simulated_s": seconds, "numba_s": numba_s, "numpy_s": numpy_s,
            "numba_rule_steps_per_s": steps / numba_s,
            "numpy_rule_steps_per_s": steps / numpy_s, "ratio": numpy_s / numba_s,
            "mean_rate_numba_hz": float(ours.mean()),
            "mean_rate_numpy_hz": float(reference.mean() / seconds)}


def run_plasticity_benchmarks(quick: bool = False) -> dict:
    return {
        "kernel": [kernel_vs_numpy(64, 200, 5 if quick else 20),
                   kernel_vs_numpy(1024, 2000, 1 if quick else 3)],
        "spiking": spiking_kernel_vs_numpy(64, 2.5 if quick else 8.0),
        "es_generation": es_generation(generations=5 if quick else 20),
        "dask": dask_population(4096 if quick else 16384, 1000, 2 if quick else 5),
    }


def plasticity_table(results) -> str:
    lines = [f"{'plasticity inner loop':24s} {'rules':>6s} {'steps':>6s} "
             f"{'numba rule-steps/s':>19s} {'NumPy rule-steps/s':>19s} {'ratio':>7s}"]
    for r in results["kernel"]:
        lines.append(f"{'':24s} {r['rules']:6d} {r['steps']:6d} "
                     f"{r['numba_rule_steps_per_s']:19.3g} {r['numpy_rule_steps_per_s']:19.3g} "
                     f"{r['ratio']:6.0f}×")
    spiking = results["spiking"]
    lines.append(f"spiking level, {spiking['rules']} rules × {spiking['simulated_s']:g} s: "
                 f"{spiking['numba_rule_steps_per_s']:.3g} rule-steps/s, NumPy "
                 f"{spiking['numpy_rule_steps_per_s']:.3g}: {spiking['ratio']:.0f}× "
                 f"(mean rate {spiking['mean_rate_numba_hz']:.1f} vs "
                 f"{spiking['mean_rate_numpy_hz']:.1f} Hz)")
    es, dask = results["es_generation"], results["dask"]
    lines.append(f"ES generation, {es['rules']} rules × {es['steps']} steps: "
                 f"{1e3 * es['s_per_generation']:.1f} ms")
    lines.append(f"Dask population {dask['rules']} rules × {dask['steps']} steps × 2 tasks: "
                 f"{dask['s_per_generation_1_workers']:.2f} s on 1 worker, "
                 f"{dask['s_per_generation_2_workers']:.2f} s on 2 "
                 f"({dask['speedup_2_over_1_workers']:.2f}×), "
                 f"{dask['s_per_generation_in_process']:.2f} s in process; "
                 f"{dask['overhead_ms_per_point']:.1f} ms per sweep point")
    return "\n".join(lines)
