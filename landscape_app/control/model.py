"""A Hopfield-like network whose asymmetric couplings are steered by bounded optimal control
(docs/science.md section 5; Cardin et al. 2023, "Optimal control behavior for improved
Hopfield-like models").

    u_{k+1} = u_k + Δt[(T + ξ_k) g(u_k) − u_k]        (Δt = 1: u_{k+1} = (T + ξ_k) g(u_k))
    J = Σ_k e^{−λkΔt} [(1 − μ)|u_{k+1} − u_k|²/Δt + μ|ξ_k|²Δt]
    |ξᵢⱼ| ≤ K where Tᵢⱼ ≠ 0 (existing synapse), |ξᵢⱼ| ≤ k where Tᵢⱼ = 0 (silent synapse)

T starts as A and changes only by ``learn`` (T ← T + ξ_∞). μ is the slides' Pareto weight:
small μ lets the network pay for large controls (innovative), large μ keeps it near existing
equilibria (conservative); the authors' code weighs the movement by α = 1 − μ. g is arctan
(½ + arctan(s/ε)/π, the authors'), tanh(s/ε), the logistic 1/(1 + e^{−s/ε}) or the step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import param

from ..kernels import control as kernel
from ..kernels.activations import ACTIVATIONS, G_numpy, activation_code, g_numpy
from ..kernels.activations import STEP as STEP_CODE
from ..limits import check_memory, check_steps, count, finite, seed_value
from ..params import Count, FiniteNumber, SquareMatrix
from . import solver
from .outcomes import Verdict, classify

CONTROL_ACTIVATIONS = (*ACTIVATIONS, "step")
#: most random initial controls one solve tries (each is a full L-BFGS-B run)
MAX_RESTARTS = 1_000
#: most steps of a receding-horizon run (a re-solve every ``replan_every`` steps)
MAX_RECEDING_STEPS = 100_000


@dataclass
class ControlSolution:
    """One solved start: J, the controls ξ (H, N, N), the trajectory u (H + 1, N), the outcome
    (recognized | recorded | cycle | wandering, see ``outcomes``) and how the solver went."""

    cost: float
    controls: np.ndarray
    u: np.ndarray
    verdict: Verdict
    T: np.ndarray
    bounds: np.ndarray
    dt: float
    iterations: int = 0
    evaluations: int = 0
    seconds: float = 0.0
    message: str = ""

    @property
    def outcome(self) -> str:
        return self.verdict.outcome

    @property
    def xi_inf(self) -> np.ndarray:
        """ξ_∞: the controls of the last step, what ``learn`` adds to T."""
        return self.controls[-1]

    @property
    def u_inf(self) -> np.ndarray:
        return self.u[-1]

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.u)) * self.dt

    def describe(self) -> str:
        v = self.verdict
        end = ", ".join(f"{x:.4f}" for x in self.u_inf[:4]) + (", …" if len(self.u_inf) > 4
                                                                else "")
        if v.outcome == "recognized":
            what = f"converged to the existing equilibrium ({end})"
        elif v.outcome == "recorded":
            what = (f"converged to a new equilibrium ({end}) held by ξ_∞ "
                    f"(max |ξ_∞| = {np.max(np.abs(self.xi_inf)):.3f})")
        elif v.outcome == "cycle":
            what = f"settles on a cycle of period {v.period}"
        else:
            what = f"no limit: still moving at speed {v.speed:.3g} at the last step"
        return f"{v.outcome}: {what}; J = {self.cost:.5g}"


def random_couplings(n: int, density: float = 0.3, scale: float = 1.0, seed: int = 0):
    """A sparse non-symmetric A (N, N): each off-diagonal synapse exists with probability
    ``density``, its weight ~ Normal(0, scale²/(density N)) so that a neuron's input is O(scale);
    no self-couplings."""
    n = count(n, "n", 2)
    seed = seed_value(seed)
    check_memory(3 * 8 * n * n, f"random couplings of {n:,} neurons")
    density = finite(density, "density", 0.0, 1.0)
    scale = finite(scale, "scale", 0.0)
    rng = np.random.default_rng(seed)
    exists = rng.random((n, n)) < density
    np.fill_diagonal(exists, False)
    weights = rng.normal(0.0, scale / np.sqrt(max(density * n, 1.0)), (n, n))
    return np.where(exists, weights, 0.0)


class ControlledHopfield(param.Parameterized):
    """The controlled network: ``solve(u0)`` finds the bounded controls of least J."""

    A = SquareMatrix(np.array([[0.0, 1.0], [1.0, 0.0]]), max_size=100,
                     doc="Initial couplings A (N × N, need not be symmetric).")
    activation = param.Selector(default="arctan", objects=list(CONTROL_ACTIVATIONS),
                                doc="g: arctan ½ + arctan(s/ε)/π, tanh(s/ε), logistic, step.")
    eps = FiniteNumber(0.1, bounds=(0.0, None), inclusive_bounds=(False, True),
                       softbounds=(0.01, 1.0), step=0.01, label="ε",
                       doc="Width ε of the activation (gain 1/ε); unused by the step.")
    K = FiniteNumber(0.5, bounds=(0.0, None), softbounds=(0.0, 2.0), step=0.01,
                     doc="Bound of the controls on existing synapses (Tᵢⱼ ≠ 0).")
    k = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 0.5), step=0.01, label="k",
                     doc="Bound of the controls on silent synapses (Tᵢⱼ = 0); k ≪ K.")
    controls = param.Selector(default="offdiagonal", objects=["offdiagonal", "all"],
                              doc="Which entries of ξ act: off-diagonal only, or all.")
    dt = FiniteNumber(1.0, bounds=(0.0, 1.0), inclusive_bounds=(False, True), step=0.01,
                      label="Δt", doc="Time step (1: the authors' map).")
    horizon = Count(50, bounds=(2, 5000), softbounds=(5, 200),
                    doc="Steps H of the control problem.")
    discount = FiniteNumber(0.0, bounds=(0.0, None), softbounds=(0.0, 1.0), step=0.01,
                            label="λ", doc="Discount rate λ of e^{−λt}.")
    mu = FiniteNumber(0.0005, bounds=(0.0, 1.0), step=0.0001, label="μ",
                      doc="Pareto weight μ: small = innovative (large controls allowed), "
                          "large = conservative. The authors' α = 1 − μ.")
    tol = FiniteNumber(1e-3, bounds=(0.0, None), inclusive_bounds=(False, True),
                       doc="Convergence tolerance of the outcome criteria (speed |u̇|).")

    def __init__(self, A=None, **params):
        if A is not None:
            params["A"] = A
        super().__init__(**params)
        self.reset_learning()
        self.param.watch(lambda event: self.reset_learning(), "A")

    # -- the network ------------------------------------------------------------------------------
    @property
    def n_neurons(self) -> int:
        return self.A.shape[0]

    @property
    def gain(self) -> float:
        return 1.0 / self.eps

    @property
    def code(self) -> int:
        return STEP_CODE if self.activation == "step" else activation_code(self.activation)

    def g(self, u) -> np.ndarray:
        return g_numpy(u, self.activation, self.gain)

    def bounds(self, T=None) -> np.ndarray:
        """|ξᵢⱼ| ≤ bᵢⱼ: K on existing synapses (Tᵢⱼ ≠ 0), k on silent ones, 0 where not
        controlled (the diagonal, unless ``controls`` is "all")."""
        T = self.T if T is None else T
        b = np.where(T != 0.0, self.K, self.k)
        if self.controls == "offdiagonal":
            np.fill_diagonal(b, 0.0)
        return b

    def state(self, u0) -> np.ndarray:
        u0 = np.asarray(u0, dtype=float)
        if u0.shape != (self.n_neurons,):
            raise ValueError(f"u0 must have shape ({self.n_neurons},), got {u0.shape}")
        if not np.all(np.isfinite(u0)):
            raise ValueError("u0 must be finite (no NaN or inf)")
        return u0

    def problem(self, u0, horizon=None, T=None) -> solver.Problem:
        T = self.T if T is None else T
        return solver.Problem(T.copy(), self.bounds(T), self.state(u0),
                              self.horizon if horizon is None else horizon, self.dt,
                              self.discount, self.mu, self.code, self.gain)

    def flow(self, points, controls=None) -> np.ndarray:
        """X(u) = (T + ξ) g(u) − u at points (P, N), for controls ξ (N, N) (default none)."""
        points = np.ascontiguousarray(np.atleast_2d(points), dtype=float)
        M = self.T if controls is None else self.T + controls
        out = np.empty_like(points)
        kernel.flow(np.ascontiguousarray(M), points, self.code, self.gain, out)
        return out

    def energy(self, points, controls=None) -> np.ndarray | None:
        """E(u) = −½ g(u)ᵀ M_s g(u) + Σᵢ G(g(uᵢ)) with M_s the symmetric part of T + ξ: the
        Lyapunov function of the continuous dynamics when T + ξ is symmetric (the slides'
        "dynamical evolution of the energy landscape"). None for the step, which has no G."""
        if self.activation == "step":
            return None
        M = self.T if controls is None else self.T + controls
        Ms = 0.5 * (M + M.T)
        V = self.g(np.atleast_2d(points))
        with np.errstate(all="ignore"):
            return (-0.5 * np.einsum("pi,ij,pj->p", V, Ms, V)
                    + G_numpy(V, self.activation, self.gain).sum(axis=1))

    def run(self, u0, steps: int, controls=None) -> np.ndarray:
        """The map from u0 for ``steps`` steps under fixed controls ξ (N, N) (default none)."""
        steps = count(steps, "steps")
        check_steps(steps, f"run(steps={steps:,})")
        n = self.n_neurons
        check_memory(8 * steps * (n * n + n + 1), f"{steps:,} steps of controls and states")
        xi = np.zeros((steps, n, n))
        if controls is not None:
            xi[:] = controls
        return self.run_controls(u0, xi)

    # -- control ----------------------------------------------------------------------------------
    def _solution(self, problem, xi, iterations, evaluations, started, message):
        J, u = problem.cost(xi)
        if not np.all(np.isfinite(u)):
            bad = int(np.argmax(~np.all(np.isfinite(u), axis=1)))
            raise FloatingPointError(f"diverged at step {bad}")
        verdict = classify(u, xi, problem.T, self.dt, self.activation, self.gain, self.tol)
        return ControlSolution(J, xi, u, verdict, problem.T, problem.bound, self.dt,
                               iterations, evaluations, time.perf_counter() - started, message)

    def solve(self, u0, restarts: int = 4, seed: int = 0) -> ControlSolution:
        """Least-J bounded controls over the horizon from ``u0``: L-BFGS-B with the adjoint
        gradient from ``restarts`` random initial controls (uniform in the box, as the
        authors' single random start); the lowest J wins."""
        started = time.perf_counter()
        restarts = count(restarts, "restarts", 1, MAX_RESTARTS)
        seed = seed_value(seed)
        problem = self.problem(u0)
        check_memory(8 * restarts * self.horizon * self.n_neurons**2,
                     f"{restarts:,} initial controls")
        best = solver.solve(problem, solver.random_starts(problem, restarts, seed))
        return self._solution(problem, best.controls, best.iterations, best.evaluations,
                              started, best.message)

    def solve_receding(self, u0, steps: int = 200, replan_every: int = 5, restarts: int = 1,
                       seed: int = 0) -> ControlSolution:
        """Receding horizon: solve over ``horizon`` steps, apply the first ``replan_every``
        controls, re-solve from where the state got (warm-started with the remaining plan), up
        to ``steps``: an approximation of the infinite-horizon problem that never sees its own
        end. J is that of the applied controls over ``steps``, discounted from t = 0."""
        started = time.perf_counter()
        steps = count(steps, "steps", 1, MAX_RECEDING_STEPS)
        seed = seed_value(seed)
        restarts = count(restarts, "restarts", 1, MAX_RESTARTS)
        if not (isinstance(replan_every, int | np.integer) and 1 <= replan_every <= self.horizon):
            raise ValueError(f"replan_every must be an integer in [1, horizon = "
                             f"{self.horizon}], got {replan_every!r}")
        n = self.n_neurons
        check_memory(8 * steps * n * n, f"{steps:,} steps of applied controls")
        state = self.state(u0)
        applied = np.zeros((steps, n, n))
        plan, done, iterations, evaluations = None, 0, 0, 0
        while done < steps:
            problem = self.problem(state)
            first = None
            if plan is not None:  # the rest of the last plan, then its last control held
                shifted = np.concatenate([plan[replan_every:],
                                          np.repeat(plan[-1:], replan_every, axis=0)])
                first = problem.variables(shifted)
            best = solver.solve(problem, solver.random_starts(problem, restarts, seed + done,
                                                              first))
            iterations += best.iterations
            evaluations += best.evaluations
            plan = best.controls
            take = min(replan_every, steps - done)
            applied[done:done + take] = plan[:take]
            state = self.run_controls(state, plan[:take])[-1]
            done += take
        whole = solver.Problem(self.T.copy(), self.bounds(), self.state(u0), steps, self.dt,
                               self.discount, self.mu, self.code, self.gain)
        return self._solution(whole, applied, iterations, evaluations, started,
                              f"receding horizon, re-planned every {replan_every} steps")

    def run_controls(self, u0, controls) -> np.ndarray:
        """The trajectory under a sequence of controls (steps, N, N)."""
        controls = np.ascontiguousarray(controls, dtype=float)
        u = np.empty((len(controls) + 1, self.n_neurons))
        bad = kernel.rollout(np.ascontiguousarray(self.T), controls, self.state(u0), self.dt,
                             self.code, self.gain, u, np.empty_like(u))
        if bad >= 0:
            raise FloatingPointError(f"diverged at step {bad}")
        return u

    # -- equilibria and learning ------------------------------------------------------------------
    def equilibria(self, T=None, grid: int = 21, window: float = 3.0) -> np.ndarray:
        """Stable equilibria u = T g(u) of the uncontrolled map (rows): where runs from a grid
        of starts in [−window, window]ᴺ (N ≤ 3) or from random starts settle."""
        from .learning import stable_equilibria

        return stable_equilibria(self, self.T if T is None else T, grid, window)

    def detached(self) -> ControlledHopfield:
        """A copy with the same parameters and learned couplings T but none of the page's
        watchers: what a sweep sends to its worker processes (watchers do not pickle)."""
        copy = ControlledHopfield(**{k: v for k, v in self.param.values().items()
                                     if k != "name"})
        copy.T = np.array(self.T, dtype=float)
        return copy

    def reset_learning(self):
        """T ← A; forget the learning history."""
        from .learning import LearningHistory

        self.T = np.array(self.A, dtype=float)
        self.history = LearningHistory(self)

    def learn(self, u0, restarts: int = 4, seed: int = 0):
        """Solve from u0 and store what was recorded: T ← T + ξ_∞. Returns the
        ``LearningRound`` (its solution, the new T, each memory's status)."""
        return self.history.learn(u0, restarts, seed)
