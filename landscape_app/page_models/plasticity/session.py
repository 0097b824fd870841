"""The /plasticity page's model: an evolution strategy and CMA-ES searching the coefficients
of a plasticity rule Δw = η Σ A_abc x^a y^b w^c so that a linear neuron finds the first
principal component of its inputs (seed 002; docs/plasticity.md).

Each generation both searches score a population of rules with the same meta-loss on the same
task. GUI-free: the view draws ``landscape()``, ``populations()``, ``loss_curves()``,
``coefficients()``, ``inner_loop()`` and ``summary()``; a notebook can drive it the same way.
"""

from __future__ import annotations

import numpy as np
import param

from ...plasticity import HEBB, OJA, TERMS, CMAStrategy, EvolutionStrategy, MetaLoss, pca_task
from ...plasticity.trajectory import weight_path

SPACES = ("two terms", "all 27 terms")
STARTS = ("zero", "Hebb", "random")
#: what a user may set (all of it is in the URL)
SETTINGS = ("space", "x_term", "y_term", "start", "pairs", "sigma", "learning_rate",
            "presentations", "tasks", "eta", "l1", "seed")
#: grid of the loss landscape, per side
GRID = 41
#: held-out tasks (new rotations Q) the found rule is also scored on
HELD_OUT = 3


class PlasticitySettings(param.Parameterized):
    """What is searched, from where, and the inner task."""

    space = param.Selector(default="two terms", objects=list(SPACES),
                           label="searched coefficients",
                           doc="The two landscape terms only (the rest 0), or all 27.")
    x_term = param.Selector(default="xy", objects=list(TERMS), label="landscape x",
                            doc="The coefficient along the landscape's x axis.")
    y_term = param.Selector(default="y²w", objects=list(TERMS), label="landscape y",
                            doc="The coefficient along the landscape's y axis.")
    start = param.Selector(default="zero", objects=list(STARTS),
                           doc="The searches' first rule: all zero, Hebb (xy = 1), or "
                               "random (0.1 N(0, 1) per coefficient).")
    pairs = param.Integer(16, bounds=(1, 256), label="ES pairs P",
                          doc="The ES scores its mean and 2P mirrored perturbations; "
                              "CMA-ES a population of 2P.")
    sigma = param.Number(0.1, bounds=(0.01, 1.0), step=0.01, label="σ (ES spread)")
    learning_rate = param.Number(0.03, bounds=(0.001, 0.3), step=0.001,
                                 label="ES learning rate (Adam)")
    presentations = param.Integer(200, bounds=(20, 2000), label="presentations T")
    tasks = param.Integer(1, bounds=(1, 8), label="training tasks",
                          doc="Rotations Q the meta-loss averages over: with one, a rule of "
                              "all 27 terms can fit that task alone.")
    eta = param.Number(0.1, bounds=(0.005, 0.5), step=0.005, label="η (inner learning rate)")
    l1 = param.Number(2e-3, bounds=(0.0, 0.05), step=1e-3, label="L1 weight λ")
    seed = param.Integer(0, bounds=(0, 10**6))


class GenerationSession(param.Parameterized):
    """A search stepped one generation at a time: subclasses give ``_generation()`` and keep
    ``generations``, the generation of each recorded step."""

    generations: list[int]

    @property
    def generation(self) -> int:
        return self.generations[-1] if self.generations else 0

    def advance(self, n_steps: int) -> None:
        """``n_steps`` generations of the search."""
        for _ in range(int(n_steps)):
            self._generation()


