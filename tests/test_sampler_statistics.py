"""Statistical correctness of the samplers against exact results (docs/science.md sections 1 and 2).

How the tolerances are set. Chains are independent and started independently, so once they have
mixed, the final states of N chains are N independent draws from the sampler's distribution:

* density tests compare their histogram with the exact grid density and accept when the total
  variation distance lies below the 99.9 % quantile of its *null distribution*, the TV scored by
  N exact independent draws (simulated from the grid); a biased sampler lands above it (shown by
  unadjusted Langevin with a large step);
* moment tests accept |mean − reference| ≤ 4 standard errors, SE = sample sd / √N.

Run lengths are long enough to mix from the given starts (checked by running longer: the
statistics do not move), not tuned to the tolerance.
"""

import math

import numpy as np
import pytest

from landscape_app import landscapes, samplers

pytestmark = pytest.mark.slow

DENSITY_CASES = {
    # landscape, T: (sampler, settings, steps)
    ("double_well", 1.0): [
        ("MALA", {"step_size": 0.05}, 1000),
        ("HMC", {"step_size": 0.1, "n_leapfrog": 10}, 500),
        ("NUTS", {"step_size": 0.1, "adapt_steps": 200}, 500),
        ("RandomWalkMetropolis", {"step_size": 0.5}, 1000),
        ("UnderdampedLangevin", {"step_size": 0.05, "friction": 1.0}, 1000),
        ("MCLMC", {"step_size": 0.01, "momentum_length": 1.0, "adapt_steps": 300}, 1000),
        ("ParallelTempering", {"step_size": 0.05, "replicas": 4, "hottest": 8.0}, 500),
        ("ParallelTempering", {"step_size": 0.5, "replicas": 4, "hottest": 8.0, "move": "RWM"},
         500),
        ("StretchMove", {"step_size": 1.0}, 1000),
        ("DEMCMC", {"step_size": 0.01}, 1000),
    ],
    ("muller_brown", 20.0): [
        ("MALA", {"step_size": 2e-4}, 8000),
        ("HMC", {"step_size": 0.01, "n_leapfrog": 10}, 1500),
        ("NUTS", {"step_size": 0.01, "adapt_steps": 200}, 1500),
        ("RandomWalkMetropolis", {"step_size": 0.1}, 8000),
        ("UnderdampedLangevin", {"step_size": 0.005, "friction": 20.0}, 8000),
        # unadjusted: at the default energy-error target 5e-4 its bias shows here (TV 0.047-
        # 0.051 against a bound of 0.048); at 2e-5 (ε 0.038 instead of 0.063) it is gone
        ("MCLMC", {"step_size": 0.01, "momentum_length": 0.3, "adapt_steps": 300,
                   "energy_error": 2e-5}, 4000),
        ("ParallelTempering", {"step_size": 2e-4, "replicas": 4, "hottest": 8.0}, 2000),
        ("StretchMove", {"step_size": 1.0}, 4000),
        ("DEMCMC", {"step_size": 0.003}, 4000),
    ],
}
N_DENSITY = 20_000
BINS = 30


def _tv_and_bound(landscape, temperature, final_states):
    grid = landscapes.exact_density(landscape, temperature, bins=BINS)
    _, inside, _ = grid.histogram(final_states)
    null = grid.tv_null_distribution(inside, repeats=1000, seed=99)
    return grid.tv_distance(final_states), float(np.quantile(null, 0.999))


@pytest.mark.parametrize(
    "landscape_name,temperature,method,settings,steps",
    [(ln, t, m, s, k) for (ln, t), cases in DENSITY_CASES.items() for m, s, k in cases],
)
def test_sampler_matches_the_exact_density(landscape_name, temperature, method, settings, steps):
    land = landscapes.get(landscape_name)
    sampler = samplers.METHODS[method](landscape=land, temperature=temperature,
                                       n_chains=N_DENSITY, seed=3, **settings)
    final = sampler.run(steps, thin=steps).positions[-1]
    tv, bound = _tv_and_bound(land, temperature, final)
    assert tv < bound, f"{method} on {landscape_name}: TV {tv:.4f} ≥ null 99.9 % {bound:.4f}"


