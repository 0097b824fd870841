"""Hopfield networks against docs/science.md section 3: energy descent, cycles, capacity, G(V)."""

import numpy as np
import pytest
from scipy import integrate

from landscape_app import landscapes
from landscape_app.hopfield import ContinuousHopfield, HopfieldNetwork
from landscape_app.hopfield.activations import G_numpy, g_inverse_numpy, g_numpy
from landscape_app.hopfield.capacity import capacity_point, theory_bit_error
from landscape_app.hopfield.pair import PairEnergy
from landscape_app.hopfield.patterns import characters, corrupt, random_patterns
from landscape_app.hopfield.plane import energy_plane
from landscape_app.kernels.hopfield import async_updates
from landscape_app.page_models.hopfield.recall import RecallSession


def random_symmetric(n, seed):
    rng = np.random.default_rng(seed)
    t = rng.standard_normal((n, n))
    t = 0.5 * (t + t.T)
    np.fill_diagonal(t, 0.0)
    return t


# -- energy descent --------------------------------------------------------------------------------
@pytest.mark.parametrize("threshold", [0.0, 0.3])
def test_asynchronous_updates_never_increase_the_energy(threshold):
    """With T symmetric and a zero diagonal, each flip changes E by −Δ(hᵢ − a) ≤ 0."""
    net = HopfieldNetwork(300, threshold=threshold)
    net.set_weights(random_symmetric(300, 1))
    for seed in range(5):
        cue = random_patterns(1, 300, seed=seed)[0]
        result = net.recall(cue, mode="async", max_sweeps=200, seed=seed)
        assert result.status == "converged"
        assert np.all(np.diff(result.energies) <= 1e-9)
        np.testing.assert_allclose(result.energies, net.energy(result.states), atol=1e-9)


@pytest.mark.parametrize("symmetric", [True, False])
def test_incremental_fields_match_a_neuron_by_neuron_loop(symmetric):
    """The kernel keeps h = TV and m = ξV/N by adding columns; a plain loop recomputing
    hᵢ = Tᵢ·V at each visit must make the same decisions and reach the same state."""
    n = 400
    rng = np.random.default_rng(5)
    weights = random_symmetric(n, 2) if symmetric else rng.standard_normal((n, n))
    np.fill_diagonal(weights, 0.0)
    xi = random_patterns(3, n, seed=3).astype(np.float64)
    v = random_patterns(1, n, seed=4)[0].astype(np.float64)
    h, overlaps = weights @ v, xi @ v / n
    columns = np.ascontiguousarray(weights.T)
    order = rng.permutation(n)
    expected = v.copy()
    for _ in range(3):
        position, flips = async_updates(columns, v, h, 0.1, order, 0, n,
                                        np.ascontiguousarray(xi.T), overlaps)
        for i in order:
            expected[i] = 1.0 if weights[i] @ expected >= 0.1 else -1.0
        assert position == 0 and flips > 0
        np.testing.assert_array_equal(v, expected)
        np.testing.assert_allclose(h, weights @ v, atol=1e-10)
        np.testing.assert_allclose(overlaps, xi @ v / n, atol=1e-12)


def test_hebbian_integer_couplings_give_the_same_recall_as_float_ones():
    """Under Hebb's rule the kernel reads N·T as int16 and gets N·TV from the patterns.
    With N even and P odd, N·hᵢ is odd (P sums of N − 1 terms ±1), so no field is ever
    exactly at the threshold 0 and both representations must take the same decisions."""
    n, p = 400, 21
    patterns = random_patterns(p, n, seed=8)
    hebb = HopfieldNetwork(n).store(patterns)
    plain = HopfieldNetwork(n, rule="storkey").store(patterns)  # for its overlaps
    plain.set_weights(hebb.weights)  # the same T, given directly: the float64 path
    cue = corrupt(patterns[3], 0.25, seed=1)
    columns, fields, scale = hebb.asynchronous_operands(cue)
    assert columns.dtype == np.int16 and scale == n
    np.testing.assert_allclose(fields, n * (hebb.weights @ cue), atol=1e-8)
    assert plain.asynchronous_operands(cue)[0].dtype == np.float64
    for seed in range(3):
        a = hebb.recall(cue, max_sweeps=50, seed=seed)
        b = plain.recall(cue, max_sweeps=50, seed=seed)
        np.testing.assert_array_equal(a.states, b.states)
        np.testing.assert_allclose(a.energies, b.energies, atol=1e-9)
        np.testing.assert_allclose(a.overlaps, b.overlaps, atol=1e-12)
    hebb.set_weights(hebb.weights)  # couplings from elsewhere: back to float64
    assert hebb.asynchronous_operands(cue)[0].dtype == np.float64


