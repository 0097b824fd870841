"""The /plasticity page's network tab: an evolution strategy searches a pair of rules, A for
the feed-forward weights of M linear outputs and B for their hierarchical lateral weights,

    y_j = w_j·x + Σ_{k<j} l_jk y_k,   Δw_ji = η Σ A_abc x_i^a y_j^b w_ji^c,
    Δl_jk = η_l Σ B_abc y_k^a y_j^b l_jk^c,

so that the outputs span the inputs' top M principal components (seed 002's network level;
docs/plasticity.md, "The network level"). The known answer: Oja's A (xy − y²w) with the
anti-Hebbian B (−y_k y_j), Rubner & Tavan's network. GUI-free: the view draws
``loss_curves()``, ``coefficients()``, ``components()`` and ``summary()``.
"""

from __future__ import annotations

import numpy as np
import param

from ...kernels.plasticity import N_COEFFICIENTS, plasticity_network_kernel
from ...plasticity import OJA, TERMS, EvolutionStrategy, NetworkMetaLoss, pca_task, rule
from ...plasticity.network import effective_map
from ...plasticity.rules import XY, Y2W, index
from .session import GenerationSession

SEARCHES = ("4 terms", "all 54 terms")
#: the 4-term search: A_xy, A_y²w, B_xy (the lateral y_k y_j) and B_l (lateral decay)
FOUR_TERMS = (XY, Y2W, N_COEFFICIENTS + XY, N_COEFFICIENTS + index(0, 0, 1))
#: Rubner & Tavan's pair [A | B]: Oja feed-forward, anti-Hebbian lateral
KNOWN_PAIR = np.r_[OJA, rule(xy=-1.0)]
NETWORK_SETTINGS = ("outputs", "search", "pairs", "sigma", "learning_rate", "presentations",
                    "tasks", "seed")
#: the rules' names in the bars: A for the feed-forward rule; B for the lateral one, whose
#: pre- and post-synaptic activities are the outputs y_k and y_j and whose weight is l
_LATERAL = str.maketrans({"x": "yₖ", "y": "yⱼ", "w": "l"})
PAIR_TERMS = [f"A[{t}]" for t in TERMS] + [f"B[{t.translate(_LATERAL)}]" for t in TERMS]
HELD_OUT = 3


class NetworkSettings(param.Parameterized):
    """What the network search searches and on which tasks."""

    outputs = param.Integer(2, bounds=(2, 3), label="outputs M",
                            doc="Outputs of the layer: the rules should make them span the "
                                "top M principal components of the 5 inputs.")
    search = param.Selector(default="4 terms", objects=list(SEARCHES),
                            label="searched coefficients",
                            doc="A[xy], A[y²w], B[xy] and B[l] (the rest 0), or all 54.")
    pairs = param.Integer(16, bounds=(2, 128), label="ES pairs P")
    sigma = param.Number(0.1, bounds=(0.01, 1.0), step=0.01, label="σ (ES spread)")
    learning_rate = param.Number(0.03, bounds=(0.001, 0.3), step=0.001,
                                 label="ES learning rate (Adam)")
    presentations = param.Integer(1000, bounds=(100, 4000), step=100,
                                  label="presentations T")
    tasks = param.Integer(3, bounds=(1, 8), label="training tasks")
    seed = param.Integer(0, bounds=(0, 10**6))


