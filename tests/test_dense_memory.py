"""Dense associative memories, modern Hopfield and non-constant couplings against docs/science.md
section 4: capacity, retrieval, −∇E = X̂, energy descent, W formulas, the closure check."""

import numpy as np
import pytest

from landscape_app.dense_memory import (
    CouplingNetwork,
    DenseAssociativeMemory,
    DenseLagrangian,
    ExpressionCoupling,
    ExpressionLagrangian,
    LogSumExpLagrangian,
    ModernHopfield,
    check_closure,
    k_max,
)
from landscape_app.dense_memory.capacity import dense_capacity
from landscape_app.dense_memory.interactions import theory_unstable_fraction
from landscape_app.dense_memory.modern import fixed_point_profile
from landscape_app.dense_memory.slices import energy_slice
from landscape_app.hopfield.patterns import corrupt, random_patterns
from landscape_app.landscapes.expression import ExpressionError
from landscape_app.page_models.dense_memory.race import RecallRace


# -- dense associative memory: capacity (N = 100, n = 3) ------------------------------------------
def test_k_max_matches_the_reference_values():
    assert [round(k_max(100, n)) for n in (2, 3, 4)] == [11, 362, 7238]


def polynomial_memory(n_patterns, seed=0):
    return DenseAssociativeMemory(100, "polynomial", 3).store(
        random_patterns(n_patterns, 100, seed))


def test_no_unstable_bits_at_half_the_capacity():
    """K = K_max/2 = 181: theory gives 1e-5 per bit, i.e. 0.19 of 18,100 bits expected
    (Poisson); more than 2 would have probability 0.001."""
    memory = polynomial_memory(181)
    assert theory_unstable_fraction(100, 3, 181) * 18_100 < 0.3
    assert np.sum(memory.unstable_bits()) * 100 <= 2


def test_a_small_fraction_of_bits_is_unstable_at_the_capacity():
    """K = K_max = 362: the reference range of simulations is 0.00025-0.002 (theory 0.0012)."""
    fraction = polynomial_memory(362).unstable_bits().mean()
    assert 0.00025 <= fraction <= 0.002


def test_about_six_to_seven_percent_of_bits_are_unstable_at_four_times_the_capacity():
    """K = 4 K_max = 1448: reference ≈ 0.065 (theory ½ erfc(√(N²/(6K))) = 0.065), ±15 %."""
    fraction = polynomial_memory(1448).unstable_bits().mean()
    assert theory_unstable_fraction(100, 3, 1448) == pytest.approx(0.065, abs=0.001)
    assert 0.055 <= fraction <= 0.075


def test_the_capacity_chart_orders_the_models():
    """Far past the classical capacity the degree-4 and exponential memories stay exact while
    the classical network and n = 2 (the same rule) lose many bits."""
    result = dense_capacity(50, loads=[5, 200, 2000], tested=10, seed=1)
    u = result.unstable
    assert np.allclose(u["classical"], u["polynomial n = 2"], atol=0.02)
    assert u["classical"][-1] > 0.2 and u["polynomial n = 3"][0] == 0
    assert u["polynomial n = 4"][1] == 0 and np.all(u["exponential"] == 0)
    assert u["polynomial n = 3"][-1] < u["classical"][-1]