class PlasticitySession(GenerationSession):
    """Every change of a setting starts both searches again."""

    def __init__(self, **settings):
        super().__init__()
        self.settings = PlasticitySettings(**settings)
        self.settings.param.watch(self._swap_axes, ["x_term", "y_term"])
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(SETTINGS))

    def _swap_axes(self, event) -> None:
        """Choosing for one axis the other's term swaps them (an axis cannot be both)."""
        other = "y_term" if event.name == "x_term" else "x_term"
        if getattr(self.settings, other) == event.new:
            with param.parameterized.discard_events(self.settings):
                setattr(self.settings, other, event.old)

    @property
    def axes(self) -> tuple[int, int]:
        return TERMS.index(self.settings.x_term), TERMS.index(self.settings.y_term)

    def reset(self) -> None:
        s = self.settings
        tasks = [pca_task(n_presentations=s.presentations, seed=s.seed + k)
                 for k in range(s.tasks)]
        self.task = tasks[0]  # the one the inner loop is drawn on
        self.loss = MetaLoss(tasks, eta=s.eta, l1=s.l1)
        self.held_out = MetaLoss([pca_task(n_presentations=s.presentations,
                                           seed=s.seed + 1000 + k) for k in range(HELD_OUT)],
                                 eta=s.eta, l1=s.l1)
        indices = list(self.axes) if s.space == "two terms" else None
        start = {"zero": np.zeros(len(TERMS)), "Hebb": HEBB.copy(),
                 "random": 0.1 * np.random.default_rng([s.seed, 27]).standard_normal(
                     len(TERMS))}[s.start]
        if indices is not None and s.start == "random":  # the rest stays 0
            start = np.where(np.isin(np.arange(len(TERMS)), indices), start, 0.0)
        self.es = EvolutionStrategy(indices, start, s.sigma, s.pairs, s.learning_rate, s.seed)
        self.cma = CMAStrategy(indices, start, sigma=0.3, population=2 * s.pairs,
                               seed=s.seed)
        self.cma.start(self.loss)
        self.generations: list[int] = []
        self.es_loss: list[float] = []
        self.cma_loss: list[float] = []
        self.es_rule = self.es.theta.copy()
        self.es_population = np.zeros((0, 2))
        self.cma_population = np.zeros((0, 2))
        self.es_diverged = 0
        self._grid = None
        self._generation()

    def _scored(self, rules) -> np.ndarray:
        result = self.loss.evaluate(rules)
        self._diverged = int(result.diverged[1:].sum())
        return result.loss

    def _generation(self) -> None:
        ix, iy = self.axes
        self.es_rule = self.es.theta.copy()
        rules, values = self.es.evaluate(self._scored)
        self.es_diverged = self._diverged
        self.es_population = rules[1:][:, [ix, iy]]
        self.es.update()
        candidates, _ = self.cma.step(self.loss)
        full = np.tile(self.cma.base, (len(candidates), 1))
        full[:, self.cma.indices] = candidates
        self.cma_population = full[:, [ix, iy]]
        self.generations.append(self.es.generation - 1)
        self.es_loss.append(float(values[0]))
        self.cma_loss.append(self.cma.best_loss)

    # -- what the view draws ----------------------------------------------------------------
    def extent(self) -> tuple[float, float, float, float]:
        """The landscape's window: [−2, 2]² grown to hold every rule drawn, in steps of 1."""
        points = np.vstack([self.es_population, self.cma_population,
                            [self.es_rule[list(self.axes)], self.cma.best_rule[list(self.axes)],
                             OJA[list(self.axes)]]])
        low = np.minimum(np.floor(points.min(0) - 0.25), -2.0)
        high = np.maximum(np.ceil(points.max(0) + 0.25), 2.0)
        return float(low[0]), float(high[0]), float(low[1]), float(high[1])

    def landscape(self) -> dict:
        """The meta-loss over the two axis coefficients, the others as in the ES's current
        rule: ``x``, ``y`` (GRID,), ``values`` (GRID, GRID) rows along y."""
        ix, iy = self.axes
        base = self.es_rule.copy()
        extent = self.extent()
        key = (extent, tuple(np.delete(base, [ix, iy])))
        if self._grid is None or self._grid[0] != key:
            x = np.linspace(extent[0], extent[1], GRID)
            y = np.linspace(extent[2], extent[3], GRID)
            self._grid = (key, x, y, self.loss.grid(ix, iy, x, y, base=base))
        _, x, y, values = self._grid
        return {"x": x, "y": y, "values": values, "ceiling": self.loss.ceiling()}

    def populations(self) -> dict:
        """The last generation on the landscape's axes: ES perturbations and mean, CMA-ES
        candidates and best so far, and Oja's rule."""
        axes = list(self.axes)
        return {"es": self.es_population, "es_mean": self.es_rule[axes],
                "cma": self.cma_population, "cma_best": self.cma.best_rule[axes],
                "oja": OJA[axes]}

    def loss_curves(self) -> dict:
        """Per generation: the ES mean rule's loss and CMA-ES's best so far, and Oja's."""
        return {"generation": np.array(self.generations), "es": np.array(self.es_loss),
                "cma": np.array(self.cma_loss), "oja": float(self.loss(OJA)[0])}

    def coefficients(self) -> dict:
        """The 27 coefficients of the ES's current rule and of CMA-ES's best."""
        return {"terms": list(TERMS), "es": self.es_rule.copy(),
                "cma": self.cma.best_rule.copy()}

    def inner_loop(self) -> dict:
        """The ES rule's inner loop: the inputs and w(t) in the plane of the first two
        principal components (``inputs`` (T, 2), ``path`` (T + 1, 2)), |cos(w, PC1)| over
        the presentations, where it diverged (−1: it did not)."""
        plane = self.task.components(2)
        path, diverged = weight_path(self.es_rule, self.task, self.settings.eta)
        norm = np.linalg.norm(path, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = np.where(norm > 0, np.abs(path @ self.task.pc1) / norm, 0.0)
        return {"inputs": self.task.inputs @ plane.T, "path": path @ plane.T, "cos": cos,
                "diverged": diverged}

    def summary(self) -> dict:
        """Per search: the rule's meta-loss, |cos| on the task and on held-out rotations,
        ‖w‖, the ratio xy / (−y²w); and how many ES members diverged this generation."""
        out = {}
        xy, y2w = TERMS.index("xy"), TERMS.index("y²w")
        for name, rule in (("ES", self.es_rule), ("CMA-ES", self.cma.best_rule),
                           ("Oja", OJA)):
            own, held = self.loss.evaluate(rule), self.held_out.evaluate(rule)
            ratio = rule[xy] / -rule[y2w] if rule[y2w] < 0 else float("nan")
            out[name] = {"loss": float(own.loss[0]), "alignment": float(own.alignment[0]),
                         "held_out": float(held.alignment[0]), "norm": float(own.norm[0]),
                         "diverged": bool(own.diverged[0]), "ratio": float(ratio)}
        out["diverged_members"] = self.es_diverged
        out["members"] = 2 * self.settings.pairs
        return out
