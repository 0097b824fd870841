"""NUTS efficiency: our numba NUTS against BlackJAX's NUTS, side by side, on banana and funnel.

Targets (T = 1, density exp(−E)):

* ``banana``: E = ½[(x/10)² + (y − b(x² − 100))²], b = 0.03; E[x²] = 100, E[y²] = 19;
* ``funnel``: E(z, θ) = θ²/(2σ²) + z² e^{−θ}/2 + θ/2, σ = 3 (x = z, y = θ); E[θ²] = 9,
  E[z²] = e^{4.5} ≈ 90.

Protocol, per landscape and seed (``seeds`` seeds, 0, 1, …): 4 chains, all started at the mode
(banana (0, −3), funnel (0, 0)), 1,000 warm-up steps then 4,000 draws; the same for every
sampler. Samplers:

* ``ours``: ``samplers.NUTS`` (multinomial NUTS, generalised U-turn, max depth 10, unit mass
  matrix, per-chain dual averaging of ε towards a mean acceptance statistic of 0.8, ε₀ = 0.1);
* ``blackjax_diag``: ``blackjax.window_adaptation(blackjax.nuts, …, target_acceptance_rate=0.8,
  is_mass_matrix_diagonal=True)`` (its default: Stan's windowed warm-up, which also adapts a
  diagonal mass matrix), then ``blackjax.nuts`` at the adapted ε and M⁻¹;
* ``blackjax_identity``: ``blackjax.nuts`` at M⁻¹ = I with only ε adapted, by
  ``blackjax.adaptation.step_size.dual_averaging_adaptation(0.8)`` over the 1,000 warm-up steps
  (ε₀ = 0.1 as ours, so the same μ = log 10ε₀ = 0), sampling at the averaged ε̄: the same
  algorithm as ours, so this is the like-for-like comparison.

Each chain of BlackJAX is adapted separately (as ours), and its chains run one after another
(``lax.map``; on a CPU, ``vmap`` of NUTS makes every chain wait for the deepest tree).

Counted:

* ESS: ``arviz.ess(draws, method="bulk")`` of each coordinate on the (4 chains, 4000 draws)
  array of the sampling run only; the metric is the smaller of the two (``min_ess``).
* Gradient evaluations: leapfrog steps, one ∇E each, over all chains: ours ``run.grad_evals``,
  BlackJAX the sum of ``info.num_integration_steps`` (both count every leaf integrated,
  including those of a subtree rejected for a U-turn or a divergence). ``ess_per_grad`` divides
  by the sampling run's evaluations; ``ess_per_grad_incl_warmup`` by sampling + warm-up (the
  warm-up's evaluations counted the same way for both; BlackJAX's window adaptation spends no
  gradients outside its NUTS steps).
* Wall time: ``time.perf_counter`` around the warm-up and around the sampling, compilation
  excluded for both: ours (numba) runs once at a tiny size first; BlackJAX's functions are
  compiled ahead of time for the real shapes (``jax.jit(f).lower(...).compile()``, reported as
  ``compile_s``) and the timed call ends with ``block_until_ready``. ``ess_per_s`` uses the
  sampling time, ``ess_per_s_incl_warmup`` warm-up + sampling. JAX runs on the CPU in float64 with
  XLA's intra-op threading off; ours with 4 chains is one tile, so one thread.
* Also reported: mean acceptance statistic of the sampling run, adapted ε (mean over chains),
  leapfrog steps per draw, divergences (sampling / warm-up), E[x²] and E[y²] of the draws.

Each figure is summarised over seeds by its median, min and max (ESS of 4 chains is noisy).

Ours at many chains (``ours_many_chains``, one seed): 1,000 chains, the same protocol; its
throughput (chain-draws/s, gradients/s) with numba's thread count as configured, and its ESS
from ``arviz.ess`` over all chains (and over its first 4 chains) per gradient and per second.

Run: ``python -m benchmarks.nuts_efficiency`` (needs ``pip install blackjax jax arviz`` in a
separate environment; writes ``benchmarks/nuts_efficiency.json``).
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("nuts_efficiency.json")

N_CHAINS = 4
N_WARMUP = 1000
N_DRAWS = 4000
TARGET_ACCEPT = 0.8
INITIAL_STEP = 0.1
MAX_DEPTH = 10
MANY_CHAINS = 1000

STARTS = {"banana": (0.0, -3.0), "funnel": (0.0, 0.0)}
EXACT = {"banana": {"x2": 100.0, "y2": 19.0}, "funnel": {"x2": math.exp(4.5), "y2": 9.0}}
METHODS = ("ours", "blackjax_identity", "blackjax_diag")
SUMMARISED = ("min_ess", "ess_per_grad", "ess_per_grad_incl_warmup", "ess_per_s",
              "ess_per_s_incl_warmup", "grad_evals", "grad_evals_warmup", "grads_per_s",
              "accept_stat", "step_size", "leapfrogs_per_draw", "divergences",
              "divergences_warmup", "x2", "y2", "wall_s", "wall_s_warmup")


def _min_bulk_ess(draws):
    """min over the coordinates of arviz's bulk ESS of ``draws`` (chains, draws, 2)."""
    import arviz

    ess = [float(arviz.ess(np.ascontiguousarray(draws[..., k]), method="bulk"))
           for k in range(draws.shape[-1])]
    return min(ess), ess