def test_the_density_test_detects_a_biased_sampler():
    """Unadjusted Langevin with η = 0.1 on the double well samples an O(η)-biased density: the
    same statistic must reject it (otherwise the tests above could not fail)."""
    land = landscapes.get("double_well")
    run = samplers.Langevin(landscape=land, temperature=1.0, step_size=0.1, n_chains=N_DENSITY,
                            seed=3).run(2000, thin=2000)
    tv, bound = _tv_and_bound(land, 1.0, run.positions[-1])
    assert tv > bound


def test_weight_noise_preserving_the_density_matches_it_and_the_plain_form_does_not():
    land = landscapes.get("double_well")
    results = {}
    for preserve in (True, False):
        run = samplers.WeightNoiseLangevin(landscape=land, temperature=1.0, step_size=0.005,
                                           n_chains=N_DENSITY, seed=3,
                                           preserve_density=preserve).run(4000, thin=4000)
        results[preserve] = _tv_and_bound(land, 1.0, run.positions[-1])
    assert results[True][0] < results[True][1]
    assert results[False][0] > 3 * results[False][1]


MOMENT_CASES = {
    # E[x²] = 100, E[y²] = 19 (docs/science.md); chains start at the mode (0, −3)
    "banana": [
        ("MALA", {"step_size": 0.6}, 16000),
        ("HMC", {"step_size": 0.3, "n_leapfrog": 20}, 4000),
        ("NUTS", {"step_size": 0.1, "adapt_steps": 500}, 2000),
        ("RandomWalkMetropolis", {"step_size": 1.5}, 16000),
        ("UnderdampedLangevin", {"step_size": 0.3, "friction": 0.3}, 16000),
        ("MCLMC", {"step_size": 0.1, "momentum_length": 10.0, "adapt_steps": 500}, 16000),
        ("ParallelTempering", {"step_size": 0.6, "replicas": 4, "hottest": 10.0}, 8000),
        ("StretchMove", {"step_size": 1.0}, 4000),
        ("DEMCMC", {"step_size": 0.01}, 4000),
    ],
    # E[x] = 1.6, E[x²] = 13.8; all chains start in the large mode at the origin, so the
    # 20 % weight of the far mode must be reached by crossing the barrier (ΔE ≈ 8)
    "gaussian_mixture": [
        ("MALA", {"step_size": 2.5}, 16000),
        ("HMC", {"step_size": 0.4, "n_leapfrog": 8}, 16000),
        ("NUTS", {"step_size": 0.1, "adapt_steps": 500}, 4000),
        ("RandomWalkMetropolis", {"step_size": 4.0}, 8000),
        ("UnderdampedLangevin", {"step_size": 0.5, "friction": 0.1}, 48000),
        ("MCLMC", {"step_size": 0.1, "momentum_length": 3.0, "adapt_steps": 500}, 32000),
        ("ParallelTempering", {"step_size": 2.5, "replicas": 4, "hottest": 10.0}, 4000),
        ("StretchMove", {"step_size": 1.0}, 8000),
        ("DEMCMC", {"step_size": 0.01}, 8000),
    ],
    # E[θ] = 0, E[θ²] = σ² = 9 (θ the vertical axis y): the neck θ ≪ 0 must be reached
    "funnel": [
        # with Stan's δ = 0.8 NUTS diverges at the neck (11 % of transitions) and misses it:
        # E[θ²] = 8.1; with δ = 0.99 (ε̄ = 0.09, 0.6 % divergent) it reaches it
        ("NUTS", {"step_size": 0.1, "adapt_steps": 1000, "target_accept": 0.99}, 3000),
        ("StretchMove", {"step_size": 1.0}, 8000),
        ("DEMCMC", {"step_size": 0.01}, 8000),
        # MCLMC (one tuned ε for the whole funnel) misses the neck: E[θ²] = 7.6 at the
        # default energy-error target 5e-4, 8.3 at 1e-5 (docs/samplers.md)
        # with MALA moves (η = 0.05 or 0.2) it misses the neck: E[θ²] = 8.4 / 8.2
        ("ParallelTempering", {"step_size": 0.3, "replicas": 4, "hottest": 10.0,
                               "move": "RWM"}, 8000),
    ],
}
MOMENTS = {
    "banana": ((0.0, -3.0), [("E[x²]", lambda p: p[:, 0] ** 2, 100.0),
                             ("E[y²]", lambda p: p[:, 1] ** 2, 19.0)]),
    "gaussian_mixture": ((0.0, 0.0), [("E[x]", lambda p: p[:, 0], 1.6),
                                      ("E[x²]", lambda p: p[:, 0] ** 2, 13.8)]),
    "funnel": ((0.0, 0.0), [("E[θ]", lambda p: p[:, 1], 0.0),
                            ("E[θ²]", lambda p: p[:, 1] ** 2, 9.0)]),
}
N_MOMENTS = 4000


