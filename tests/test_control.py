"""The controlled network (docs/science.md section 5): the authors' cases, the adjoint gradient,
bounds, learning (forget, restore), N neurons, bad input."""

import numpy as np
import pytest

from landscape_app.control import ControlledHopfield, multistart, random_couplings
from landscape_app.control.solver import Problem
from landscape_app.kernels import control as kernel

U_STAR = np.array([0.9672, 0.9672])  # the only equilibrium of A = [[0, 1], [1, 0]], ε = 0.1
START = [-1.0, 0.5]  # the authors' u(0)


def authors(**params):
    """The authors' two-neuron setup: arctan ε = 0.1, off-diagonal controls |ξ| ≤ 0.5,
    Δt = 1, 50 steps; α = 1 − μ."""
    base = dict(A=[[0, 1], [1, 0]], activation="arctan", eps=0.1, K=0.5, k=0.0,
                controls="offdiagonal", dt=1.0, horizon=50, discount=0.0, mu=0.0005)
    base.update(params)
    return ControlledHopfield(**base)


def finite_difference_gradient(problem, xi, h=1e-6):
    u, gu = np.empty((problem.horizon + 1, problem.n)), np.empty((problem.horizon + 1, problem.n))
    grad = np.zeros_like(xi)
    for index in np.ndindex(xi.shape):
        if not problem.mask[index[1:]]:
            continue
        up, down = xi.copy(), xi.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (kernel.cost(problem.T, up, problem.u0, problem.dt, problem.discount,
                                   problem.mu, problem.code, problem.gain, u, gu)
                       - kernel.cost(problem.T, down, problem.u0, problem.dt, problem.discount,
                                     problem.mu, problem.code, problem.gain, u, gu)) / (2 * h)
    return grad


@pytest.mark.parametrize("settings", [
    dict(),  # the authors' case
    dict(activation="tanh", eps=0.5, discount=0.3, dt=0.4, mu=0.3),
    dict(activation="logistic", eps=0.3, controls="all", k=0.2, mu=0.05, discount=0.1),
    dict(A=random_couplings(5, density=0.4, seed=3), controls="all", k=0.1, horizon=12,
         dt=0.5, eps=0.4, mu=0.2, discount=0.05),
])
def test_adjoint_gradient_equals_finite_differences(settings):
    m = authors(**{"horizon": 15, **settings})
    n = m.n_neurons
    problem = m.problem(np.linspace(-1, 1, n))
    rng = np.random.default_rng(1)
    xi = rng.uniform(-1, 1, (problem.horizon, n, n)) * problem.bound
    u, gu, grad, work = kernel.make_work(problem.horizon, n)
    J = kernel.cost_and_gradient(problem.T, xi, problem.mask, problem.u0, problem.dt,
                                 problem.discount, problem.mu, problem.code, problem.gain, u,
                                 gu, grad, work)
    assert J == pytest.approx(problem.cost(xi)[0], rel=1e-12)
    fd = finite_difference_gradient(problem, xi)
    # central differences with h = 1e-6 are exact to O(h²) ≈ 1e-10 relative (plus rounding)
    assert np.max(np.abs(grad - fd)) <= 1e-6 * max(1.0, np.max(np.abs(fd)))
    assert np.all(grad[:, ~problem.mask] == 0)


def test_cost_is_the_discretised_integral():
    """J = Σ e^{−λkΔt}[(1 − μ)|Δu|²/Δt + μ|ξ|²Δt], written out in NumPy."""
    m = authors(dt=0.5, discount=0.2, mu=0.3, horizon=8)
    problem = m.problem([0.3, -0.2])
    xi = np.random.default_rng(0).uniform(-0.5, 0.5, (8, 2, 2)) * problem.mask
    J, u = problem.cost(xi)
    g = 0.5 + np.arctan(u[:-1] / 0.1) / np.pi
    for k in range(8):
        assert np.allclose(u[k + 1], u[k] + 0.5 * ((m.A + xi[k]) @ g[k] - u[k]))
    w = np.exp(-0.2 * np.arange(8) * 0.5)
    expected = np.sum(w * (0.7 * np.sum(np.diff(u, axis=0) ** 2, axis=1) / 0.5
                           + 0.3 * np.sum(xi ** 2, axis=(1, 2)) * 0.5))
    assert J == pytest.approx(expected, rel=1e-12)


def test_the_only_equilibrium_of_a_is_u_star():
    assert np.allclose(authors().equilibria(), [U_STAR], atol=1e-4)