# -- dense associative memory: recall -------------------------------------------------------------
def test_exponential_memory_retrieves_1000_patterns_of_30_neurons():
    """M = 1,000 patterns at N = 30 with 10 % (3) of the bits flipped.

    A single flip changes E by a sum over patterns, and for a pattern at distance d + 1 from a
    cue at distance d from its own, a bit where the cue agrees with its pattern but not with the
    other one is an exact tie between the two (e^{N−2d} gained and lost), settled by the rest:
    such a cue may end at the other pattern. Every cue without a competitor within distance
    d + 1 must be retrieved. Competitors are rare: a random pattern lies within distance 4 of a
    cue with probability Σ_{k≤4} C(30, k)/2³⁰ = 3.1e-5, so about 3 % of cues have one, and at
    most half of those can fail: overall retrieval must be at least 97 %."""
    patterns = random_patterns(1000, 30, seed=3)
    memory = DenseAssociativeMemory(30, "exponential").store(patterns)
    rng = np.random.default_rng(4)
    retrieved = contested = contested_retrieved = 0
    for k in range(1000):
        cue = patterns[k].copy()
        cue[rng.choice(30, 3, replace=False)] *= -1
        distances = np.sum(patterns != cue, axis=1)
        ok = bool(np.array_equal(memory.recall(cue, seed=k).states[-1], patterns[k]))
        retrieved += ok
        if np.sum(distances <= distances[k] + 1) > 1:
            contested += 1
            contested_retrieved += ok
    assert contested < 60
    assert retrieved - contested_retrieved == 1000 - contested
    assert retrieved >= 970


@pytest.mark.parametrize("interaction,degree", [("polynomial", 3), ("rectified_polynomial", 4),
                                                ("exponential", 1)])
def test_recall_never_increases_the_dense_energy(interaction, degree):
    patterns = random_patterns(40, 60, seed=5)
    memory = DenseAssociativeMemory(60, interaction, degree).store(patterns)
    cue = corrupt(patterns[0], 0.3, seed=6)
    result = memory.recall(cue, seed=1)
    assert result.status == "converged"
    assert np.all(np.diff(result.energies) <= 1e-9 * np.abs(result.energies[:-1]))
    assert result.energies[0] == pytest.approx(memory.energy(cue))
    assert memory.energy(result.states[-1]) == pytest.approx(result.energies[-1])


def test_dense_memory_beats_the_classical_network_past_its_capacity():
    race = RecallRace(source="random", n_patterns=80, noise=0.2, seed=0)
    assert race.dense.overlaps[-1, race.target] == 1.0
    assert race.classical.overlaps[-1, race.target] < 1.0
    assert "dense: retrieved the pattern" in race.describe()


def test_dense_memory_rejects_bad_input():
    memory = DenseAssociativeMemory(10, "polynomial", 3)
    with pytest.raises(ValueError, match="length n_neurons = 10"):
        memory.store(np.ones((2, 9)))
    with pytest.raises(ValueError):
        memory.store(np.full((1, 10), 0.5))
    with pytest.raises(ValueError, match="store patterns"):
        memory.recall(np.ones(10))
    with pytest.raises(ValueError, match="unknown interaction|interaction"):
        DenseAssociativeMemory(10, "cubic", 3)
    with pytest.raises(ValueError):
        DenseAssociativeMemory(10, "polynomial", 0)
    memory.store(np.ones(10))
    with pytest.raises(ValueError, match="NaN"):
        memory.energy(np.full(10, np.nan))
    with pytest.raises(MemoryError, match="GiB"):
        DenseAssociativeMemory(1_000_000).store(np.ones((1, 1_000_000))).store(
            np.broadcast_to(np.int8(1), (10**6, 10**6)))


# -- modern Hopfield -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def modern_case():
    rng = np.random.default_rng(0)
    patterns = rng.choice([-1.0, 1.0], size=(2000, 64))
    cue = patterns[0].copy()
    cue[rng.choice(64, 8, replace=False)] *= -1
    return patterns, cue


def test_modern_hopfield_retrieves_in_one_update_at_beta_one(modern_case):
    """Reference: d = 64, 2,000 patterns, 8 bits flipped, β = 1: error 1.8e-8 after one update.
    The target's softmax weight beats the others by e^{β(48 − ~28)}, so the error is ~1e-8."""
    patterns, cue = modern_case
    result = ModernHopfield(beta=1.0).store(patterns).recall(cue)
    assert result.n_updates == 1
    assert np.max(np.abs(result.final - patterns[0])) < 1e-6
    assert result.effective_patterns == pytest.approx(1.0, abs=1e-6)