def _metrics(draws, grads, grads_warm, wall, wall_warm, accept, step, leapfrogs, div, div_warm):
    min_ess, ess = _min_bulk_ess(draws)
    return {
        "min_ess": min_ess, "ess_x": ess[0], "ess_y": ess[1],
        "ess_per_grad": min_ess / grads, "ess_per_grad_incl_warmup": min_ess / (grads + grads_warm),
        "ess_per_s": min_ess / wall, "ess_per_s_incl_warmup": min_ess / (wall + wall_warm),
        "grad_evals": int(grads), "grad_evals_warmup": int(grads_warm), "grads_per_s": grads / wall,
        "accept_stat": float(accept), "step_size": float(step),
        "leapfrogs_per_draw": float(leapfrogs), "divergences": int(div),
        "divergences_warmup": int(div_warm),
        "x2": float(np.mean(draws[..., 0] ** 2)), "y2": float(np.mean(draws[..., 1] ** 2)),
        "wall_s": wall, "wall_s_warmup": wall_warm,
    }


# -- ours ------------------------------------------------------------------------------------
def _ours(landscape, seed, n_chains=N_CHAINS, n_warm=N_WARMUP, n_draws=N_DRAWS):
    """Warm-up then sampling with our NUTS; returns (metrics, draws (chains, draws, 2))."""
    from landscape_app import samplers

    sampler = samplers.NUTS(landscape=landscape, temperature=1.0, step_size=INITIAL_STEP,
                            n_chains=n_chains, seed=seed, adapt_steps=n_warm,
                            target_accept=TARGET_ACCEPT, max_depth=MAX_DEPTH)
    start = np.array(STARTS[landscape])
    t0 = time.perf_counter()
    warm = sampler.run(n_warm, start=start)
    t1 = time.perf_counter()
    run = sampler.run(n_draws, resume=warm)
    t2 = time.perf_counter()
    stats = sampler.tree_statistics(run)
    draws = np.transpose(run.positions[1:], (1, 0, 2))
    metrics = _metrics(draws, run.grad_evals, warm.grad_evals, t2 - t1, t1 - t0,
                       stats["accept_stat"], stats["step_size"], stats["leapfrogs_per_step"],
                       np.sum(run.divergent_count), np.sum(warm.divergent_count))
    return metrics, draws


def _compile_ours():
    """Compile (or load from numba's cache) our kernel: a tiny run on each landscape."""
    t0 = time.perf_counter()
    for landscape in STARTS:
        _ours(landscape, 0, n_chains=N_CHAINS, n_warm=5, n_draws=5)
    return time.perf_counter() - t0


