"""Stiff and biophysical dynamics (seed 004; docs/stiff.md): the Morris–Lecar kernels against a
NumPy reference of the same RK4 vectorised over the runs, one 1 s simulation, the 100 × 100
loss landscape over (I_app, g_Ca), and Robertson's implicit solve."""

import time

import numpy as np

from landscape_app.biophysics import MorrisLecarFit
from landscape_app.biophysics.landscape import loss_landscape
from landscape_app.biophysics.morris_lecar import V_START, w_infinity
from landscape_app.kernels import morris_lecar as kernel

from .plasticity import _best_of


def numpy_reference(parameters, fit) -> np.ndarray:
    """The loss of every parameter set (R, 13): RK4 at ``fit.dt`` over (R,) arrays."""
    p = parameters.T
    v = np.full(parameters.shape[0], V_START)
    w = np.full(parameters.shape[0], w_infinity(V_START))
    total = np.zeros(parameters.shape[0])

    def f(v, w):
        m = 0.5 * (1 + np.tanh((v - p[kernel.V1]) / p[kernel.V2]))
        w_inf = 0.5 * (1 + np.tanh((v - p[kernel.V3]) / p[kernel.V4]))
        lam = np.cosh((v - p[kernel.V3]) / (2 * p[kernel.V4]))
        dv = (p[kernel.I_APP] - p[kernel.G_L] * (v - p[kernel.V_L])
              - p[kernel.G_CA] * m * (v - p[kernel.V_CA])
              - p[kernel.G_K] * w * (v - p[kernel.V_K])) / p[kernel.CAPACITANCE]
        return dv, p[kernel.PHI] * (w_inf - w) * lam

    dt = fit.dt
    sample = 0
    for step in range(fit.n_steps):
        a = f(v, w)
        b = f(v + 0.5 * dt * a[0], w + 0.5 * dt * a[1])
        c = f(v + 0.5 * dt * b[0], w + 0.5 * dt * b[1])
        d = f(v + dt * c[0], w + dt * c[1])
        v = v + dt / 6 * (a[0] + 2 * b[0] + 2 * c[0] + d[0])
        w = w + dt / 6 * (a[1] + 2 * b[1] + 2 * c[1] + d[1])
        if (step + 1) % fit.sample_every == 0 and sample < fit.n_samples:
            total += (v - fit.target[sample]) ** 2
            sample += 1
    return total / fit.n_samples


def _best(function, repeats=3):
    return _best_of(function, repeats)