def test_modern_hopfield_collapses_towards_the_mean_at_small_beta(modern_case):
    """β = 0.1: the softmax is nearly flat (weights ∝ e^{0.1 m}, m ~ N(0, 64)); to first order
    the update is x̄ + β·(cue-correlated shift) + p_target x_target with p_target ≈ 0.04, i.e.
    about 0.14 of the way from the mean to the pattern, against 1.0 at β = 1."""
    patterns, cue = modern_case
    mean = patterns.mean(axis=0)
    result = ModernHopfield(beta=0.1).store(patterns).recall(cue)
    distance = np.linalg.norm(result.final - mean) / np.linalg.norm(patterns[0] - mean)
    assert distance < 0.25
    assert result.effective_patterns > 1000


def test_modern_energy_never_increases_and_metastable_states_appear(modern_case):
    patterns, cue = modern_case
    net = ModernHopfield(beta=0.05).store(patterns[:50])
    result = net.recall(cue, max_updates=100, tol=1e-10)
    assert result.status == "converged"
    assert np.all(np.diff(result.energies) <= 1e-9)
    profile = fixed_point_profile(net, cue, [1e-4, 0.05, 1.0])
    assert profile[0] > 45 and profile[2] == pytest.approx(1.0, abs=1e-3)
    assert 1.0 < profile[1] < 50
    assert net.beta == 0.05


def test_modern_energy_matches_its_formula(modern_case):
    patterns, cue = modern_case
    net = ModernHopfield(beta=0.5).store(patterns[:100])
    z = 0.5 * patterns[:100] @ cue
    lse = (z.max() + np.log(np.exp(z - z.max()).sum())) / 0.5
    expected = -lse + 0.5 * cue @ cue + np.log(100) / 0.5 + 0.5 * 64
    assert net.energy(cue) == pytest.approx(expected, rel=1e-12)
    assert net.update(cue) == pytest.approx(net.attention(cue) @ patterns[:100])


