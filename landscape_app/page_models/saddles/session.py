"""The /saddles page's model: a WTA classifier learning by synaptic sampling, three learners at
once (no noise, isotropic noise, weight-dependent noise), each over several runs from the
same starts; the loss's curvature at the symmetric start and the plane of its two most
negative directions with the learners' paths (seed 003; docs/saddles.md).

GUI-free: the view draws ``learning_curves()``, ``stimulus_spikes()``, ``spectrum()``,
``plane()``, ``summary()``; a notebook can drive it the same way.
"""

from __future__ import annotations

import numpy as np
import param

from ...synaptic_sampling import wta_theory as theory
from ...synaptic_sampling.wta import NOISE_MODES, RULES, STARTS, WTALearning
from ...synaptic_sampling.wta_task import cluster_task

#: what a user may set (the rest keeps the reference values of ``WTALearning``)
SETTINGS = ("temperature", "eta", "n_samples", "rule", "start", "n_inputs", "n_classes",
            "spread", "runs", "seed", "watch")
#: records kept of each learning curve (older ones are thinned out)
HISTORY = 2000
#: grid of the loss plane, per side
PLANE_GRID = 31


class SaddleSettings(param.Parameterized):
    """The page's settings: the task, the learners' shared numbers, how many runs."""

    temperature = param.Number(0.3, bounds=(0.0, 10.0), softbounds=(0.0, 2.0), step=0.05,
                               label="noise scale T",
                               doc="Synaptic noise: variance 2ηT D per presentation "
                                   "(D = 1 isotropic, N α e^{w} weight-dependent).")
    eta = param.Number(1e-4, bounds=(1e-6, 1e-2), step=1e-5, label="b (learning rate η)")
    n_samples = param.Number(100.0, bounds=(1.0, 10_000.0), label="N",
                             doc="The stimuli the likelihood counts (Eq. 2), and the weight "
                                 "noise's factor N α e^{w} (Eq. 3).")
    rule = param.Selector(default="corrected", objects=list(RULES),
                          doc="s_k in Eq. 2: spike count S_k as printed, or its share S_k/n_out.")
    start = param.Selector(default="random", objects=list(STARTS),
                           doc="θ ~ N(μ, σ²) per synapse, or every θ = μ (symmetric).")
    n_inputs = param.Integer(200, bounds=(10, 1000), label="inputs I")
    n_classes = param.Integer(4, bounds=(2, 10), label="outputs (classes) K")
    spread = param.Number(0.08, bounds=(0.0, 0.3), step=0.01, label="cluster spread")
    runs = param.Integer(5, bounds=(1, 20), label="runs per learner")
    seed = param.Integer(0, bounds=(0, 10**6))
    watch = param.Selector(default="weight-dependent", objects=list(NOISE_MODES),
                           label="spikes of", doc="Whose spikes the rasters show (its first run).")