@pytest.mark.parametrize(
    "landscape_name,method,settings,steps",
    [(ln, m, s, k) for ln, cases in MOMENT_CASES.items() for m, s, k in cases],
)
def test_sampler_reproduces_reference_moments(landscape_name, method, settings, steps):
    start, moments = MOMENTS[landscape_name]
    sampler = samplers.METHODS[method](landscape=landscape_name, temperature=1.0,
                                       n_chains=N_MOMENTS, seed=5, **settings)
    final = sampler.run(steps, start=np.array(start), thin=steps).positions[-1]
    assert np.isfinite(final).all()
    for label, f, reference in moments:
        values = f(final)
        se = values.std() / np.sqrt(len(values))
        assert abs(values.mean() - reference) < 4 * se, (
            f"{method}: {label} = {values.mean():.3f} ± {se:.3f}, reference {reference}")


def test_langevin_mean_first_passage_over_the_double_well_barrier():
    """Overdamped Langevin, dt = 1e-3, T = 0.3, from x = −1 to x ≥ 1: the reference simulation
    gives 37.2 (Kramers' 31.1 ignores the time to run on to the far minimum); within 25 %.
    With 500 chains the sampling error of the mean is ~4.5 %; first passage is located to
    0.1 time units by storing every 100th step."""
    run = samplers.Langevin(landscape="double_well", temperature=0.3, step_size=1e-3,
                            n_chains=500, seed=7).run(300_000, start=np.array([-1.0, 0.0]),
                                                      thin=100)
    crossed = run.positions[:, :, 0] >= 1.0
    assert crossed.any(axis=0).all(), "some chains never crossed in 300 time units"
    first = crossed.argmax(axis=0)
    mfpt = (run.steps[first] * 1e-3).mean()
    assert abs(mfpt - 37.2) < 0.25 * 37.2, mfpt


def test_momentum_escapes_the_saddle_faster_by_the_reference_factor():
    """Strict saddle, unstable eigenvalue λ = −1, η = 1e-3 (a = η|λ| = 1e-3): growing the
    unstable coordinate by 10⁶ takes 13,822 steps for gradient descent and 1,502 for heavy-ball
    momentum m = 0.9 (growth factors 1 + a and z = [(1 + m + a) + √((1 + m + a)² − 4m)]/2):
    9.2× faster. The simulation includes the transient from v = 0 and the quartic term."""
    start = np.array([1e-7, 0.0])

    def steps_to_escape(sampler, n):
        run = sampler.run(n, start=start)
        return int(np.argmax(np.abs(run.positions[:, 0, 0]) >= 0.1))

    gd = steps_to_escape(samplers.GradientDescent(landscape="strict_saddle", step_size=1e-3,
                                                  n_chains=1), 16000)
    hb = steps_to_escape(samplers.Momentum(landscape="strict_saddle", step_size=1e-3,
                                           momentum=0.9, n_chains=1), 4000)
    assert gd > 0 and hb > 0
    assert abs(gd / hb - 13822 / 1502) < 0.10 * (13822 / 1502), (gd, hb)


def test_simulated_annealing_finds_the_muller_brown_global_minimum():
    """Classic SA (Metropolis proposals of scale 0.3, about the distance between basins) cooled
    exponentially from T₀ = 20 to 0.5 over 10,000 steps, from uniform random starts: at least
    90 % of chains end in the global minimum (−0.558, 1.442)."""
    steps = 10_000
    sa = samplers.SimulatedAnnealing(landscape="muller_brown", temperature=20.0,
                                     cooling_rate=(0.5 / 20.0) ** (1 / steps), step_size=0.3,
                                     n_chains=2000, seed=0)
    final = sa.run(steps, thin=steps).positions[-1]
    found = np.linalg.norm(final - [-0.558224, 1.441726], axis=1) < 0.1
    assert found.mean() >= 0.9, found.mean()