def test_energy_descends_update_by_update_in_the_session():
    session = RecallSession(source="random", n_patterns=20, noise=0.3)
    energies = [session.energy()]
    while not session.done:
        session.step(1)
        energies.append(session.energy())
    assert np.all(np.diff(energies) <= 1e-9)


@pytest.mark.parametrize("chunk", [1, 7, 50, 130])
def test_the_session_stops_as_the_recall_kernel_does_after_a_sweep_without_flips(chunk):
    """The page's recall advances a few updates per frame; it once called a recall converged
    after N updates in a row without a flip, which straddle two sweeps of different random
    orders, and stopped mid-sweep (17 of these 60 recalls, "converged after 1.37 sweeps").
    The kernel's rule (``async_recall``): converged after a whole sweep without flips, at a
    fixed point of the dynamics."""
    for seed in range(15):
        session = RecallSession(n_patterns=3, noise=0.1, seed=seed)
        while not session.done:
            session.step(chunk)
        net = session.network
        assert session.status == "converged"
        assert session.updates % net.n_neurons == 0
        stable = np.where(net.local_fields(session.state) >= net.threshold, 1.0, -1.0)
        assert np.array_equal(stable, session.state)


@pytest.mark.parametrize("rule", ["hebbian", "pseudo_inverse"])
def test_synchronous_session_recall_matches_the_kernel(rule):
    """Synchronous updates are deterministic: the page's recall, sweep by sweep, ends in the
    state, with the status and after the sweeps, of ``HopfieldNetwork.recall`` (its kernel)."""
    for seed, noise in ((0, 0.2), (1, 0.45), (2, 0.6)):
        session = RecallSession(source="random", n_patterns=30, rule=rule, mode="sync",
                                noise=noise, seed=seed)
        result = session.network.recall(session.cue, mode="sync", max_sweeps=200)
        while not session.done:
            session.step(1)
        assert session.status == result.status
        assert session.updates // session.network.n_neurons == result.sweeps
        assert np.array_equal(session.state, result.final_state)


def test_energy_never_increases_along_continuous_trajectories():
    """dE/dt = −Σ g′(uᵢ) u̇ᵢ² ≤ 0 for symmetric T; RK4 with dt = 0.01 resolves it."""
    for activation in ("tanh", "logistic", "arctan"):
        net = ContinuousHopfield(random_symmetric(40, 2) / 4, activation=activation, gain=2.0,
                                 inputs=np.random.default_rng(3).normal(0, 0.2, 40))
        u0 = np.random.default_rng(4).normal(0, 1, 40)
        run = net.run(u0, t_max=10.0, dt=0.01)
        assert run.lyapunov
        assert np.all(np.diff(run.energies) <= 1e-10), activation
        assert run.energies[-1] < run.energies[0]


def test_continuous_network_runs_with_asymmetric_couplings():
    net = ContinuousHopfield([[1.5, 2.0], [-2.0, 1.5]], gain=1.0)
    run = net.run([0.1, 0.1], t_max=40.0, dt=0.01)
    assert not run.lyapunov and "no energy function" in run.note
    radius = np.hypot(*run.V[-300:].T)
    assert radius.min() > 0.5  # it circles: a limit cycle, no fixed point reached
    assert np.ptp(run.energies[-300:]) > 0.01  # and the formula's value goes up and down


def test_an_unstable_integration_stops_and_says_where():
    """RK4 on u̇ ≈ −u is unstable for dt > 2.79: the run stops, reports the step, warns."""
    net = ContinuousHopfield([[0.0, 1.0], [1.0, 0.0]])
    with pytest.warns(RuntimeWarning, match="diverged at step 2"):
        run = net.run([0.1, 0.2], t_max=500.0, dt=5.0)
    assert run.diverged and run.diverged_at == 2
    assert run.note.startswith("diverged at step 2 (t = 10)")
    assert len(run.times) == len(run.u) == 2 and np.all(np.isfinite(run.u))
    assert not net.run([0.1, 0.2], t_max=50.0, dt=0.1).diverged