class NetworkSession(GenerationSession):
    """The ES from all-zero rules; every change of a setting starts it again."""

    def __init__(self, **settings):
        super().__init__()
        self.settings = NetworkSettings(**settings)
        self.reset()
        self.settings.param.watch(lambda *events: self.reset(), list(NETWORK_SETTINGS))

    def reset(self) -> None:
        s = self.settings
        tasks = [pca_task(n_presentations=s.presentations, seed=s.seed + k)
                 for k in range(s.tasks)]
        self.task = tasks[0]
        self.loss = NetworkMetaLoss(tasks, n_outputs=s.outputs)
        self.held_out = NetworkMetaLoss(
            [pca_task(n_presentations=s.presentations, seed=s.seed + 1000 + k)
             for k in range(HELD_OUT)], n_outputs=s.outputs)
        indices = list(FOUR_TERMS) if s.search == "4 terms" else None
        self.es = EvolutionStrategy(indices, np.zeros(2 * N_COEFFICIENTS), s.sigma, s.pairs,
                                    s.learning_rate, s.seed)
        self.known = self.loss.evaluate(KNOWN_PAIR)
        self.generations: list[int] = []
        self.losses: list[float] = []
        self.alignments: list[float] = []
        self.pair = self.es.theta.copy()
        self.diverged_members = 0
        self._generation()

    def _scored(self, pairs) -> np.ndarray:
        result = self.loss.evaluate(pairs)
        self._last = result
        return result["loss"]

    def _generation(self) -> None:
        self.pair = self.es.theta.copy()
        self.es.evaluate(self._scored)
        self.diverged_members = int(self._last["diverged"][1:].sum())
        self.generations.append(self.es.generation)
        self.losses.append(float(self._last["loss"][0]))
        self.alignments.append(float(self._last["alignment"][0]))
        self.es.update()

    # -- what the view draws ----------------------------------------------------------------
    def loss_curves(self) -> dict:
        """Per generation: the ES's current pair's meta-loss and subspace alignment, and the
        known pair's."""
        return {"generation": np.array(self.generations), "loss": np.array(self.losses),
                "alignment": np.array(self.alignments),
                "known_loss": float(self.known["loss"][0]),
                "known_alignment": float(self.known["alignment"][0])}

    def coefficients(self) -> dict:
        """The searched coefficients of the current pair, and the known pair's."""
        shown = list(FOUR_TERMS) if self.settings.search == "4 terms" else \
            [int(i) for i in np.flatnonzero(np.abs(self.pair) > 0.05)] or list(FOUR_TERMS)
        return {"terms": [PAIR_TERMS[i] for i in shown], "found": self.pair[shown],
                "known": KNOWN_PAIR[shown]}

    def components(self) -> dict:
        """After the inner loop of the current pair on the first task: |cos| between each
        output's effective weights E_j (y = E x) and each principal component (M, 5), rows
        outputs, columns PC1..PC5; ``diverged``: the presentation it diverged at (−1: not)."""
        m, task = self.settings.outputs, self.task
        w, lat = np.empty((1, m, task.n_inputs)), np.empty((1, m, m))
        at = np.empty(1, dtype=np.int64)
        pair = self.pair[None]
        plasticity_network_kernel(np.ascontiguousarray(pair[:, :N_COEFFICIENTS]),
                                  np.ascontiguousarray(pair[:, N_COEFFICIENTS:]),
                                  task.inputs, self.loss.w0, self.loss.eta,
                                  self.loss.eta_lateral, self.loss.limit, w, lat, at)
        components = task.components(task.n_inputs)
        if at[0] >= 0:
            return {"cos": np.zeros((m, task.n_inputs)), "diverged": int(at[0])}
        e = effective_map(w, lat)[0]
        norm = np.linalg.norm(e, axis=1, keepdims=True)
        cos = np.abs(e @ components.T) / np.where(norm > 0, norm, 1.0)
        return {"cos": cos, "diverged": -1}

    def summary(self) -> dict:
        """The current pair's and the known pair's meta-loss and alignment, on the training
        tasks and on held-out ones; the ES members that diverged this generation."""
        out = {}
        for name, pair in (("ES", self.pair), ("Oja + anti-Hebb", KNOWN_PAIR)):
            own, held = self.loss.evaluate(pair), self.held_out.evaluate(pair)
            out[name] = {"loss": float(own["loss"][0]),
                         "alignment": float(own["alignment"][0]),
                         "held_out": float(held["alignment"][0]),
                         "diverged": bool(own["diverged"][0])}
        out["diverged_members"] = self.diverged_members
        out["members"] = 2 * self.settings.pairs
        return out