def test_evolution_strategy_gradient_estimate_points_along_the_gradient():
    """On the quadratic x² + 3y², ĝ = S∇E with S the second-moment matrix of P normal pairs.
    With P = 50 pairs the cosine to ∇E exceeds 0.9 for ≥ 99 % of points (its 5 % quantile is
    ≈ 0.96); with P = 1 the mean cosine is E|cos φ| = 2/π, which the test also checks."""
    quad = landscapes.from_expression("x**2 + 3*y**2", window=(-3, 3, -3, 3))
    pts = np.random.default_rng(1).uniform(-3, 3, (4000, 2))
    g = quad.gradient(pts)

    def cosines(population):
        es = samplers.EvolutionStrategy(landscape=quad, population=population, sigma=0.1, seed=2)
        gh = es.estimate_gradient(pts)
        return np.sum(gh * g, 1) / np.linalg.norm(gh, axis=1) / np.linalg.norm(g, axis=1)

    c50 = cosines(50)
    assert np.mean(c50 > 0.9) >= 0.99 and np.mean(c50) > 0.97
    c1 = cosines(1)
    assert abs(np.mean(c1) - 2 / np.pi) < 4 * np.std(c1) / np.sqrt(len(c1))


def test_evolution_strategy_with_adam_descends_to_a_minimum():
    es = samplers.EvolutionStrategy(landscape="himmelblau", population=16, sigma=0.05,
                                    step_size=0.05, optimizer="adam", n_chains=500, seed=4)
    run = es.run(1500)
    assert np.median(run.energies[-1]) < 1e-2


def test_every_tempering_replica_samples_its_own_temperature():
    """Parallel tempering's replica k holds exp(−E/T_k), T_k = T·8^(k/3) (T = 1, K = 4 on the
    double well): the hottest and a middle replica's final states pass the same TV test as
    the cold output, each against its own temperature's exact density."""
    land = landscapes.get("double_well")
    sampler = samplers.ParallelTempering(landscape=land, temperature=1.0, step_size=0.05,
                                         replicas=4, hottest=8.0, n_chains=N_DENSITY, seed=4)
    run = sampler.run(500, thin=500)
    states = sampler.replica_states(run)
    assert np.array_equal(states[:, 0], run.positions[-1])
    for k in (1, 3):
        tv, bound = _tv_and_bound(land, float(sampler.ladder()[k]), states[:, k])
        assert tv < bound, f"replica {k}: TV {tv:.4f} ≥ null 99.9 % {bound:.4f}"
    rates = sampler.swap_rates(run)
    assert rates.shape == (3,) and np.all((rates > 0.2) & (rates < 1.0))


def test_on_muller_brown_at_low_temperature_tempering_visits_every_basin():
    """T = 10 from minimum B (0.62, 0.03), 100 chains × 4000 steps: at this T the deepest
    minimum, A (−0.56, 1.44), holds ≈ 98 % of the mass (exp(38.5/10) against B), but MALA's
    chains stay between B and the shallow C next to it — 6 of 100 ever reach A, and 5 % of
    their second half is there (asserted: < 20 of 100, < 20 %). The tempered chains' cold
    replica (K = 8 up to 30 T) reaches A in every chain, C in 89, and spends 96 % of its second
    half in A (asserted: > 90, > 50, > 80 %). Measured in docs/samplers.md."""
    land = landscapes.get("muller_brown")
    settings = {"landscape": land, "temperature": 10.0, "step_size": 2e-4, "n_chains": 100,
                "seed": 2}
    start = np.array([0.62, 0.03])

    def basins(p):
        return {"A": (p[..., 0] < -0.3) & (p[..., 1] > 1.0),
                "B": (p[..., 0] > 0.3) & (p[..., 1] < 0.4),
                "C": (np.abs(p[..., 0]) < 0.3) & (np.abs(p[..., 1] - 0.47) < 0.25)}

    plain = samplers.MALA(**settings).run(4000, start=start, thin=10).positions
    tempered = samplers.ParallelTempering(replicas=8, hottest=30.0, **settings).run(
        4000, start=start, thin=10).positions
    half = len(plain) // 2
    in_plain, in_tempered = basins(plain), basins(tempered)
    assert in_plain["A"].any(axis=0).mean() < 0.2 and in_plain["A"][half:].mean() < 0.2
    assert in_tempered["A"].any(axis=0).mean() > 0.9
    assert in_tempered["C"].any(axis=0).mean() > 0.5
    assert in_tempered["A"][half:].mean() > 0.8