# -- cycles ----------------------------------------------------------------------------------------
def test_synchronous_two_cycle_is_detected_and_reported():
    net = HopfieldNetwork(2)
    net.set_weights([[0.0, 1.0], [1.0, 0.0]])
    result = net.recall([1, -1], mode="sync", max_sweeps=20)
    assert result.status == "cycle" and result.cycle_period == 2
    assert result.states.tolist()[:3] == [[1, -1], [-1, 1], [1, -1]]
    # asynchronously the same network settles
    assert net.recall([1, -1], mode="async", max_sweeps=20).status == "converged"


def test_synchronous_cycles_in_a_large_network():
    """Synchronous dynamics end in fixed points or 2-cycles (Goles) for symmetric T."""
    net = HopfieldNetwork(200)
    net.set_weights(-np.abs(random_symmetric(200, 5)))
    result = net.recall(random_patterns(1, 200, seed=1)[0], mode="sync", max_sweeps=100)
    assert result.status in ("converged", "cycle")
    if result.status == "cycle":
        assert result.cycle_period == 2


# -- capacity (docs/science.md: N = 1000) ----------------------------------------------------------
@pytest.mark.parametrize("alpha,reference", [(0.105, 0.00103), (0.138, 0.00345),
                                             (0.185, 0.00994), (0.37, 0.0502),
                                             (0.61, 0.0995)])
def test_one_step_bit_error_rates_at_n_1000(alpha, reference):
    """Five independent pattern sets give ≥ 5·10⁵ bits, so the relative sampling error of the
    smallest rate (10⁻³) is about 4 %: the table's 15 % is at least 3.5 standard errors."""
    errors, _ = capacity_point(1000, alpha, trials=5, recalls=0, seed=11)
    assert abs(errors.mean() - reference) < 0.15 * reference
    assert abs(theory_bit_error(alpha) - reference) < 0.05 * reference


def test_final_overlaps_below_and_above_the_critical_load():
    """α = 0.10: mean final overlap ≥ 0.98 (reference 0.997); α = 0.20: below 0.7 (0.30)."""
    _, below = capacity_point(1000, 0.10, trials=2, recalls=15, seed=3)
    _, above = capacity_point(1000, 0.20, trials=2, recalls=15, seed=3)
    assert below.mean() >= 0.98
    assert above.mean() < 0.7


def test_hebbian_patterns_are_recalled_from_noisy_cues():
    patterns = random_patterns(10, 500, seed=4)
    net = HopfieldNetwork(500).store(patterns)
    for k in range(10):
        result = net.recall(corrupt(patterns[k], 0.15, seed=k), seed=k)
        index, overlap = result.best_match()
        assert index == k and overlap == pytest.approx(1.0)


@pytest.mark.parametrize("rule", ["pseudo_inverse", "storkey"])
def test_other_rules_store_more_than_hebb(rule):
    """At α = 0.2 Hebb fails (overlap ~0.3) while the pseudo-inverse (every pattern a fixed
    point up to α = 1) and Storkey's rule (α_c ≈ 0.25) still recall."""
    patterns = random_patterns(40, 200, seed=6)
    hebb = HopfieldNetwork(200).store(patterns)
    other = HopfieldNetwork(200, rule=rule).store(patterns)
    assert other.one_step_errors().mean() < hebb.one_step_errors().mean()
    overlaps = [other.recall(patterns[k], seed=k).overlaps[-1, k] for k in range(10)]
    assert np.mean(overlaps) > 0.95


# -- activations -----------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "logistic", "arctan"])
@pytest.mark.parametrize("gain", [0.5, 3.0])
def test_G_is_the_integral_of_the_inverse_activation(activation, gain):
    lo, hi = (-1, 1) if activation == "tanh" else (0, 1)
    start = 0.0 if activation == "tanh" else 0.5
    for v in np.linspace(lo + 0.01, hi - 0.01, 9):
        integral, _ = integrate.quad(lambda x: float(g_inverse_numpy(x, activation, gain)),
                                     start, v)
        expected = integral + float(G_numpy(start, activation, gain))
        assert abs(float(G_numpy(v, activation, gain)) - expected) < 1e-8
    u = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(g_inverse_numpy(g_numpy(u, activation, gain), activation, gain),
                               u, atol=1e-8)