def test_alpha_zero_recognizes_at_no_cost():
    """α = 0 (μ = 1), λ = 0: J = 0, no control, converges to u*."""
    sol = authors(mu=1.0).solve(START, restarts=4, seed=0)
    assert sol.outcome == "recognized"
    assert sol.cost < 1e-10
    assert np.max(np.abs(sol.controls)) < 1e-5
    assert np.allclose(sol.u_inf, U_STAR, atol=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_alpha_09995_records_a_new_equilibrium(seed):
    """α = 0.9995, λ = 0: a new equilibrium near (0.67, 0.66) held by ξ_∞ ≈ (−0.30, −0.30)."""
    m = authors(mu=0.0005)
    sol = m.solve(START, restarts=4, seed=seed)
    assert sol.outcome == "recorded"
    assert np.linalg.norm(sol.u_inf - U_STAR) > 0.2
    assert np.allclose(sol.u_inf, [0.67, 0.66], atol=0.03)
    assert np.allclose(sol.xi_inf[[0, 1], [1, 0]], [-0.30, -0.30], atol=0.03)
    held = (m.A + sol.xi_inf) @ m.g(sol.u_inf) - sol.u_inf
    alone = m.A @ m.g(sol.u_inf) - sol.u_inf
    assert np.linalg.norm(held) < 1e-3 < 0.1 < np.linalg.norm(alone)


def test_innovative_and_conservative_ends_of_mu():
    """Smaller μ buys larger controls and a limit further from u*."""
    ends = [authors(mu=mu).solve(START, restarts=2, seed=0) for mu in (0.05, 0.005, 0.0005)]
    distances = [np.linalg.norm(s.u_inf - U_STAR) for s in ends]
    assert ends[0].outcome == "recognized"
    assert distances[0] < distances[1] < distances[2]


def test_six_rounds_of_iterated_learning_move_forget_and_restore():
    m = authors(mu=0.0005)
    equilibria = [m.equilibria()]
    rounds = []
    for _ in range(6):
        rounds.append(m.learn(START, restarts=2, seed=0))
        equilibria.append(m.equilibria())
    assert all(r.applied and r.solution.outcome == "recorded" for r in rounds)
    # T accumulates the ξ_∞ of every round
    total = sum(r.solution.xi_inf for r in rounds)
    assert np.allclose(m.T, m.A + total)
    # the stored equilibrium moves every round (ξ_∞ ≈ −0.3 each time)
    for before, after in zip(equilibria, equilibria[1:], strict=False):
        assert len(before) == len(after) == 1
        assert np.linalg.norm(after[0] - before[0]) > 0.05
    # u* is kept while the accumulated change ≤ K = 0.5, forgotten past it
    assert rounds[0].statuses[0] == "kept" and rounds[0].change[0] < 0.5
    assert rounds[1].statuses[0] == "forgotten" and rounds[1].change[0] > 0.5
    # a change the other way (from a high start) restores it
    m2 = authors(mu=0.0005)
    m2.learn(START, restarts=2, seed=0)
    m2.learn(START, restarts=2, seed=0)
    back = m2.learn([1.5, 1.5], restarts=2, seed=0)
    assert back.statuses[0] == "restored" and back.change[0] <= 0.5


def test_five_by_five_grid_of_starts():
    m = authors(mu=0.0005)
    grid = multistart(m, grid=5, window=1.5, restarts=1, seed=0)
    assert grid.starts.shape == (25, 2)
    assert np.allclose(grid.starts[[0, -1]], [[-1.5, -1.5], [1.5, 1.5]])
    # at α = 0.9995 every start converges: recognized at u*, or recorded where A alone has
    # no equilibrium
    assert set(grid.outcomes) <= {"recognized", "recorded"}
    for outcome, end in zip(grid.outcomes, grid.ends, strict=True):
        residual = np.linalg.norm(m.A @ m.g(end) - end)
        assert (residual < 1e-2) == (outcome == "recognized")
    # innovative μ: every limit lies below u* (the controls lower T to stop early)
    assert np.all(grid.ends <= U_STAR + 0.35)


def test_alpha_05_discounted_wanders():
    """α = 0.5, λ = 0.25: the discount hides the later steps, which nothing steers."""
    sol = authors(mu=0.5, discount=0.25).solve(START, restarts=4, seed=0)
    assert sol.outcome == "wandering"
    assert sol.verdict.speed > 0.05


def test_step_activation_two_cycle_is_an_artefact_of_dt_one():
    m = authors(activation="step", K=0.0, horizon=30, dt=1.0)
    sol = m.solve([1.0, 0.0], restarts=1)
    assert sol.outcome == "cycle" and sol.verdict.period == 2
    assert np.allclose(sol.u[-2:], [[0, 1], [1, 0]]) or np.allclose(sol.u[-2:], [[1, 0], [0, 1]])
    m.param.update(dt=0.1, horizon=300)
    sol = m.solve([1.0, 0.0], restarts=1)
    assert sol.outcome != "cycle"
    assert sol.outcome == "recognized" and np.allclose(sol.u_inf, [1, 1], atol=1e-3)


def test_every_control_respects_its_bound():
    A = random_couplings(6, density=0.4, seed=2)
    m = ControlledHopfield(A=A, K=0.4, k=0.05, controls="all", horizon=20, mu=0.001, eps=0.2)
    sol = m.solve(np.linspace(-1, 1, 6), restarts=2, seed=0)
    existing, silent = A != 0, A == 0
    assert np.all(np.abs(sol.controls[:, existing]) <= 0.4 + 1e-12)
    assert np.all(np.abs(sol.controls[:, silent]) <= 0.05 + 1e-12)
    assert np.max(np.abs(sol.controls[:, existing])) > 0.05  # the controls do act
    m.controls = "offdiagonal"
    sol = m.solve(np.linspace(-1, 1, 6), restarts=1, seed=0)
    assert np.all(np.diagonal(sol.controls, axis1=1, axis2=2) == 0)


def test_no_bounds_means_no_control():
    sol = authors(K=0.0).solve(START, restarts=3)
    assert np.all(sol.controls == 0) and sol.outcome == "recognized"


def test_receding_horizon_releases_the_controls_without_discount():
    """Infinite horizon, λ = 0: holding ξ ≠ 0 for ever costs Σ μ|ξ|² = ∞, so the receding
    controller (which never sees an end) lets the controls decay and the state creep back to
    u*, where the fixed 50-step horizon holds ξ_∞ ≈ −0.3 at its end."""
    m = authors(mu=0.0005, horizon=20)
    sol = m.solve_receding(START, steps=300, replan_every=5, restarts=1, seed=0)
    assert sol.u.shape == (301, 2) and sol.controls.shape == (300, 2, 2)
    assert np.all(np.abs(sol.controls) <= 0.5 + 1e-12)
    size = np.max(np.abs(sol.controls), axis=(1, 2))
    distance = np.linalg.norm(sol.u - U_STAR, axis=1)
    assert np.all(np.diff(size[50:]) <= 1e-9) and size[-1] < 0.1
    assert np.all(np.diff(distance[50:]) <= 1e-9) and distance[-1] < 0.1


def test_twenty_neurons_with_silent_synapses():
    A = random_couplings(20, density=0.2, seed=0)
    m = ControlledHopfield(A=A, K=0.5, k=0.05, controls="all", horizon=100, mu=0.001)
    sol = m.solve(np.random.default_rng(0).uniform(-1, 1, 20), restarts=1, seed=0)
    assert sol.controls.shape == (100, 20, 20) and sol.u.shape == (101, 20)
    assert np.all(np.abs(sol.controls[:, A == 0]) <= 0.05 + 1e-12)
    assert sol.outcome in ("recognized", "recorded", "cycle", "wandering")
    assert np.isfinite(sol.cost)


def test_random_couplings_are_sparse_and_non_symmetric():
    A = random_couplings(40, density=0.25, seed=1)
    assert np.all(np.diag(A) == 0)
    assert abs(np.mean(A[~np.eye(40, dtype=bool)] != 0) - 0.25) < 0.05  # 1560 Bernoulli(¼)
    assert not np.allclose(A, A.T)


def test_energy_descends_under_symmetric_continuous_dynamics():
    """For symmetric T, E(u) = −½gᵀTg + ΣG(g) is a Lyapunov function of u̇ = Tg(u) − u."""
    m = authors(dt=0.01, activation="tanh", eps=0.5, A=[[0.0, 1.2], [1.2, 0.0]])
    u = m.run([0.7, -0.4], 800)
    energy = m.energy(u)
    assert np.all(np.diff(energy) <= 1e-12)
    assert authors(activation="step").energy(u) is None


@pytest.mark.parametrize("bad, message", [
    (dict(A=[[0, 1, 2], [1, 0, 3]]), "square"),
    (dict(A=[[np.nan, 1], [1, 0]]), "finite"),
    (dict(eps=0.0), "eps"),
    (dict(dt=1.5), "dt"),
    (dict(mu=1.2), "mu"),
    (dict(K=-0.1), "K"),
    (dict(activation="relu"), "activation"),
])
def test_bad_settings_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        authors(**bad)


def test_bad_starts_are_refused():
    m = authors()
    with pytest.raises(ValueError, match="shape"):
        m.solve([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        m.solve([np.nan, 0.0])
    with pytest.raises(ValueError, match="restarts"):
        m.solve(START, restarts=0)
    with pytest.raises(ValueError, match="replan_every"):
        m.solve_receding(START, replan_every=0)


def test_divergence_is_reported_with_its_step():
    """With Δt ≤ 1 and g bounded, |u| stays below max(|u0|, Σⱼ|Tᵢⱼ + ξᵢⱼ|): only couplings
    whose row sums overflow can diverge."""
    m = authors(A=[[1e308, 1e308], [1e308, 1e308]], K=0.0)
    with pytest.raises(FloatingPointError, match="diverged at step 1"):
        m.solve([1.0, 1.0])


def test_problem_converts_python_numbers():
    p = Problem(np.eye(2), np.zeros((2, 2)), np.zeros(2), 3, 1, 0, 1, 2, 10)
    assert isinstance(p.mu, float) and isinstance(p.dt, float) and p.n_variables == 0


def test_a_slow_drift_is_not_a_cycle():
    """Returning within tolerance after p steps is not enough: a state creeping at 0.002 per
    step returns within 0.01 after two steps but has no orbit."""
    from landscape_app.control.outcomes import cycle_period

    drift = np.column_stack([np.linspace(0.5, 0.6, 51), np.linspace(0.5, 0.6, 51)])
    assert cycle_period(drift, 1e-2) is None
    swing = np.tile([[0.0, 1.0], [1.0, 0.0]], (25, 1))
    assert cycle_period(swing, 1e-2) == 2