def test_svgd_particles_settle_at_the_gaussian_s_moments():
    """SVGD's fixed point on a standard normal (E = (x² + y²)/2, T = 1), sets of n particles
    from uniform starts in [−4, 4]², ε = 0.1, 2,000 steps. Deterministic, so this checks the
    fixed point, not a statistic of draws. Each set's mean is 0 (measured ≤ 0.007; asserted
    < 0.05). Its variance per axis is below 1 by the known finite-n shrinkage of SVGD with the
    median bandwidth, shrinking less as n grows (measured 0.81–0.84 at n = 32, 0.92–0.93 at
    n = 128, 0.55–0.67 at n = 8; docs/samplers.md): asserted in [0.75, 0.9] at 32 and
    [0.88, 0.97] at 128. With the repulsion off (h tiny) the particles collapse onto the
    mode instead (variance < 0.01): the kernel's repulsion is what spreads them."""
    land = landscapes.from_expression("0.5*(x**2 + y**2)", window=(-4, 4, -4, 4))
    for n, low, high in ((32, 0.75, 0.9), (128, 0.88, 0.97)):
        sets = 2048 // n
        run = samplers.SVGD(landscape=land, temperature=1.0, step_size=0.1, particles=n,
                            n_chains=sets * n, seed=1).run(2000, thin=2000)
        positions = run.positions[-1].reshape(sets, n, 2)
        assert np.all(np.abs(positions.mean(axis=1)) < 0.05), n
        variances = positions.var(axis=1)
        assert np.all((variances > low) & (variances < high)), (n, variances.min(),
                                                                 variances.max())
    collapsed = samplers.SVGD(landscape=land, temperature=1.0, step_size=0.1, n_chains=32,
                              bandwidth=1e-6, seed=1).run(2000, thin=2000)
    assert collapsed.positions[-1].var(axis=0).max() < 0.01


GAUSSIAN = "0.5*(x**2 + 4*y**2)"  # x ~ N(0, 1), y ~ N(0, 1/4) at T = 1


@pytest.mark.parametrize("step_size", [0.1, 0.4, 0.9])
def test_nuts_leaves_the_gaussian_invariant_at_any_fixed_step(step_size):
    """Detailed balance of the NUTS transition: 20,000 chains started at exact draws of
    N(0, diag(1, 1/4)) must still be exact after 1 and after 20 steps at a fixed ε (no
    adaptation), for ε from small (trees of depth 4) to large (acceptance statistic 0.6). Each
    moment within 4 standard errors of E[x²] = 1, E[x⁴] = 3, E[y²] = 1/4, E[x] = 0; a wrong
    multinomial weight shifts them by more (taking every merged subtree's candidate instead
    of drawing it with min(1, W_new/W_old) fails at ε = 0.4 and 0.9)."""
    land = landscapes.from_expression(GAUSSIAN, window=(-5, 5, -5, 5))
    start = np.random.default_rng(0).standard_normal((20_000, 2)) * np.array([1.0, 0.5])
    sampler = samplers.NUTS(landscape=land, temperature=1.0, step_size=step_size,
                            adapt_steps=0, n_chains=20_000, seed=2)
    run = sampler.run(20, start=start)
    for record in (1, 20):
        p = run.positions[record]
        for label, values, reference in (("E[x²]", p[:, 0] ** 2, 1.0),
                                         ("E[x⁴]", p[:, 0] ** 4, 3.0),
                                         ("E[y²]", p[:, 1] ** 2, 0.25), ("E[x]", p[:, 0], 0.0)):
            se = values.std() / np.sqrt(len(values))
            assert abs(values.mean() - reference) < 4 * se, (step_size, record, label,
                                                             values.mean(), se)


@pytest.mark.parametrize("landscape_name,temperature", [
    ("double_well", 1.0), ("muller_brown", 20.0), ("banana", 1.0)])