def run_stiff_benchmarks(quick: bool = False) -> dict:
    from landscape_app.biophysics.robertson import RobertsonFit

    fit = MorrisLecarFit(("I_app", "g_Ca"), (110.0, 4.4), duration_ms=1000.0)
    runs = 256
    values = np.column_stack([np.linspace(90, 130, runs), np.full(runs, 4.4)])
    fit(values[:2])
    fit.evaluate(values[:2])
    loss_s = _best(lambda: fit(values))
    sensitivity_s = _best(lambda: fit.evaluate(values))
    short = MorrisLecarFit(("I_app", "g_Ca"), (110.0, 4.4),
                           duration_ms=100.0 if quick else 250.0)
    numpy_runs = values[:64]
    ours_short = _best(lambda: short(numpy_runs))
    start = time.perf_counter()
    reference = numpy_reference(short.parameters(numpy_runs), short)
    numpy_s = time.perf_counter() - start
    same = float(np.max(np.abs(reference - short(numpy_runs)) / np.maximum(reference, 1e-9)))
    one = _best(lambda: fit(values[:1]), 5)
    side = 30 if quick else 100
    grid = np.array(np.meshgrid(np.linspace(90, 130, side), np.linspace(3.4, 5.4, side))
                    ).reshape(2, -1).T
    start = time.perf_counter()
    fit(grid)
    landscape_s = time.perf_counter() - start
    # the same landscape in row blocks through the sweep layer: in-process, and on the
    # LocalCluster (started and warmed first: its start-up is not the landscape's time)
    x, y = np.linspace(90, 130, side), np.linspace(3.4, 5.4, side)
    sweep_s = {}
    for scheduler in ("serial", "local"):
        loss_landscape(fit, x[:2], y[:2], scheduler=scheduler)
        start = time.perf_counter()
        loss_landscape(fit, x, y, scheduler=scheduler)
        sweep_s[scheduler] = time.perf_counter() - start
    plane = plane_race_counts(starts=2 if quick else 4, seeds=2 if quick else 5)
    neuron_race = neuron_race_counts(1000.0 if quick else 4000.0, 4 if quick else 20)
    network = network_training(50 if quick else 300)
    network_gradient = network_gradient_descent(10 if quick else 60, 1 if quick else 2)
    robertson = RobertsonFit(method="BDF")
    theta = np.array([[7.3, 4.1]])
    solve_s = _best(lambda: robertson(theta))
    sensitivity_solve_s = _best(lambda: robertson.evaluate(theta))
    # the numba Rosenbrock kernel: one solve, and 256 rate pairs at once (both threads)
    ros = RobertsonFit()
    ros(theta)
    ros_solve_s = _best(lambda: ros(theta), 5)
    ros_sensitivity_s = _best(lambda: ros.evaluate(theta), 5)
    pairs = np.column_stack([np.linspace(6.5, 8.5, 256), np.linspace(3.0, 5.0, 256)])
    ros_many_s = _best(lambda: ros(pairs))
    steps = fit.n_steps
    return {"ml_steps_per_run": steps,
            "ml_loss_run_steps_per_s": runs * steps / loss_s,
            "ml_sensitivity_run_steps_per_s": runs * steps / sensitivity_s,
            "ml_one_simulation_1s_ms": 1e3 * one,
            "numpy_ratio": numpy_s / ours_short, "numpy_same_loss_rel": same,
            "numpy_runs": len(numpy_runs), "numpy_trace_ms": short.duration_ms,
            f"ml_landscape_{side}x{side}_1s_s": landscape_s, "landscape_side": side,
            "landscape_sweep_serial_s": sweep_s["serial"],
            "landscape_sweep_local_s": sweep_s["local"], "plane_race": plane,
            "neuron_race": neuron_race, "network": network,
            "network_gradient": network_gradient,
            "robertson_solve_ms": 1e3 * solve_s,
            "robertson_solve_with_sensitivities_ms": 1e3 * sensitivity_solve_s,
            "robertson_ros2_solve_ms": 1e3 * ros_solve_s,
            "robertson_ros2_with_sensitivities_ms": 1e3 * ros_sensitivity_s,
            "robertson_ros2_solves_per_s": len(pairs) / ros_many_s,
            "robertson_ros2_vs_bdf": sensitivity_solve_s / ros_sensitivity_s}


def plane_race_counts(starts: int = 4, seeds: int = 5, steps: int = 100) -> dict:
    """How often each method of the /stiff plane race ends within 0.5 (scaled units) of the
    truth: ``starts`` starts × ``seeds`` seeds, the page's other defaults."""
    from landscape_app.page_models.stiff.plane import METHODS, PlaneRace

    points = [(100.0, 4.9), (120.0, 3.9), (95.0, 4.0), (125.0, 4.8)][:starts]
    race = PlaneRace()
    reached = dict.fromkeys(METHODS, 0)
    for seed in range(seeds):
        for current, g_ca in points:
            race.settings.param.update(seed=seed, start_current=current, start_g_ca=g_ca)
            race.advance(steps)
            for m in METHODS:
                reached[m] += race.summary()[m]["error"] < 0.5
    return {"runs": starts * seeds, "steps": steps, "starts": points, "reached": reached}