def _ours_many_chains(landscape, seed=0):
    import numba

    metrics, draws = _ours(landscape, seed, n_chains=MANY_CHAINS)
    ess4, _ = _min_bulk_ess(draws[:N_CHAINS])
    wall = metrics["wall_s"]
    return {
        "n_chains": MANY_CHAINS, "numba_threads": numba.get_num_threads(),
        "chain_draws_per_s": MANY_CHAINS * N_DRAWS / wall,
        "grads_per_s": metrics["grads_per_s"],
        "min_ess_all_chains": metrics["min_ess"],
        "ess_per_grad_all_chains": metrics["ess_per_grad"],
        "ess_per_s_all_chains": metrics["ess_per_s"],
        "ess_per_s_all_chains_incl_warmup": metrics["ess_per_s_incl_warmup"],
        "min_ess_first_4_chains": ess4,
        "wall_s": wall, "wall_s_warmup": metrics["wall_s_warmup"],
        "accept_stat": metrics["accept_stat"], "step_size": metrics["step_size"],
        "divergences": metrics["divergences"], "x2": metrics["x2"], "y2": metrics["y2"],
    }


# -- BlackJAX --------------------------------------------------------------------------------
def _energies(jnp):
    def banana(q):
        x, y = q[0], q[1]
        r = y - 0.03 * (x * x - 100.0)
        return 0.5 * (0.01 * x * x + r * r)

    def funnel(q):
        z, theta = q[0], q[1]
        return theta * theta / 18.0 + 0.5 * z * z * jnp.exp(-theta) + 0.5 * theta

    return {"banana": banana, "funnel": funnel}


def _blackjax_functions(blackjax, jax, jnp, energy, variant):
    """(warm-up, sampling) functions over the chains, to be jitted:

    warm(keys, positions) -> (states, step sizes, inverse mass matrices, leapfrogs, divergences)
    sample(keys, states, step sizes, inverse mass matrices) -> (positions, leapfrogs, α, div.)
    """
    def logdensity(q):
        return -energy(q)

    nuts_kernel = blackjax.nuts.build_kernel()
    da_init, da_update, da_final = (
        blackjax.adaptation.step_size.dual_averaging_adaptation(TARGET_ACCEPT))
    identity = jnp.ones(2)

    def warm_identity(key, position):
        state = blackjax.nuts.init(position, logdensity)

        def one(carry, step_key):
            state, da = carry
            state, info = nuts_kernel(step_key, state, logdensity, jnp.exp(da.log_step_size),
                                      identity, max_num_doublings=MAX_DEPTH)
            da = da_update(da, info.acceptance_rate)
            return (state, da), (info.num_integration_steps, info.is_divergent)

        (state, da), (leapfrogs, div) = jax.lax.scan(
            one, (state, da_init(INITIAL_STEP)), jax.random.split(key, N_WARMUP))
        return state, da_final(da), identity, leapfrogs, div

    def warm_diag(key, position):
        warmup = blackjax.window_adaptation(blackjax.nuts, logdensity,
                                            is_mass_matrix_diagonal=True,
                                            target_acceptance_rate=TARGET_ACCEPT,
                                            max_num_doublings=MAX_DEPTH)
        (state, params), info = warmup.run(key, position, num_steps=N_WARMUP)
        return (state, params["step_size"], params["inverse_mass_matrix"],
                info.info.num_integration_steps, info.info.is_divergent)

    warm_one = warm_identity if variant == "blackjax_identity" else warm_diag

    def sample_one(key, state, step_size, inverse_mass_matrix):
        def one(state, step_key):
            state, info = nuts_kernel(step_key, state, logdensity, step_size,
                                      inverse_mass_matrix, max_num_doublings=MAX_DEPTH)
            return state, (state.position, info.num_integration_steps, info.acceptance_rate,
                           info.is_divergent)

        _, out = jax.lax.scan(one, state, jax.random.split(key, N_DRAWS))
        return out

    def warm(keys, positions):
        return jax.lax.map(lambda args: warm_one(*args), (keys, positions))

    def sample(keys, states, step_sizes, inverse_mass_matrices):
        return jax.lax.map(lambda args: sample_one(*args),
                           (keys, states, step_sizes, inverse_mass_matrices))

    return warm, sample


def _blackjax_compiled(blackjax, jax, jnp, energy, variant, start):
    """Ahead-of-time compiled (warm, sample) for the real shapes, and the compile time."""
    t0 = time.perf_counter()
    warm, sample = _blackjax_functions(blackjax, jax, jnp, energy, variant)
    keys = jax.random.split(jax.random.PRNGKey(0), N_CHAINS)
    positions = jnp.tile(jnp.asarray(start, dtype=jnp.float64), (N_CHAINS, 1))
    warm_c = jax.jit(warm).lower(keys, positions).compile()
    states, steps, imms, _, _ = jax.eval_shape(warm, keys, positions)
    sample_c = jax.jit(sample).lower(keys, states, steps, imms).compile()
    return warm_c, sample_c, time.perf_counter() - t0