def test_nuts_dual_averaging_reaches_its_target_acceptance(landscape_name, temperature):
    """1,000 warm-up steps of dual averaging towards δ = 0.8 from a poor ε₀ = 0.01, then
    1,000 steps at the averaged ε̄: the mean acceptance statistic of the sampling steps lies
    within 0.8 ± 0.05 (measured 0.81–0.82 on the three landscapes; ε̄ lands slightly above
    the target, as Stan's does). The Monte-Carlo error of the mean over 500 chains × 1,000
    steps is < 0.002, so the band is the adaptation's own bias, not noise."""
    sampler = samplers.NUTS(landscape=landscape_name, temperature=temperature, step_size=0.01,
                            n_chains=500, seed=7, adapt_steps=1000, target_accept=0.8)
    warm = sampler.run(1000)
    sampled = sampler.run(1000, resume=warm)
    stats = sampler.tree_statistics(sampled)
    assert abs(stats["accept_stat"] - 0.8) < 0.05, stats
    assert stats["step_size"] > 0.02  # it moved away from the poor start
    assert abs(sampler.tree_statistics(warm)["accept_stat"] - 0.8) < 0.05


def test_mclmc_keeps_unit_speed_and_tunes_its_energy_error():
    """MCLMC's velocity is a unit vector after every step (the ESH update and the partial
    refresh both normalise). After 500 tuning steps on the standard Gaussian the energy error
    of the sampling steps has a variance per dimension within a factor 3 of the 5·10⁻⁴ target
    (measured 1.0·10⁻³ to 1.1·10⁻³: the tuner averages error²/ε⁶ over its warm-up, whose
    positions are more spread than the typical set's), and a 10× smaller target gives a
    smaller ε and a smaller error (the ε⁶ law: ε ratio ≈ 10^(1/6) = 1.47, asserted within
    [1.2, 1.8])."""
    land = landscapes.from_expression("0.5*(x**2 + y**2)", window=(-4, 4, -4, 4))
    steps = {}
    for target in (5e-4, 5e-5):
        sampler = samplers.MCLMC(landscape=land, temperature=1.0, step_size=0.05,
                                 momentum_length=1.5, n_chains=2000, seed=4, adapt_steps=500,
                                 energy_error=target)
        warm = sampler.run(500)
        run = sampler.run(1000, resume=warm)
        u = np.hypot(run.final_state.extra["ux"], run.final_state.extra["uy"])
        np.testing.assert_allclose(u, 1.0, atol=1e-12)
        variance = sampler.energy_error_variance(run)
        assert target / 3 < variance < 3 * target, (target, variance)
        steps[target] = sampler.step_sizes(run).mean()
    assert 1.2 < steps[5e-4] / steps[5e-5] < 1.8, steps


def test_mclmc_tunes_each_chain_s_decoherence_length_to_its_spread():
    """With ``tune_length`` each chain sets L = √(Var x + Var y) of its positions over the
    warm-up's second half: on N(0, diag(1, 1/4)) at T = 1 that is √1.25 = 1.118. Each chain's
    estimate comes from 500 correlated positions (about 10 % relative spread between chains);
    the mean over 400 chains is asserted within 10 % (its Monte-Carlo error is < 1 %; the rest
    allows the small downward bias of a variance from a correlated window: measured 1.08,
    spread 0.13).
    The lengths differ between chains, stay fixed after the warm-up, and without the tuning L
    stays the one set."""
    land = landscapes.from_expression("0.5*x**2 + 2*y**2", window=(-5, 5, -5, 5))
    settings = dict(landscape=land, temperature=1.0, step_size=0.05, momentum_length=0.2,
                    n_chains=400, seed=3, adapt_steps=1000)
    sampler = samplers.MCLMC(**settings)
    warm = sampler.run(1000)
    lengths = sampler.momentum_lengths(warm)
    assert abs(lengths.mean() - math.sqrt(1.25)) < 0.1 * math.sqrt(1.25), lengths.mean()
    assert lengths.std() > 0.01
    after = sampler.run(200, resume=warm)
    np.testing.assert_array_equal(sampler.momentum_lengths(after), lengths)
    fixed = samplers.MCLMC(tune_length=False, **settings)
    np.testing.assert_array_equal(fixed.momentum_lengths(fixed.run(1000)), 0.2)