def network_training(generations: int = 300, seeds: int = 5) -> dict:
    """The ES on the pulse-counting network (8 neurons, P = 16, σ = 0.2, rate 0.05), every
    seed's mean loss per generation; all seeds scored in one simulation call a generation."""
    from landscape_app.biophysics.network import ONE_BIT_LOSS, MorrisLecarNetwork
    from landscape_app.plasticity.search import EvolutionStrategy

    net = MorrisLecarNetwork(8)
    searches = [EvolutionStrategy(None, 0.1 * np.random.default_rng(seed).standard_normal(
        net.size), 0.2, 16, 0.05, seed, block=net.size) for seed in range(seeds)]
    size = 2 * 16 + 1
    start = time.perf_counter()
    curve = []
    for g in range(generations + 1):
        losses = net(np.vstack([e.ask() for e in searches]))
        losses = np.where(np.isfinite(losses), losses, np.inf)
        for k, e in enumerate(searches):
            e.tell(losses[k * size:(k + 1) * size])
        curve.append(losses[::size].tolist())
        if g < generations:
            for e in searches:
                e.update()
    seconds = time.perf_counter() - start
    final = np.array(curve[-1])
    return {"generations": generations, "seeds": seeds, "seconds": seconds,
            "networks_per_s": (generations + 1) * seeds * size / seconds,
            "final": final.tolist(), "one_bit_loss": ONE_BIT_LOSS,
            "below_one_bit": int(np.sum(final < ONE_BIT_LOSS)),
            "below_0_025": int(np.sum(final < 0.025)),
            "curve_every_50": curve[::50]}


def neuron_race_counts(duration_ms: float = 4000.0, n_starts: int = 20) -> dict:
    """The reference's 1-D race on I_app: ``n_starts`` starts uniform on [85, 135] (seed 0),
    Adam on the exact gradient (100 steps, rate 0.5) and the ES (3 pairs, 80 generations, rate
    0.5) at σ = 3 and 6, I clipped to [60, 160]; how many end within 0.5 and within 2 of I*,
    and how many at rest (I < 88, below the Hopf point)."""
    from landscape_app.biophysics.fitting import evolution_strategy, gradient_descent

    fit = MorrisLecarFit(duration_ms=duration_ms)
    starts = np.random.default_rng(0).uniform(85, 135, (n_starts, 1))
    bounds = np.array([[60.0, 160.0]])
    finals = {"adam": gradient_descent(fit, starts, steps=100, learning_rate=0.5,
                                       bounds=bounds).final()[:, 0]}
    for sigma in (3.0, 6.0):
        finals[f"es_sigma_{sigma:.0f}"] = evolution_strategy(
            fit, starts, sigma=sigma, pairs=3, generations=80, learning_rate=0.5,
            bounds=bounds).final()[:, 0]
    return {"duration_ms": duration_ms, "starts": n_starts, **{
        name: {"within_0_5": int(np.sum(np.abs(f - 110.0) < 0.5)),
               "within_2": int(np.sum(np.abs(f - 110.0) < 2.0)),
               "at_rest": int(np.sum(f < 88.0)), "final": np.round(f, 2).tolist()}
        for name, f in finals.items()}}


def network_gradient_descent(steps: int = 60, seeds: int = 2, rate: float = 0.05) -> dict:
    """Adam on the exact gradient through the network (forward sensitivities) from the page's
    seeded starts, the ES's own rate: the loss per step, |∇L|, and central differences along
    ∇L at h = 1e-4 on the 700 ms task (does the gradient describe the loss?)."""
    from landscape_app.biophysics.fitting import Adam
    from landscape_app.biophysics.network import MorrisLecarNetwork, PulseTask

    net = MorrisLecarNetwork(8)
    runs = []
    start = time.perf_counter()
    for seed in range(seeds):
        theta = 0.1 * np.random.default_rng(np.random.SeedSequence([seed, 0x4E7])) \
            .standard_normal(net.size)
        adam, losses, norms = Adam(net.size, rate), [], []
        for _ in range(steps + 1):
            result = net.gradient(theta)
            losses.append(result["loss"])
            norms.append(float(np.linalg.norm(result["gradient"])))
            theta = theta + adam.step(result["gradient"])
        runs.append({"seed": seed, "loss_every_10": losses[::10], "norm_every_10": norms[::10],
                     "first": losses[0], "lowest": min(losses), "final": losses[-1]})
    seconds = time.perf_counter() - start
    # two starts θ ~ N(0, 0.1²): the page's seed 1, and another draw whose network spikes
    # more (its sensitivities grow ~100× faster)
    starts = {"page_seed_1": np.random.SeedSequence([1, 0x4E7]), "default_rng_1": 1}
    growth = {}
    for label, seed in starts.items():
        theta = 0.1 * np.random.default_rng(seed).standard_normal(net.size)
        growth[label] = {}
        for trial_ms in (500.0, 700.0, 1000.0, 1500.0, 2500.0):
            longer = MorrisLecarNetwork(8, PulseTask(trial_ms=trial_ms))
            result = longer.gradient(theta)
            norm = float(np.linalg.norm(result["gradient"]))
            d = result["gradient"] / norm
            h = 1e-4
            central = float(np.diff(longer(np.vstack([theta - h * d, theta + h * d])))[0]
                            / (2 * h))
            growth[label][f"{trial_ms:.0f}"] = {
                "norm": norm, "central_along": central,
                "max_sensitivity": float(np.max(result["sensitivity"]))}
    return {"steps": steps, "seeds": seeds, "rate": rate, "runs": runs,
            "seconds_per_gradient": seconds / max(seeds * (steps + 1), 1),
            "by_trial_length": growth}