class SaddleSession(param.Parameterized):
    """Every change of a setting (but ``watch``) starts all runs again."""

    def __init__(self, **settings):
        super().__init__()
        self.settings = SaddleSettings(**settings)
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(),
                                  [s for s in SETTINGS if s != "watch"])

    def reset(self) -> None:
        s = self.settings
        self.task = cluster_task(n_classes=s.n_classes, n_inputs=s.n_inputs, n_train=400,
                                 n_test=200, spread=s.spread, seed=s.seed)
        self.learner = WTALearning(self.task, temperature=s.temperature, eta=s.eta,
                                   n_samples=s.n_samples, rule=s.rule, start=s.start,
                                   seed=s.seed)
        self.learner.reset(runs=s.runs)
        self.steps: list[int] = []
        self.test = {m: [] for m in NOISE_MODES}
        self.train = {m: [] for m in NOISE_MODES}
        self.paths = {m: [] for m in NOISE_MODES}  # the first run's θ at each record
        self._curvature = None
        self._plane = None
        # one presentation: the kernel records the start (its test accuracy) with it
        self._record(self.learner.advance(1), first=True)

    @property
    def presented(self) -> int:
        return self.learner.presented

    def advance(self, n_steps: int) -> None:
        """Every run ``n_steps`` presentations on; a diverging run raises ``ValueError``."""
        # the start was tested as the last frame's end
        self._record(self.learner.advance(n_steps, records=1, test_start=False))

    def _record(self, curves, first=False) -> None:
        if first:
            self.steps.append(int(curves.steps[0]))
            for mode in NOISE_MODES:
                self.test[mode].append(curves.test[mode][:, 0])
                self.train[mode].append(np.full(self.settings.runs, np.nan))
                self.paths[mode].append(curves.theta[mode][0, 0])
        self.steps.append(int(curves.steps[-1]))
        for mode in NOISE_MODES:
            self.test[mode].append(curves.test[mode][:, -1])
            self.train[mode].append(curves.train[mode][:, -1])
            self.paths[mode].append(curves.theta[mode][0, -1])
        if len(self.steps) > HISTORY:  # keep every other old record
            keep = list(range(0, HISTORY // 2, 2)) + list(range(HISTORY // 2, len(self.steps)))
            self.steps = [self.steps[k] for k in keep]
            for store in (self.test, self.train, self.paths):
                for mode in NOISE_MODES:
                    store[mode] = [store[mode][k] for k in keep]

    # -- what the view draws ----------------------------------------------------------------
    def learning_curves(self, which: str = "test") -> dict[str, np.ndarray]:
        """Per learner (n, 4): presentations, min, mean, max over runs of the accuracy."""
        store = self.test if which == "test" else self.train
        out = {}
        for mode in NOISE_MODES:
            values = np.array(store[mode])
            with np.errstate(invalid="ignore"):
                out[mode] = np.column_stack([self.steps, values.min(1), values.mean(1),
                                             values.max(1)])
        return out

    def summary(self) -> dict[str, dict]:
        """Per learner: the last test accuracy's mean and spread (sd over runs), and the share
        classified right while learning since the last frame."""
        out = {}
        for mode in NOISE_MODES:
            last = np.asarray(self.test[mode][-1])
            train = np.asarray(self.train[mode][-1])
            out[mode] = {"test": float(last.mean()),
                         "sd": float(last.std(ddof=1)) if last.size > 1 else 0.0,
                         "train": float(np.nanmean(train)) if np.isfinite(train).any()
                         else float("nan")}
        out["chance"] = 1.0 / self.task.n_classes
        return out

    def stimulus_spikes(self, index: int | None = None, seed: int = 0) -> dict:
        """One test stimulus through the watched learner's first run: input spike times
        (counts ~ Poisson(λ), times uniform in the 200 ms window) and the WTA's output spikes
        (n_out of them, each output's share softmax(u)). ``inputs``/``outputs``: (n, 2) of
        (ms, neuron); ``label``, ``guess``."""
        rng = np.random.default_rng(seed + self.presented)
        task, learner = self.task, self.learner
        index = int(rng.integers(len(task.test_labels))) if index is None else index
        counts = rng.poisson(task.test_rates[index])
        inputs = np.column_stack([rng.uniform(0, 200, counts.sum()),
                                  np.repeat(np.arange(task.n_inputs), counts)])
        mode = self.settings.watch
        theta = self.paths[mode][-1]
        w = np.exp(theta - learner.theta0)
        a = np.minimum(learner.alpha * np.exp(w), learner.a_max)
        u = w @ counts - a.sum(1)
        p = np.exp(u - u.max())
        p /= p.sum()
        winners = rng.choice(task.n_classes, size=learner.output_spikes, p=p)
        outputs = np.column_stack([np.sort(rng.uniform(0, 200, winners.size)), winners])
        tally = np.bincount(winners, minlength=task.n_classes)
        return {"inputs": inputs, "outputs": outputs, "label": int(task.test_labels[index]),
                "guess": int(np.argmax(tally)), "point": task.test_points[index]}

    def curvature(self) -> theory.Curvature:
        """∇²f's spectrum at the symmetric start θ = μ (made when first asked for)."""
        if self._curvature is None:
            theta = np.full((self.task.n_classes, self.task.n_inputs), self.learner.mu)
            self._curvature = theory.curvature(theta, theory.LossParts.of(self.learner))
        return self._curvature

    def plane(self) -> dict:
        """f on the plane of the two most negative curvature directions at the symmetric
        start (extent: the farthest path point, at least 2), and each learner's first-run
        path projected on it: ``axis``, ``values`` (n, n), ``paths`` {mode: (n_rec, 2)}."""
        spectrum = self.curvature()
        directions = spectrum.plane()
        paths = {m: theory.project(np.array(self.paths[m]), spectrum.theta, directions)
                 for m in NOISE_MODES}
        reach = max([2.0] + [float(np.abs(p).max()) * 1.15 for p in paths.values()])
        if self._plane is None or self._plane[0] < reach:
            extent = float(np.ceil(reach))
            axis, _, values = theory.loss_plane(spectrum.theta, directions,
                                                theory.LossParts.of(self.learner),
                                                extent=extent, n=PLANE_GRID)
            self._plane = (extent, axis, values)
        _, axis, values = self._plane
        return {"axis": axis, "values": values, "paths": paths,
                "eigenvalues": spectrum.eigenvalues[:2]}
