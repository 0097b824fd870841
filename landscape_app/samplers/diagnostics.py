"""Diagnostics of a run: ESS and R̂ (ArviZ), acceptance, costs, and the exact TV distance.

* ``ess_bulk``, ``ess_tail``: ArviZ's bulk and tail effective sample sizes (Vehtari et al. 2021),
  the minimum over the two coordinates, from the post-burn-in draws of the chains that never
  stopped. With more than ``max_chains`` such chains, the first ``max_chains`` are used and the
  ESS is scaled by (live chains)/(chains used), chains being independent and exchangeable.
* ``rhat``: rank-normalized split R̂, the maximum over the coordinates.
* ``tv_to_exact``: ½ Σ |p̂ − p| over ``bins`` × ``bins`` cells of the window between the pooled
  post-burn-in samples and the exact Boltzmann density at the final temperature (both
  conditioned on the window); ``tv_noise_floor`` is what exact independent draws would score
  with as many samples as the bulk ESS.
* ``acceptance_rate``: accepted / proposed over live chains (None for non-Metropolis methods).
"""

from __future__ import annotations

import math
import threading
import warnings

import numpy as np

from ..landscapes.density import BoltzmannGrid

_ARVIZ_LOCK = threading.Lock()
_arviz_module = None


def _arviz_diagnostics():
    """ArviZ's diagnostics module (importing ArviZ takes about 3 s of CPU the first time)."""
    global _arviz_module
    if _arviz_module is None:
        with _ARVIZ_LOCK:
            if _arviz_module is None:
                # ArviZ announces its 1.0 refactor with a FutureWarning at import; not ours
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    from arviz.stats import diagnostics
                _arviz_module = diagnostics
    return _arviz_module


def arviz_ready(load_in_background: bool = True) -> bool:
    """Whether ArviZ is imported; if not, optionally start importing it in a thread.

    Live views ask this instead of blocking a frame for seconds on the first ESS.
    """
    if _arviz_module is not None:
        return True
    if load_in_background and not _ARVIZ_LOCK.locked():
        threading.Thread(target=_arviz_diagnostics, daemon=True).start()
    return False


def ess_and_rhat(draws: np.ndarray) -> tuple[float, float, float]:
    """(bulk ESS, tail ESS, R̂) of one variable given as (chains, draws)."""
    if draws.ndim != 2 or draws.shape[0] < 1 or draws.shape[1] < 4 \
            or not np.all(np.isfinite(draws)):
        return math.nan, math.nan, math.nan
    az = _arviz_diagnostics()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        bulk = float(az.ess(draws, method="bulk"))
        tail = float(az.ess(draws, method="tail"))
        rhat = float(az.rhat(draws, method="rank"))
    return bulk, tail, rhat


def summarize(run, burn_in: float = 0.5, bins: int = 50, max_chains: int = 500,
              exact: BoltzmannGrid | None = None) -> dict:
    """The diagnostics dictionary of ``run`` (see the module docstring)."""
    draws = run.draws(burn_in)  # (records, live chains, 2)
    n_live = draws.shape[1]
    used = min(n_live, max_chains)
    ess_b, ess_t, rhats = [], [], []
    for axis in range(2):
        chains_by_draw = draws[:, :used, axis].T
        b, t, r = ess_and_rhat(chains_by_draw)
        scale = n_live / used if used else math.nan
        ess_b.append(b * scale)
        ess_t.append(t * scale)
        rhats.append(r)
    ess_bulk = float(np.min(ess_b))
    final_temperature = float(run.temperatures[-1]) if run.n_steps else float(
        run.settings.get("temperature", math.nan))
    samples = draws.reshape(-1, 2)
    tv = noise_floor = outside = math.nan
    if final_temperature > 0.0 and samples.shape[0] > 0:
        if exact is None or exact.temperature != final_temperature:
            exact = BoltzmannGrid(run.landscape, final_temperature, bins=bins)
        _, inside, n_out = exact.histogram(samples)
        outside = n_out / samples.shape[0]
        if inside:
            tv = exact.tv_distance(samples)
            n_eff = min(float(inside), ess_bulk) if math.isfinite(ess_bulk) else float(inside)
            noise_floor = exact.tv_noise_floor(n_eff)
    last = run.energies[-1]
    finite_last = last[np.isfinite(last)]
    finite_all = run.energies[np.isfinite(run.energies)]
    diverged = int(run.diverged.sum())
    return {
        "method": run.method,
        "n_chains": run.n_chains,
        "n_steps": run.n_steps,
        "acceptance_rate": run.acceptance_rate,
        "grad_evals": run.grad_evals,
        "energy_evals": run.energy_evals,
        "evaluations": run.evaluations,
        "ess_bulk": ess_bulk,
        "ess_tail": float(np.min(ess_t)),
        "ess_bulk_xy": tuple(ess_b),
        "rhat": float(np.max(rhats)),
        "ess_chains_used": used,
        "ess_per_grad_eval": ess_bulk / run.grad_evals if run.grad_evals else math.nan,
        "ess_per_evaluation": ess_bulk / run.evaluations if run.evaluations else math.nan,
        "tv_to_exact": tv,
        "tv_noise_floor": noise_floor,
        "fraction_outside_window": outside,
        "final_temperature": final_temperature,
        "mean_energy": float(finite_last.mean()) if finite_last.size else math.nan,
        "min_energy": float(finite_all.min()) if finite_all.size else math.nan,
        "diverged": diverged,
        "diverged_chains": [int(i) for i in np.flatnonzero(run.diverged)[:20]],
        "divergence_messages": run.divergence_messages(),
        "divergent_transitions": int(run.divergent_count.sum()),
    }