def stiff_table(r) -> str:
    side = r["landscape_side"]
    return "\n".join([
        f"Morris–Lecar, 1 s traces ({r['ml_steps_per_run']} RK4 steps): "
        f"{r['ml_loss_run_steps_per_s']:.3g} run-steps/s (loss), "
        f"{r['ml_sensitivity_run_steps_per_s']:.3g} with sensitivities; one simulation "
        f"{r['ml_one_simulation_1s_ms']:.2f} ms; {r['numpy_ratio']:.0f}× a NumPy reference "
        f"(same loss to {r['numpy_same_loss_rel']:.0e})",
        f"  landscape {side} × {side}: {r[f'ml_landscape_{side}x{side}_1s_s']:.2f} s; "
        f"through the sweep layer {r['landscape_sweep_serial_s']:.2f} s in-process, "
        f"{r['landscape_sweep_local_s']:.2f} s on the LocalCluster",
        "  plane race (I_app, g_Ca), 100 steps: reached the truth "
        + ", ".join(f"{m} {n}/{r['plane_race']['runs']}"
                    for m, n in r["plane_race"]["reached"].items()),
        f"  1-D race on {r['neuron_race']['duration_ms'] / 1e3:.0f} s traces, "
        f"{r['neuron_race']['starts']} starts: within 0.5 (within 2; at rest) of I* — "
        + ", ".join(f"{m} {r['neuron_race'][m]['within_0_5']} ({r['neuron_race'][m]['within_2']}"
                    f"; {r['neuron_race'][m]['at_rest']})"
                    for m in ("adam", "es_sigma_3", "es_sigma_6")),
        f"Robertson (scipy BDF): {r['robertson_solve_ms']:.0f} ms a solve, "
        f"{r['robertson_solve_with_sensitivities_ms']:.0f} ms with sensitivities; ROS2 (numba) "
        f"{r['robertson_ros2_solve_ms']:.2f} ms, {r['robertson_ros2_with_sensitivities_ms']:.2f} "
        f"ms with sensitivities ({r['robertson_ros2_vs_bdf']:.0f}× BDF), "
        f"{r['robertson_ros2_solves_per_s']:.0f} solves/s over 256 rate pairs",
        f"Network (8 Morris–Lecar neurons, pulse counting): {r['network']['seeds']} ES seeds × "
        f"{r['network']['generations']} generations in {r['network']['seconds']:.0f} s "
        f"({r['network']['networks_per_s']:.0f} networks/s, 4 trials each); final loss "
        + " / ".join(f"{v:.3f}" for v in r["network"]["final"])
        + f"; below one bit (1/18): {r['network']['below_one_bit']}, below 0.025: "
        f"{r['network']['below_0_025']}",
        f"  Adam on the exact network gradient ({r['network_gradient']['steps']} steps, rate "
        f"{r['network_gradient']['rate']}): loss "
        + ", ".join(f"{run['first']:.3f} → {run['final']:.3f}"
                    for run in r["network_gradient"]["runs"])
        + f"; {r['network_gradient']['seconds_per_gradient']:.1f} s a gradient"])