def _blackjax_run(jax, jnp, compiled, start, seed):
    warm_c, sample_c, _ = compiled
    warm_key, sample_key = jax.random.split(jax.random.PRNGKey(seed))
    warm_keys = jax.random.split(warm_key, N_CHAINS)
    sample_keys = jax.random.split(sample_key, N_CHAINS)
    positions = jnp.tile(jnp.asarray(start, dtype=jnp.float64), (N_CHAINS, 1))
    jax.block_until_ready((warm_keys, sample_keys, positions))
    t0 = time.perf_counter()
    states, steps, imms, leap_warm, div_warm = jax.block_until_ready(warm_c(warm_keys, positions))
    t1 = time.perf_counter()
    draws, leapfrogs, accept, div = jax.block_until_ready(sample_c(sample_keys, states, steps,
                                                                   imms))
    t2 = time.perf_counter()
    leapfrogs = np.asarray(leapfrogs)
    metrics = _metrics(np.asarray(draws), int(leapfrogs.sum()), int(np.asarray(leap_warm).sum()),
                       t2 - t1, t1 - t0, np.mean(np.asarray(accept)), np.mean(np.asarray(steps)),
                       leapfrogs.mean(), np.asarray(div).sum(), np.asarray(div_warm).sum())
    metrics["inverse_mass_matrix"] = np.asarray(imms).mean(axis=0).tolist()
    return metrics


# -- driver ----------------------------------------------------------------------------------
def _summary(per_seed):
    out = {}
    for key in SUMMARISED:
        values = np.array([r[key] for r in per_seed], dtype=float)
        out[key] = {"median": float(np.median(values)), "min": float(values.min()),
                    "max": float(values.max())}
    return out


