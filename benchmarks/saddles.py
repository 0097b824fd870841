"""Noise and saddles (seed 003): the WTA kernel against a vectorised NumPy reference of the same
model, and the paper's experiment at its size (docs/saddles.md).

The reference steps every run at once with NumPy arrays (runs × K × I) and does the kernel's
work per presentation: the stimulus, Poisson input counts, potentials, softmax, the
multinomial output spikes and the prediction, Eq. 2's update with its noise and clip, w and
α e^{w}. It presents fewer stimuli (its rate does not depend on how many); the ratio is of
synapse-updates per second. The two are the same model: the accuracy they reach after the
same presentations agrees to the Monte-Carlo error.

The experiment: 1,000 inputs, 10 outputs, 43,200 presentations, 10 runs of each noise mode
from the same random starts (the reference values of ``WTALearning``), test accuracy on 500
held-out stimuli: mean and spread per mode, and the time it took.
"""

import time

import numpy as np

from landscape_app.synaptic_sampling.wta import NOISE_MODES, WTALearning
from landscape_app.synaptic_sampling.wta_task import cluster_task


def numpy_reference(model: WTALearning, n_steps: int, runs: int, mode: str,
                    seed: int = 0) -> np.ndarray:
    """``runs`` runs of ``mode`` for ``n_steps`` presentations; returns the final θ."""
    rng = np.random.default_rng(seed)
    task = model.task
    theta = model.starts(runs)
    w = np.exp(theta - model.theta0)
    a = np.minimum(model.alpha * np.exp(w), model.a_max)
    spread = np.sqrt(2.0 * model.eta * model.temperature)
    rows = np.arange(runs)
    right = np.zeros(runs)
    for _ in range(n_steps):
        n = rng.integers(task.rates.shape[0], size=runs)
        lam = task.rates[n]
        x = rng.poisson(lam).astype(float) if model.spiking else lam
        u = np.einsum("rki,ri->rk", w, x) - a.sum(axis=2)
        p = np.exp(u - u.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        counts = rng.multinomial(model.output_spikes, p).astype(float)
        guess = np.argmax(counts + rng.random(counts.shape) * 0.5, axis=1)  # random ties
        right += guess == task.labels[n]
        s = counts / model.output_spikes if model.rule == "corrected" else counts
        err = -s
        err[rows, task.labels[n]] += 1.0
        theta = theta + model.eta * ((model.mu - theta) / model.sigma**2
                                     + model.n_samples * w * (x[:, None, :] - a)
                                     * err[:, :, None])
        if mode == "isotropic":
            theta += spread * rng.standard_normal(theta.shape)
        elif mode == "weight-dependent":
            theta += spread * np.sqrt(model.n_samples * a) * rng.standard_normal(theta.shape)
        np.clip(theta, model.theta_min, model.theta_max, out=theta)
        w = np.exp(theta - model.theta0)
        a = np.minimum(model.alpha * np.exp(w), model.a_max)
    return theta


def _accuracy(model: WTALearning, theta: np.ndarray) -> np.ndarray:
    """Test accuracy of each run's θ with spikes at their means (argmax of u)."""
    task = model.task
    w = np.exp(theta - model.theta0)
    a = np.minimum(model.alpha * np.exp(w), model.a_max)
    u = np.einsum("rki,ni->rnk", w, task.test_rates) - a.sum(axis=2)[:, None, :]
    return (u.argmax(axis=2) == task.test_labels[None, :]).mean(axis=1)


def run_saddle_benchmarks(quick=False) -> dict:
    """The kernel's rate against NumPy's, and the paper-sized experiment."""
    task = cluster_task(n_classes=10, n_inputs=1000, n_train=2000, n_test=500, seed=0)
    model = WTALearning(task)
    model.run(10, runs=1, records=1)  # compile
    runs, steps, numpy_steps = (4, 2_000, 100) if quick else (10, 43_200, 300)
    rate_steps = 10 * numpy_steps
    synapses = task.n_classes * task.n_inputs
    # the rate: learning alone, as the reference does (a task with a 2-stimulus test set,
    # tested at the start and the end only)
    bare = WTALearning(cluster_task(n_classes=10, n_inputs=1000, n_train=2000, n_test=2,
                                    seed=0))
    bare.run(10, runs=1, records=1)
    start = time.perf_counter()
    for mode in NOISE_MODES:
        bare.run(rate_steps, modes=(mode,), runs=runs, records=1)
    ours_rate = rate_steps * runs * len(NOISE_MODES) * synapses / (time.perf_counter() - start)
    # the experiment, tested on 500 stimuli 24 times; one mode per call: the three together
    # exceed one call's budget (limits.check_steps)
    start = time.perf_counter()
    curves = {mode: model.run(steps, modes=(mode,), runs=runs, records=24)
              for mode in NOISE_MODES}
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    finals = {mode: numpy_reference(model, numpy_steps, runs, mode, seed=j)
              for j, mode in enumerate(NOISE_MODES)}
    numpy_s = time.perf_counter() - start
    numpy_rate = numpy_steps * runs * len(NOISE_MODES) * synapses / numpy_s
    # the same model: the accuracy of both after the reference's presentations
    short = model.run(numpy_steps, runs=runs, records=1)
    same_model = {mode: {"numba": float(_accuracy(model, short.theta[mode][:, -1]).mean()),
                         "numpy": float(_accuracy(model, finals[mode]).mean())}
                  for mode in NOISE_MODES}
    experiment = {}
    for mode, run in curves.items():
        final = run.final(mode)
        experiment[mode] = {"test_mean": float(final.mean()),
                            "test_sd": float(final.std(ddof=1)) if runs > 1 else 0.0,
                            "train_mean": float(run.final(mode, "train").mean()),
                            "curve": run.test[mode].mean(axis=0).round(4).tolist()}
    findings = measure_findings(runs=4, steps=2000) if quick else measure_findings()
    return {"inputs": task.n_inputs, "outputs": task.n_classes, "presentations": steps,
            "runs_per_mode": runs, "steps": curves["none"].steps.tolist(), "numba_s": ours_s,
            "numba_synapse_updates_per_s": ours_rate,
            "numpy_synapse_updates_per_s": numpy_rate, "ratio": ours_rate / numpy_rate,
            "same_model_accuracy": same_model, "experiment": experiment,
            "findings": findings}


def saddle_table(results) -> str:
    lines = [f"WTA kernel: {results['numba_synapse_updates_per_s']:.3g} synapse-updates/s, "
             f"NumPy {results['numpy_synapse_updates_per_s']:.3g}: {results['ratio']:.1f}×",
             f"{results['runs_per_mode']} runs × 3 modes × {results['presentations']:,} "
             f"presentations ({results['inputs']} inputs, {results['outputs']} outputs): "
             f"{results['numba_s']:.1f} s"]
    for mode, row in results["experiment"].items():
        lines.append(f"  {mode:17s} test {row['test_mean']:.3f} ± {row['test_sd']:.3f}  "
                     f"train {row['train_mean']:.3f}")
    return "\n".join(lines)


def measure_findings(runs: int = 10, steps: int = 8000) -> dict:
    """The numbers docs/saddles.md quotes, at the page's size (4 clusters, 200 inputs, 400
    training and 200 test stimuli, seed 0): the curvature at the symmetric start, and the
    final test accuracy (mean, sd over ``runs``) of each learner for several settings."""
    from landscape_app.synaptic_sampling import wta_theory as theory

    task = cluster_task(seed=0)
    model = WTALearning(task)
    spectrum = theory.curvature(np.full((task.n_classes, task.n_inputs), model.mu),
                                theory.LossParts.of(model))
    out = {"curvature": {"synapses": int(spectrum.eigenvalues.size),
                         "negative": spectrum.n_negative,
                         "lowest": spectrum.eigenvalues[:3].round(3).tolist(),
                         "gradient_norm": spectrum.gradient_norm}}
    cases = {f"random start, T = {t}": {"temperature": t} for t in (0.1, 0.3, 1.0, 3.0)}
    cases["symmetric start, T = 0.3"] = {"temperature": 0.3, "start": "symmetric"}
    cases["symmetric start, no spike noise, T = 0.3"] = {"temperature": 0.3,
                                                         "start": "symmetric",
                                                         "spiking": False}
    cases["printed rule, T = 0.3"] = {"temperature": 0.3, "rule": "printed"}
    rows = {}
    for name, settings in cases.items():
        curves = WTALearning(task, **settings).run(steps, runs=runs, records=8)
        rows[name] = {mode: [round(float(curves.final(mode).mean()), 4),
                             round(float(curves.final(mode).std(ddof=1)), 4)]
                      for mode in NOISE_MODES}
        rows[name]["after 1,000"] = {mode: round(float(curves.test[mode][:, 1].mean()), 4)
                                     for mode in NOISE_MODES}
    out["accuracy"] = rows
    out["escape"] = theory.escape_times((3e-2, 1e-2, 3e-3, 1e-3, 3e-4), radius=0.1,
                                        n_chains=2000)
    return out