def test_modern_hopfield_rejects_bad_input():
    with pytest.raises(ValueError):
        ModernHopfield(beta=0.0)
    net = ModernHopfield()
    with pytest.raises(ValueError, match="store patterns"):
        net.recall(np.ones(3))
    net.store(np.eye(3))
    with pytest.raises(ValueError, match="dimension 3"):
        net.store(np.ones((2, 4)))
    with pytest.raises(ValueError, match="dimension"):
        net.energy(np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        net.recall(np.array([np.nan, 0, 0]))


# -- non-constant couplings ----------------------------------------------------------------------
def lagrangians():
    rng = np.random.default_rng(7)
    xi = rng.choice([-1.0, 1.0], size=(5, 3))
    return [DenseLagrangian(xi, degree=3), DenseLagrangian(xi, degree=4),
            LogSumExpLagrangian(xi, beta=2.0),
            ExpressionLagrangian("0.8*(V1**2 + V2**2 + V3**2) + V1**2*V2**2/2 + sin(V1)*V3", 3)]


def finite_difference(function, v, h=1e-6):
    return np.array([(function(v + h * e) - function(v - h * e)) / (2 * h)
                     for e in np.eye(len(v))])


@pytest.mark.parametrize("lagrangian", lagrangians(), ids=lambda c: type(c).__name__)
def test_field_is_the_hessian_times_the_state_and_the_gradient_of_w(lagrangian):
    rng = np.random.default_rng(8)
    for v in rng.uniform(-0.9, 0.9, size=(5, 3)):
        assert lagrangian.field(v) == pytest.approx(lagrangian.hessian(v) @ v, abs=1e-12)
        assert finite_difference(lagrangian.potential, v) == pytest.approx(
            lagrangian.field(v), abs=1e-7)
        assert finite_difference(lagrangian.phi, v) == pytest.approx(
            lagrangian.gradient(v), abs=1e-7)


@pytest.mark.parametrize("lagrangian", lagrangians(), ids=lambda c: type(c).__name__)
def test_both_w_formulas_agree(lagrangian):
    points = np.random.default_rng(9).uniform(-1, 1, size=(20, 3))
    assert lagrangian.potential(points) == pytest.approx(lagrangian.potential_line(points),
                                                         abs=1e-10)


def test_homogeneous_lagrangians_give_w_equal_to_d_minus_one_phi():
    xi = random_patterns(4, 5, seed=2)
    points = np.random.default_rng(3).uniform(-1, 1, size=(10, 5))
    for d in (2, 3, 5):
        lagrangian = DenseLagrangian(xi, degree=d)
        assert lagrangian.potential(points) == pytest.approx((d - 1) * lagrangian.phi(points))
    # d = 2 is the Hebbian coupling: W = ½ VᵀTV with T = ξᵀξ/n
    t = xi.T.astype(float) @ xi / 5
    w = 0.5 * np.einsum("ki,ij,kj->k", points, t, points)
    assert DenseLagrangian(xi, degree=2).potential(points) == pytest.approx(w)


@pytest.mark.parametrize("lagrangian", lagrangians(), ids=lambda c: type(c).__name__)
@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_minus_energy_gradient_is_the_vector_field(lagrangian, activation):
    net = CouplingNetwork(lagrangian, activation=activation, gain=1.5)
    rng = np.random.default_rng(10)
    lo, hi = (-0.9, 0.9) if activation == "tanh" else (0.05, 0.95)
    for v in rng.uniform(lo, hi, size=(5, 3)):
        assert -finite_difference(net.energy, v) == pytest.approx(net.vector_field(v), abs=1e-6)


@pytest.mark.parametrize("lagrangian", lagrangians(), ids=lambda c: type(c).__name__)
def test_energy_never_increases_along_trajectories(lagrangian):
    net = CouplingNetwork(lagrangian, gain=2.0)
    for seed in range(3):
        u0 = np.random.default_rng(seed).normal(0, 1, 3)
        run = net.run(u0, t_max=15.0, dt=0.01)
        assert not run.diverged and run.lyapunov
        # rounding: G(V) holds ½ log(1 − V²), whose error is ε/(1 − V²) per neuron; near
        # saturation (V → ±1) that is the noise floor of E between steps
        assert np.min(1 - run.V ** 2) > 1e-12
        noise = 3 * 2.2e-16 / np.min(1 - run.V ** 2) + 1e-12 * np.abs(run.energies).max()
        assert np.all(np.diff(run.energies) <= noise)
        assert run.energies[-1] < run.energies[0]


def test_a_too_large_step_reports_the_divergence():
    """RK4 on u̇ = −u + (bounded) amplifies by |1 − h + h²/2 − h³/6 + h⁴/24| = 1.375 per step
    at h = 3: the state leaves every bound and the run stops with a report."""
    net = CouplingNetwork(DenseLagrangian(random_patterns(3, 4, 1), degree=3), gain=5.0)
    with pytest.warns(RuntimeWarning, match="diverged at step"):
        run = net.run(np.ones(4), t_max=300.0, dt=3.0)
    assert run.diverged and "diverged at step" in run.note


# -- the closure check -----------------------------------------------------------------------------
def test_a_hessian_coupling_passes_the_check_with_its_energy():
    phi = ExpressionLagrangian("0.75*(V1**2 + V2**2) + V1**2*V2**2/2", 2)
    typed = [["1.5 + V2**2", "2*V1*V2"], ["2*V1*V2", "1.5 + V1**2"]]
    result = check_closure(typed, 2, activation="tanh", gain=1.0)
    assert result.holds and result.max_violation < 1e-12 and result.symmetric
    net = CouplingNetwork(phi)
    points = np.random.default_rng(0).uniform(-0.9, 0.9, (8, 2))
    assert result.energy(points) == pytest.approx(net.energy(points), abs=1e-10)
    # the same coupling given as a callable: finite differences, same verdict and energy
    callable_result = check_closure(lambda v: phi.hessian(v), 2)
    assert callable_result.holds and callable_result.max_violation < 1e-6
    assert callable_result.energy(points) == pytest.approx(net.energy(points), abs=1e-10)


def test_a_constant_symmetric_coupling_passes_with_the_classical_energy():
    result = check_closure([["0", "1.5"], ["1.5", "0"]], gain=2.0)
    assert result.holds
    v = np.array([0.3, -0.6])
    g_term = (v * np.arctanh(v) + 0.5 * np.log(1 - v * v)).sum() / 2.0
    assert result.energy(v) == pytest.approx(-0.5 * v @ np.array([[0, 1.5], [1.5, 0]]) @ v
                                             + g_term)


def test_a_violating_coupling_is_flagged_with_the_size_of_the_violation():
    """T = [[0, V1], [V1, 0]] is symmetric but (T_kj,i − T_ki,j)V_k gives C_12 = −V1: the
    largest |C| over the samples is the largest |V1| sampled."""
    result = check_closure([["0", "V1"], ["V1", "0"]], samples=500)
    assert not result.holds and result.energy is None
    assert result.symmetric
    assert result.max_violation == pytest.approx(abs(result.worst_point[0]), rel=1e-12)
    assert result.max_violation > 0.9
    assert "violated" in result.message
    # the same as a callable (finite differences)
    result = check_closure(lambda v: np.array([[0.0, v[0]], [v[0], 0.0]]), 2, samples=500)
    assert not result.holds and result.max_violation > 0.9
    # an asymmetric constant T is no gradient either
    result = check_closure([["1", "2"], ["-2", "1"]])
    assert not result.holds and not result.symmetric


def test_a_non_closed_network_reports_no_energy():
    coupling = ExpressionCoupling([["1", "2*V1"], ["2*V1", "1"]])
    net = CouplingNetwork(coupling, closed=False)
    run = net.run([0.2, -0.1], t_max=5.0, dt=0.01)
    assert not run.lyapunov and "no energy exists" in run.note


def test_bad_couplings_are_refused_clearly():
    with pytest.raises(ExpressionError, match=r"T\[1,2\].*unknown name 'W'"):
        check_closure([["V1", "W"], ["0", "V2"]])
    with pytest.raises(ExpressionError, match="double-underscore"):
        check_closure([["__import__", "0"], ["0", "0"]])
    with pytest.raises(ValueError, match="square"):
        check_closure([["0", "1"], ["1"]])
    with pytest.raises(ValueError, match="1 to 6 neurons"):
        ExpressionCoupling([["0"] * 7] * 7)
    with pytest.raises(ValueError, match="n_neurons"):
        check_closure(lambda v: np.eye(2))
    with pytest.raises(ValueError, match=r"returned shape \(3, 3\)"):
        check_closure(lambda v: np.eye(3), 2)
    with pytest.raises(ValueError, match="not finite"):
        check_closure(lambda v: np.full((2, 2), np.nan), 2)
    with pytest.raises(ValueError, match="domain"):
        check_closure([["0", "1"], ["1", "0"]], domain=(1, -1))
    with pytest.raises(ValueError, match="states"):
        DenseLagrangian(np.ones((2, 3))).field(np.ones(4))


# -- the slice ----------------------------------------------------------------------------------
def test_basins_sharpen_with_the_degree_and_beta():
    """Fraction of the slice within 10 % of the minimum energy shrinks as n grows."""
    patterns = random_patterns(6, 100, seed=0)

    def low_area(name_part, **kw):
        s = energy_slice(patterns, **kw)
        name = next(k for k in s.energies if k.startswith(name_part))
        e = s.energies[name]
        return np.nanmean(e < 0.1)

    assert low_area("dense", degree=6) < low_area("dense", degree=3) < low_area("classical")
    assert low_area("modern", beta=1.0) < low_area("modern", beta=0.01)
    s = energy_slice(patterns)
    i = np.argmin(np.abs(s.a - 1.0))
    j = np.argmin(np.abs(s.b))
    assert s.energies["dense, n = 3"][j, i] == pytest.approx(0.0, abs=0.05)  # ξ⁰ is a minimum