def run_nuts_efficiency(seeds=5, many_chains=True) -> dict:
    """The protocol of the module docstring over ``seeds`` seeds; JSON-serialisable results."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("XLA_FLAGS",
                          "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    try:
        import blackjax
        import jax
        import jax.numpy as jnp
    except ImportError:
        return {"skipped": "blackjax not installed: pip install blackjax jax"}
    import arviz

    jax.config.update("jax_enable_x64", True)
    started = time.perf_counter()
    results = {
        "protocol": {"n_chains": N_CHAINS, "n_warmup": N_WARMUP, "n_draws": N_DRAWS,
                     "seeds": list(range(seeds)), "target_accept": TARGET_ACCEPT,
                     "max_depth": MAX_DEPTH, "initial_step_size_ours_and_identity": INITIAL_STEP,
                     "starts": {k: list(v) for k, v in STARTS.items()},
                     "ess": "min over x, y of arviz.ess(method='bulk') on (chains, draws)",
                     "grads": "leapfrog steps over all chains (sampling; + warm-up where said)"},
        "versions": {"jax": jax.__version__, "jaxlib": _version("jaxlib"),
                     "blackjax": getattr(blackjax, "__version__", _version("blackjax")),
                     "arviz": arviz.__version__, "numba": _version("numba"),
                     "numpy": np.__version__},
        "device": str(jax.devices()[0]),
        "compile_s": {"ours_tiny_run": _compile_ours()},
        "exact": EXACT,
        "landscapes": {},
    }
    energies = _energies(jnp)
    for landscape, start in STARTS.items():
        compiled = {}
        for variant in METHODS[1:]:
            compiled[variant] = _blackjax_compiled(blackjax, jax, jnp, energies[landscape],
                                                   variant, start)
            results["compile_s"][f"{variant}_{landscape}"] = compiled[variant][2]
        per_seed = {method: [] for method in METHODS}
        for seed in range(seeds):
            per_seed["ours"].append(_ours(landscape, seed)[0])
            for variant in METHODS[1:]:
                per_seed[variant].append(_blackjax_run(jax, jnp, compiled[variant], start, seed))
        entry = {method: {**_summary(rows), "per_seed": rows} for method, rows in per_seed.items()}
        if many_chains:
            entry["ours_many_chains"] = _ours_many_chains(landscape)
        results["landscapes"][landscape] = entry
    results["total_wall_s"] = time.perf_counter() - started
    return results


def _version(name):
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def nuts_table(results) -> str:
    """A readable table of ``run_nuts_efficiency``'s results (medians [min–max] over seeds)."""
    if "skipped" in results:
        return results["skipped"]

    def cell(stat, fmt):
        return f"{stat['median']:{fmt}} [{stat['min']:{fmt}}–{stat['max']:{fmt}}]"

    lines = [f"NUTS efficiency: {N_CHAINS} chains × {N_DRAWS} draws after {N_WARMUP} warm-up, "
             f"seeds {results['protocol']['seeds']}; median [min–max]; "
             f"blackjax {results['versions']['blackjax']}, jax {results['versions']['jax']}",
             f"{'landscape / sampler':29s} {'minESS/grad':>25s} {'+warm-up':>9s} "
             f"{'minESS/s':>21s} {'+warm-up':>8s} {'grads/s':>8s} {'grads':>7s} {'α':>5s} "
             f"{'ε':>6s} {'div':>5s} {'div wu':>6s} {'E[x²]':>6s} {'E[y²]':>6s}"]
    for landscape, entry in results["landscapes"].items():
        exact = results["exact"][landscape]
        for method in METHODS:
            r = entry[method]
            lines.append(
                f"{landscape + ' / ' + method:29s} {cell(r['ess_per_grad'], '.5f'):>25s} "
                f"{r['ess_per_grad_incl_warmup']['median']:9.5f} "
                f"{cell(r['ess_per_s'], '.3g'):>21s} "
                f"{r['ess_per_s_incl_warmup']['median']:8.3g} "
                f"{r['grads_per_s']['median']:8.3g} {r['grad_evals']['median']:7.0f} "
                f"{r['accept_stat']['median']:5.2f} {r['step_size']['median']:6.3f} "
                f"{r['divergences']['median']:5.0f} {r['divergences_warmup']['median']:6.0f} "
                f"{r['x2']['median']:6.1f} {r['y2']['median']:6.1f}")
        lines.append(f"{'':29s} exact E[x²] = {exact['x2']:.1f}, E[y²] = {exact['y2']:.1f}; "
                     f"blackjax_diag M⁻¹ (seed 0) = "
                     f"{np.round(entry['blackjax_diag']['per_seed'][0]['inverse_mass_matrix'], 2)}")
        many = entry.get("ours_many_chains")
        if many:
            lines.append(
                f"{landscape + ' / ours ' + str(many['n_chains']) + ' chains':29s} "
                f"{many['ess_per_grad_all_chains']:25.5f} {'':9s} "
                f"{many['ess_per_s_all_chains']:21.3g} "
                f"{many['ess_per_s_all_chains_incl_warmup']:8.3g} {many['grads_per_s']:8.3g}  "
                f"({many['chain_draws_per_s']:.3g} chain-draws/s, {many['numba_threads']} "
                f"numba threads, minESS of first 4 chains {many['min_ess_first_4_chains']:.0f})")
    ratios = []
    for landscape, entry in results["landscapes"].items():
        ours = entry["ours"]
        for variant in METHODS[1:]:
            other = entry[variant]
            ratios.append(
                f"{landscape}: ours / {variant}: ESS/grad × "
                f"{ours['ess_per_grad']['median'] / other['ess_per_grad']['median']:.2f}, "
                f"ESS/s × {ours['ess_per_s']['median'] / other['ess_per_s']['median']:.1f}, "
                f"grads/s × {ours['grads_per_s']['median'] / other['grads_per_s']['median']:.1f}")
    lines += ["ratios of medians:"] + ["  " + r for r in ratios]
    compile_s = ", ".join(f"{k} {v:.1f}" for k, v in results["compile_s"].items())
    lines.append(f"compile s (excluded): {compile_s}; total {results['total_wall_s']:.0f} s")
    return "\n".join(lines)


if __name__ == "__main__":
    results = run_nuts_efficiency()
    print(nuts_table(results))
    if "skipped" not in results:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(f"wrote {RESULTS}")