# -- two neurons and the energy plane --------------------------------------------------------------
def test_two_neuron_energy_extrema_are_the_flows_fixed_points():
    pair = PairEnergy(t12=1.0, t21=1.0, gain=3.0)
    critical = landscapes.find_critical_points(pair)
    fixed = pair.fixed_points()
    kinds = {"minimum": "sink", "maximum": "source", "saddle": "saddle"}
    assert len(critical) == len(fixed) == 3
    for c in critical:
        match = min(fixed, key=lambda f: np.hypot(f.x - c.x, f.y - c.y))
        assert np.hypot(match.x - c.x, match.y - c.y) < 1e-6
        assert match.kind == kinds[c.kind]
    # −∇E is the flow's direction up to the positive factors g′(uᵢ)
    pts = np.array([[0.3, -0.4], [-0.7, 0.2], [0.5, 0.5]])
    flow, grad = pair.flow(pts), pair.gradient(pts)
    assert np.all(flow * -grad > 0)


def test_asymmetric_pair_has_a_spiral_source_and_a_limit_cycle():
    pair = PairEnergy(t11=1.5, t12=2.0, t21=-2.0, t22=1.5, gain=1.0)
    assert not pair.is_symmetric
    (origin,) = pair.fixed_points()
    assert origin.kind == "unstable spiral"
    _, V = pair.trajectory([0.05, 0.0], t_max=40.0)
    assert np.hypot(*V[-100:].T).min() > 0.5


def test_energy_plane_puts_the_stored_patterns_at_its_minima():
    patterns = random_patterns(5, 300, seed=8)
    net = HopfieldNetwork(300).store(patterns)
    plane = energy_plane(net.weights, patterns[0], patterns[1], gain=20.0, resolution=81)
    e = np.where(np.isfinite(plane.energy), plane.energy, np.inf)
    j, i = np.unravel_index(np.argmin(e), e.shape)
    corners = {(1, 0), (0, 1), (-1, 0), (0, -1)}
    assert (round(plane.a[i]), round(plane.b[j])) in corners
    np.testing.assert_allclose(plane.project(patterns[:2]), [[1, 0], [0, 1]], atol=1e-12)


def test_character_patterns():
    digits = characters("0123456789")
    assert digits.shape == (10, 400) and set(np.unique(digits)) == {-1, 1}
    assert 0.2 < (digits == 1).mean() < 0.6


# -- bad input -------------------------------------------------------------------------------------
def test_patterns_of_the_wrong_length_or_values_are_refused():
    net = HopfieldNetwork(10)
    with pytest.raises(ValueError, match="length n_neurons = 10"):
        net.store(np.ones((2, 9)))
    with pytest.raises(ValueError, match=r"only \+1 and -1"):
        net.store(np.zeros((1, 10)))
    with pytest.raises(ValueError, match=r"only \+1 and -1"):
        net.store(np.full(10, np.nan))
    with pytest.raises(ValueError, match="cue must have length"):
        net.recall(np.ones(11))
    with pytest.raises(ValueError, match="mode"):
        net.recall(np.ones(10), mode="parallel")


def test_bad_weight_matrices_are_refused():
    with pytest.raises(ValueError, match="square"):
        ContinuousHopfield(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN or inf"):
        ContinuousHopfield([[0.0, np.nan], [1.0, 0.0]])
    net = HopfieldNetwork(3)
    with pytest.raises(ValueError, match="square"):
        net.set_weights(np.ones((3, 2)))
    with pytest.raises(ValueError, match="NaN or inf"):
        net.set_weights(np.full((3, 3), np.inf))
    with pytest.raises(ValueError, match="3 × 3"):
        net.set_weights(np.ones((4, 4)))
    with pytest.raises(ValueError, match="u0"):
        ContinuousHopfield(np.eye(2)).run([np.nan, 0.0], t_max=1.0)


def test_a_network_too_large_for_memory_is_refused_with_what_it_needs():
    # 10¹² couplings: float64 T, plus N·T as int16 under Hebb's rule
    # a ValueError (refused input) that is also a MemoryError for callers catching those
    with pytest.raises(ValueError, match=r"1,000,000 neurons .* needs 9313\.2 GiB"):
        HopfieldNetwork(1_000_000)
    with pytest.raises(MemoryError, match=r"1,000,000 neurons .* needs 7450\.6 GiB"):
        HopfieldNetwork(1_000_000, rule="storkey")
