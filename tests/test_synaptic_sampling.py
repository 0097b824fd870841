"""Reward-based synaptic sampling with CaMKII momentum (seed 000, docs/synaptic_sampling.md):
the kernel against the linear theory, the stationary density, the time-to-reward comparison
over hundreds of networks, annealing, and bad input."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landscape_app.kernels.synaptic_sampling import quadratic_reward_kernel
from landscape_app.synaptic_sampling import (
    RewardNetworks,
    RewardTask,
    theory,
    two_pathways,
    variant,
)


def _growth_rate(path, axis, start, stop):
    return math.log(path[stop, axis] / path[start, axis]) / (stop - start)


@pytest.mark.parametrize("tau_g", [0.0, 50.0, 500.0])
def test_escape_from_a_quadratic_saddle_follows_the_linear_theory(tau_g):
    """No noise, R = ½θᵀHθ with H = diag(λ, −λ'), no prior: along the unstable axis θ grows
    as e^{st}, s = βcλ (no filter) or the positive root of s² + s/τ_g − βc_gλ = 0. The kernel is
    Euler with dt = 1, so the discrete rate differs from s by a relative O(s) ≤ 0.6 %: 1 % is
    the tolerance. The rate is read over ticks 2,000-4,000, once the decaying mode (rate
    −s − 1/τ_g) has fallen by e^{-16} or more."""
    beta, gain, lam = 5e-3, 0.5, 0.02
    settings_ = np.array([beta, 0.0, 0.0, gain, tau_g, 1e300, -1e300, 1e300, 1.0])
    theta = np.array([1e-6, 1e-3])
    g = np.zeros(2)
    n_ticks = 4_000
    path = np.empty((n_ticks + 1, 2))
    quadratic_reward_kernel(theta, g, np.diag([lam, -0.5]), settings_, n_ticks, path)
    expected = theory.escape_rate(beta, gain, lam, tau_g or None)
    measured = _growth_rate(path, 0, 2000, 4000)
    assert measured == pytest.approx(expected, rel=0.01)
    # the stable axis decays instead
    assert abs(path[-1, 1]) < abs(path[0, 1])
    if tau_g:  # with β c_g λ τ_g² ≫ 1 the filtered rate is far below β c_g λ τ_g
        assert expected < beta * gain * lam * tau_g


def test_the_linear_theory_limits():
    """s → β c_g λ τ_g when β c_g λ τ_g² ≪ 1, and s → √(β c_g λ) when ≫ 1."""
    assert theory.escape_rate(1e-6, 1.0, 1.0, 10.0) == pytest.approx(1e-5, rel=1e-3)
    assert theory.escape_rate(1.0, 1.0, 1.0, 1e6) == pytest.approx(1.0, rel=1e-3)


def _start_at_target(model, rng, n_cells):
    """Put every network's two plastic synapses at a draw from the target (cell by cell,
    uniform inside the cell)."""
    edges, p = theory.cell_probabilities(model, n_cells)
    cells = rng.choice(p.size, size=model.n_networks, p=p.ravel())
    i, j = np.unravel_index(cells, p.shape)
    width = edges[1] - edges[0]
    model.theta[:, 0, 0] = edges[i] + width * rng.random(model.n_networks)
    model.theta[:, 0, 1] = edges[j] + width * rng.random(model.n_networks)
    return edges, p


def _expected_tv(p, n, rng, repeats=20):
    """Mean TV between an exact sample of n points and p: the Monte-Carlo floor."""
    values = [0.5 * np.abs(rng.multinomial(n, p.ravel()) / n - p.ravel()).sum()
              for _ in range(repeats)]
    return float(np.mean(values)), float(np.std(values))


def test_plain_sampling_and_underdamped_langevin_keep_the_target_and_camkii_does_not():
    """Networks started from p(θ) ∝ exp([−c_p|θ−μ|²/2 + cR(θ)]/T) (exact gradient, T = 0.3)
    and run 2,000 ticks (2.5 prior relaxation times): plain synaptic sampling and underdamped
    Langevin (the same gain and friction 1/τ_g as the filter, noise on the velocity, which
    starts from its own Gaussian N(0, aT), a = β/τ_g) stay within the Monte-Carlo floor of the
    TV distance (mean + 4 sd of the TV of an exact sample of the same size) plus 0.02 for the
    integrators' bias; the CaMKII filter at the same effective gain ("Hamiltonian sampling":
    noise on θ, not on a momentum) moves the population away from it: measured TV 0.48 on
    20 × 20 cells, plain 0.107, underdamped 0.105, an exact sample of 4,000 points 0.103 ± 0.005
    (docs/synaptic_sampling.md)."""
    rng = np.random.default_rng(5)
    n, n_cells = 4000, 20
    tvs = {}
    for name in ("plain", "same gain", "underdamped"):
        model = variant(RewardNetworks(n_networks=n, seed=3, temperature=0.3,
                                       exact_gradient=True), name)
        model.reset()
        edges, p = _start_at_target(model, rng, n_cells)
        if name == "underdamped":  # velocities from their stationary Gaussian
            scale = math.sqrt(model.beta / model.tau_g * model.temperature)
            model.g[:, 0, :2] = scale * rng.standard_normal((n, 2))
        model.advance(2000, thin=2000)
        tvs[name] = theory.total_variation(model.theta[:, 0, :2], edges, p)
    floor, spread = _expected_tv(p, n, rng)
    assert tvs["plain"] < floor + 4 * spread + 0.02, tvs
    assert tvs["underdamped"] < floor + 4 * spread + 0.02, tvs
    assert tvs["same gain"] > tvs["plain"] + 0.1, tvs


def _time_to_reward(name, n=250, ticks=20_000):
    model = variant(RewardNetworks(n_networks=n, seed=11), name)
    model.advance(ticks, thin=ticks)
    hit = model.first_hit.astype(float)
    return np.where(hit >= 0, hit, np.inf)


def test_time_to_reward_over_hundreds_of_networks():
    """250 networks per variant, 20,000 ticks, reward level 0.8 (docs/synaptic_sampling.md
    has the medians and quartiles). Measured: the same c_g (an effective gain τ_g = 500 times
    larger) reaches it in every network, quartiles 240 / 416 / 742 ticks; plain synaptic
    sampling: 51 % there by the end, median 19,346 ticks; the filter at the same effective
    gain is slower than plain (13 % there): the momentum alone does not speed the
    escape from the retracted plateau, where the gradient is zero and noise must carry θ > 0
    long enough for g to build up. Fractions have a binomial sd ≤ 3.2 % at n = 250; the bounds
    are ≥ 4 sd from the measured values."""
    plain, same_cg, same_gain = (_time_to_reward(v) for v in ("plain", "same c_g", "same gain"))
    assert np.isfinite(same_cg).all() and np.median(same_cg) < 2000
    reached_plain = np.isfinite(plain).mean()
    reached_gain = np.isfinite(same_gain).mean()
    assert 0.35 < reached_plain < 0.8
    assert reached_gain < reached_plain - 0.2
    assert np.median(same_cg) < 0.2 * np.nanmedian(np.where(np.isfinite(plain), plain, np.nan))


def _modes(model):
    a, b = model.theta[:, 0, 0], model.theta[:, 0, 1]
    return (a > 1.5) & (b < 1), (b > 1.5) & (a < 1)


def test_annealing_ends_in_the_global_optimum_and_fixed_temperature_keeps_exploring():
    """The two-pathway landscape's global maximum (A grown, B retracted; theory.modes) vs the
    local one (B grown). CaMKII with the same c_g, T from 1 falling as 0.9999^k over 60,000
    ticks (to 0.0025): measured 93.7 % of 300 networks in the global optimum, 4.7 % in the
    local (binomial sd 1.4 %): bound 84 %. Plain synaptic sampling under the same schedule ends
    with 54 % of its networks still retracted (45 % global). At fixed T = 0.1, 41 % of the
    networks changed solution between ticks 10,000 and 20,000 (bound 5 %)."""
    model = variant(RewardNetworks(n_networks=300, seed=2, temperature=1.0,
                                   schedule="exponential", cooling_rate=0.9999), "same c_g")
    model.advance(60_000, thin=60_000)
    best, local = _modes(model)
    assert best.mean() >= 0.84 and local.mean() < 0.15
    found = theory.modes(model)
    assert found[0]["theta"][0] > 2 and found[0]["theta"][1] < 1

    fixed = variant(RewardNetworks(n_networks=300, seed=2, temperature=0.1), "same c_g")
    fixed.advance(10_000, thin=10_000)
    before = np.stack(_modes(fixed))
    fixed.advance(10_000, thin=10_000)
    after = np.stack(_modes(fixed))
    assert (before != after).any(axis=0).mean() > 0.05


def test_a_run_is_reproducible_for_a_seed_and_the_records_are_consistent():
    a = RewardNetworks(n_networks=50, seed=4)
    b = RewardNetworks(n_networks=50, seed=4)
    ra, rb = a.advance(500, thin=10, watch=50), b.advance(500, thin=10, watch=50)
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(ra.spikes, rb.spikes)
    assert ra.reward.shape == (51, 50) and ra.pair.shape == (51, 50, 2)
    np.testing.assert_array_equal(ra.pair[-1], a.theta[:, 0, :2])
    # the recorded reward is R(θ) of the theory
    np.testing.assert_allclose(ra.reward[-1], theory.expected_reward(
        a.the_task(), a.theta, a.w0, a.theta0), rtol=1e-9)
    # retracted synapses weigh nothing
    assert np.all(a.weights()[a.theta <= 0] == 0)
    assert ra.spikes.shape == (50, 500) and set(np.unique(ra.spikes)) <= {0, 1}


def test_the_gradient_estimate_averages_to_the_reward_gradient_times_its_gain():
    """Dopamine × eligibility averages to ∂R/∂θ (REINFORCE) times ``theory.estimate_gain``
    (0.8475: the running baseline correlates with the trace's older terms; checked against
    central differences of R): with β = 0 (θ frozen) the filter
    g over 20,000 ticks with τ_g = 1e5 holds τ_g(1 − e^{−t/τ_g})·mean(G); 2,000 networks.
    The spread of the mean over networks sets the tolerance (4 standard errors)."""
    model = RewardNetworks(n_networks=2000, seed=7, beta=0.0, tau_g=1e5, start_mean=2.5,
                           start_sd=0.0, g_clip=1e12)
    model.advance(20_000, thin=20_000)
    scale = 1e5 * (1 - math.exp(-20_000 / 1e5))
    estimate = model.g[:, 0, :2] / scale
    task = model.the_task()
    theta = model.theta[0].copy()
    exact = []
    for i in range(2):  # central differences of R
        h = 1e-5
        up, down = theta.copy(), theta.copy()
        up[0, i] += h
        down[0, i] -= h
        exact.append((theory.expected_reward(task, up, model.w0, model.theta0)
                      - theory.expected_reward(task, down, model.w0, model.theta0)) / (2 * h))
    mean = estimate.mean(axis=0)
    error = estimate.std(axis=0) / math.sqrt(model.n_networks)
    gain = theory.estimate_gain(model.tau_e, model.tau_b)
    assert gain == pytest.approx(0.8475, abs=1e-3)
    assert np.all(np.abs(mean - gain * np.array(exact)) < 4 * error + 1e-4)


@pytest.mark.parametrize("bad, message", [
    ({"tau_g": -1.0}, "tau_g"), ({"tau_e": 0.0}, "tau_e"), ({"temperature": -0.1}, "temp"),
    ({"beta": float("nan")}, "beta"), ({"theta_min": 6.0}, "inverted"),
    ({"gain": float("inf")}, "finite"), ({"n_networks": 0}, "n_networks"),
])
def test_bad_settings_are_refused_clearly(bad, message):
    with pytest.raises(ValueError, match=message):
        model = RewardNetworks(**bad)
        model.advance(10)


def test_bad_tasks_are_refused_clearly():
    good = two_pathways()
    fields = {k: getattr(good, k) for k in ("name", "inputs", "rewards", "bias", "cue_probs",
                                            "plastic", "fixed_theta")}
    for change, message in [({"inputs": [[np.nan, 1.0]]}, "finite"),
                            ({"rewards": [[1.0, 0.0, 0.0]]}, "shape"),
                            ({"cue_probs": [0.5]}, "sum"),
                            ({"plastic": [[False, False], [False, False]]}, "plastic")]:
        with pytest.raises(ValueError, match=message):
            RewardTask(**{**fields, **change})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({
    "beta": st.floats(-1, 1e6) | st.just(math.nan), "gain": st.floats(-1, 1e9),
    "temperature": st.floats(-1, 1e6) | st.just(math.inf),
    "tau_g": st.floats(-1, 1e6) | st.just(math.nan), "w0": st.floats(-1, 1e6),
    "theta_max": st.floats(-10, 10), "camkii": st.booleans(),
}))
def test_any_settings_run_finite_or_are_refused(values):
    """Whatever is typed: a ValueError naming the problem, or a run whose numbers are finite
    and inside the θ bounds (the clip holds even at absurd gains)."""
    try:
        model = RewardNetworks(n_networks=8, **values)
        records = model.advance(50)
    except ValueError:
        return
    assert np.all(np.isfinite(records.reward))
    plastic = model.theta[:, model.the_task().plastic]  # fixed synapses keep their θ
    assert np.all((plastic >= model.theta_min) & (plastic <= model.theta_max))


def test_the_tau_g_sweep_starts_at_plain_sampling_and_separates_gain_from_momentum():
    """Time to reward against τ_g (250 networks, 20,000 ticks, two pathways, one seed). At
    τ_g = 1 tick the filter is g = G: both ways are plain sampling exactly, the same networks
    at the same ticks. As τ_g grows, the same c_g (a gain τ_g times larger) reaches the level
    in every network, ever sooner (measured: 100 %, medians 605 and 368 ticks at τ_g = 30 and
    500, 43× plain's 15,996); the same effective gain reaches it ever more rarely (measured
    53 % at 30, 13 % at 500; plain 59 %). Binomial sd ≤ 3.2 % at n = 250; the bounds are
    ≥ 4 sd from the measured values."""
    from landscape_app.synaptic_sampling import tau_g_sweep

    model = RewardNetworks(task="two_pathways", n_networks=250, seed=3)
    sweep = tau_g_sweep(model, tau_gs=(1, 30, 500), n_ticks=20_000, scheduler="serial")
    for fair in ("same gain", "same c_g"):
        assert sweep.reached[fair][0] == sweep.plain_reached
        np.testing.assert_array_equal(sweep.quartiles[fair][0], sweep.plain_quartiles)
    assert 0.4 < sweep.plain_reached < 0.75
    camkii, same_gain = sweep.reached["same c_g"], sweep.reached["same gain"]
    assert camkii[2] > 0.95 and sweep.quartiles["same c_g"][2, 1] < 1000
    assert sweep.quartiles["same c_g"][2, 1] < sweep.quartiles["same c_g"][1, 1]
    assert same_gain[2] < sweep.plain_reached - 0.25 and same_gain[2] < same_gain[1] - 0.2
    assert np.isnan(sweep.median_speedup("same gain")[2])  # its median is never reached
    assert sweep.median_speedup("same c_g")[2] > 10


def test_the_tau_g_sweep_on_dask_equals_the_serial_one():
    """Each point carries its seed: a LocalCluster returns what a serial run returns."""
    from landscape_app.synaptic_sampling import tau_g_sweep

    model = RewardNetworks(task="two_pathways", n_networks=60, seed=5)
    serial = tau_g_sweep(model, tau_gs=(1, 100), n_ticks=3000, scheduler="serial")
    local = tau_g_sweep(model, tau_gs=(1, 100), n_ticks=3000, scheduler="local")
    assert "serial" not in local.engine
    for fair in ("same gain", "same c_g"):
        np.testing.assert_array_equal(local.reached[fair], serial.reached[fair])
        np.testing.assert_array_equal(local.quartiles[fair], serial.quartiles[fair])
    assert local.plain_reached == serial.plain_reached


@pytest.mark.parametrize("tau_gs, ticks, networks, message", [
    ((), 100, 10, "non-empty"), ((0.5, 10), 100, 10, "at least one tick"),
    ((float("nan"),), 100, 10, "finite"), ((10,), 0, 10, "ticks"),
    ((10,), 1_000_000, 1000, "more than a sweep point"),
])
def test_bad_tau_g_sweeps_are_refused_clearly(tau_gs, ticks, networks, message):
    from landscape_app.synaptic_sampling import tau_g_sweep

    with pytest.raises(ValueError, match=message):
        tau_g_sweep(RewardNetworks(n_networks=networks), tau_gs=tau_gs, n_ticks=ticks,
                    scheduler="serial")
