"""Reward-based synaptic sampling: our numba kernel against a vectorised NumPy reference of the
same model (docs/synaptic_sampling.md), and the time of one /synaptic-sampling page update.

The reference steps every network at once with NumPy arrays (n_networks × n_out × n_in), doing
the same work per tick as the kernel: the cue, the WTA spike, dopamine, eligibility, the CaMKII
filter, θ with its noise and clip, and R(θ) for the time to reward. It runs fewer ticks (its
rate does not depend on their number); the ratio is of network-ticks per second. That both
are the same model is checked on the mean reward they reach (different random streams, so it
agrees to the Monte-Carlo error).
"""

import time

import numpy as np

from landscape_app.synaptic_sampling import RewardNetworks
from landscape_app.synaptic_sampling.theory import expected_reward


def numpy_reference(model: RewardNetworks, n_ticks: int, seed: int = 0) -> np.ndarray:
    """Advance ``model``'s networks ``n_ticks`` with NumPy (its state is left untouched);
    returns the final θ."""
    rng = np.random.default_rng(seed)
    task = model.the_task()
    theta = model.theta.copy()
    n, n_out, n_in = theta.shape
    elig = np.zeros_like(theta)
    g = np.zeros_like(theta)
    baseline = np.zeros(n)
    cue = np.zeros(n, dtype=np.int64)
    cue_left = np.zeros(n, dtype=np.int64)
    cumulative = np.cumsum(task.cue_probs)
    rows = np.arange(n)
    beta, c_prior, mu, c_g, tau_g, g_clip, lo, hi, _ = model.settings()
    temps = model.temperatures(n_ticks)
    first_hit = np.full(n, -1)
    level = model.reward_level * task.best_reward()
    for t in range(n_ticks):
        new = cue_left <= 0
        cue[new] = np.minimum(np.searchsorted(cumulative, rng.random(new.sum()), side="right"),
                              len(cumulative) - 1)
        cue_left[new] = model.trial_ticks
        cue_left -= 1
        x = task.inputs[cue]                                        # (n, n_in)
        w = np.where(theta > 0, model.w0 * np.exp(theta - model.theta0), 0.0)
        u = task.bias + np.einsum("nki,ni->nk", w, x)
        pi = np.exp(u - u.max(axis=1, keepdims=True))
        pi /= pi.sum(axis=1, keepdims=True)
        winner = np.minimum((rng.random(n)[:, None] >= np.cumsum(pi, axis=1)).sum(axis=1),
                            n_out - 1)
        reward = task.rewards[cue, winner]
        dopamine = reward - baseline
        baseline += (reward - baseline) / model.tau_b
        post = -pi
        post[rows, winner] += 1.0
        elig = elig * (1.0 - 1.0 / model.tau_e) + post[:, :, None] * x[:, None, :] * w
        grad = dopamine[:, None, None] * elig
        if tau_g > 0:
            g = np.clip(g + grad - g / tau_g, -g_clip, g_clip)
            drive = c_g * g
        else:
            drive = c_g * grad
        step = theta + beta * (c_prior * (mu - theta) + drive)
        step += np.sqrt(2.0 * temps[t] * beta) * rng.standard_normal(theta.shape)
        theta = np.where(task.plastic, np.clip(step, lo, hi), theta)
        value = expected_reward(task, theta, model.w0, model.theta0)
        first_hit[(first_hit < 0) & (value >= level)] = t + 1
    return theta


def _rate(fn, network_ticks, repeats):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return network_ticks / best, best


def _restore(model, state):
    model.state = tuple(a.copy() for a in state)
    model.ticks = 0


def _benchmark_task(task: str, n_ticks: int, numpy_ticks: int, repeats: int) -> dict:
    model = RewardNetworks(task=task, n_networks=1000, seed=0)
    model.reset()
    model.advance(10)  # compile
    state = [a.copy() for a in model.state]

    def ours():
        _restore(model, state)
        model.advance(n_ticks, thin=n_ticks)

    ours_rate, ours_s = _rate(ours, 1000 * n_ticks, repeats)
    _restore(model, state)
    ref_rate, _ = _rate(lambda: numpy_reference(model, numpy_ticks), 1000 * numpy_ticks,
                        max(1, repeats - 1))
    # the same model: mean R after the same number of ticks from the same starts
    _restore(model, state)
    ref_theta = numpy_reference(model, numpy_ticks, seed=1)
    model.advance(numpy_ticks, thin=numpy_ticks)
    task_ = model.the_task()
    return {"task": task, "networks": 1000,
            "synapses_per_network": int(np.prod(task_.shape)),
            "ticks": n_ticks, "numba_s": ours_s,
            "numba_network_ticks_per_s": ours_rate,
            "numpy_network_ticks_per_s": ref_rate, "ratio": ours_rate / ref_rate,
            "mean_reward_numba": float(expected_reward(task_, model.theta, model.w0,
                                                       model.theta0).mean()),
            "mean_reward_numpy": float(expected_reward(task_, ref_theta, model.w0,
                                                       model.theta0).mean())}


def run_synaptic_benchmarks(quick=False) -> dict:
    """Network-ticks per second of both, for the two tasks; one page update."""
    n_ticks, numpy_ticks, repeats = (2_000, 100, 1) if quick else (10_000, 300, 3)
    rows = [_benchmark_task(task, n_ticks, numpy_ticks, repeats)
            for task in ("two_pathways", "cue_association")]
    return {"kernel": rows, "page_update_ms": _page_update_ms(quick)}


def _page_update_ms(quick) -> dict:
    """One frame of the page at its default speed (100 ticks, 300 networks per population):
    the numerics, and the redraw into a document (as the served page does)."""
    import panel as pn
    from bokeh.document import Document

    from landscape_app.views.synaptic_sampling.page import SynapticSampling

    view = SynapticSampling()
    doc = Document()
    pn.state.curdoc = doc
    pn.panel(view).get_root(doc)
    numerics, draws = {False: [], True: []}, {False: [], True: []}
    for playing in (False, True):  # Step (HoloViews' updates), then frames of a playing page
        view.playback.playing = playing
        for _ in range(5 if quick else 20):
            start = time.perf_counter()
            draw = view.advance(view.playback.speed)
            middle = time.perf_counter()
            draw()
            numerics[playing].append(middle - start)
            draws[playing].append(time.perf_counter() - middle)
    view.stop()
    return {"ticks_per_frame": view.playback.speed,
            "numerics_ms": 1000 * float(np.median(numerics[True] + numerics[False])),
            "redraw_ms": 1000 * float(np.median(draws[False])),
            "redraw_playing_ms": 1000 * float(np.median(draws[True]))}


def synaptic_table(results) -> str:
    lines = [f"{'synaptic sampling':18s} {'synapses':>8s} {'numba net-ticks/s':>18s} "
             f"{'NumPy net-ticks/s':>18s} {'ratio':>7s}"]
    for r in results["kernel"]:
        lines.append(f"{r['task']:18s} {r['synapses_per_network']:8d} "
                     f"{r['numba_network_ticks_per_s']:18.3g} "
                     f"{r['numpy_network_ticks_per_s']:18.3g} {r['ratio']:6.1f}×")
    page = results["page_update_ms"]
    lines.append(f"page frame ({page['ticks_per_frame']} ticks): numerics "
                 f"{page['numerics_ms']:.1f} ms, redraw {page['redraw_ms']:.1f} ms "
                 f"(playing: {page['redraw_playing_ms']:.1f} ms)")
    return "\n".join(lines)
