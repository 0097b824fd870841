"""Settings that suit a landscape's scales, derived from its critical points.

Energies differ by orders of magnitude between landscapes (the double well's barrier is 1,
Müller–Brown's 74), and so do curvatures (8 vs 4,000), so no fixed default works everywhere.
From the largest Hessian eigenvalue at the minima, λ_max, and the lowest barrier ΔE:

* temperature T = ΔE/4 (rare but visible barrier crossings), 1 without a barrier;
* first-order steps (Langevin, MALA, gradient descent, momentum): η = 0.5/λ_max, well inside
  the stability limit 2/λ_max of gradient descent;
* leapfrog / BAOAB steps: ε = 0.6/√λ_max, h = 0.3/√λ_max (a fraction of the fastest period);
* NUTS: HMC's ε as the start of dual averaging (500 warm-up steps towards δ = 0.8, Stan's
  target), trees of depth ≤ 10;
* MCLMC: HMC's ε as the start of its energy-error tuning (500 steps), L = 1.5·√(T/λ_min)
  (the width of the widest well direction at T: the velocity decorrelates over about one well);
* friction γ = √λ_min (about critical damping of the slowest well direction);
* random-walk scale s = 1.5·√(T/λ_max) (the width of the narrowest well at T);
* parallel tempering: MALA's η, 8 replicas up to 30 T (the hottest crosses barriers of 7 T…
  30 T, a few times the suggested T's ΔE/4);
* ensemble moves: emcee's stretch a = 2; DE-MCMC's γ = 2.38/√(2d) with a jitter of 1e-3 of the
  window, γ = 1 every tenth step;
* SVGD: ε = 0.5·T/λ_max (its drift is −∇E/T, so the gradient step η·T), sets of 32.
"""

import math

import numpy as np

from ..landscapes.base import Landscape
from ..landscapes.critical_points import find_critical_points


def _round(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        return value
    digits = -int(math.floor(math.log10(value))) + 1
    return round(value, digits)


def landscape_scales(landscape: Landscape, critical_points=None) -> dict:
    """λ_max, λ_min (Hessian eigenvalues at the minima) and the lowest barrier ΔE."""
    cps = find_critical_points(landscape) if critical_points is None else critical_points
    minima = [c for c in cps if c.kind == "minimum"]
    saddles = [c for c in cps if c.kind == "saddle"]
    if minima:
        eig = np.array([c.eigenvalues for c in minima])
        lam_max, lam_min = float(eig.max()), float(eig.min())
    else:
        x0, x1, y0, y1 = landscape.window
        lam_max = lam_min = 1.0 / max(x1 - x0, y1 - y0) ** 2
    barrier = math.nan
    if minima and saddles:
        barrier = min(c.energy for c in saddles) - min(c.energy for c in minima)
    return {"lambda_max": lam_max, "lambda_min": lam_min, "barrier": barrier}


def suggest_settings(landscape: Landscape, critical_points=None) -> dict:
    """{"temperature": T, method name: {parameter: value}} suited to ``landscape``."""
    s = landscape_scales(landscape, critical_points)
    lam = max(s["lambda_max"], 1e-12)
    temperature = _round(s["barrier"] / 4) if math.isfinite(s["barrier"]) and s["barrier"] > 0 \
        else 1.0
    eta = _round(0.5 / lam)
    eps = _round(0.6 / math.sqrt(lam))
    h = _round(0.3 / math.sqrt(lam))
    scale = _round(1.5 * math.sqrt(temperature / lam))
    x0, x1, y0, y1 = landscape.window
    width = max(x1 - x0, y1 - y0)
    return {
        "temperature": temperature,
        "GradientDescent": {"step_size": eta},
        "Momentum": {"step_size": _round(0.2 / lam), "momentum": 0.9},
        "Langevin": {"step_size": eta},
        "MALA": {"step_size": eta},
        "RandomWalkMetropolis": {"step_size": scale},
        "HMC": {"step_size": eps, "n_leapfrog": 10},
        "NUTS": {"step_size": eps, "adapt_steps": 500, "target_accept": 0.8, "max_depth": 10},
        "UnderdampedLangevin": {"step_size": h,
                                "friction": _round(math.sqrt(max(s["lambda_min"], 1e-12)))},
        "MCLMC": {"step_size": eps, "adapt_steps": 500,
                  "momentum_length": _round(1.5 * math.sqrt(
                      temperature / max(s["lambda_min"], 1e-12)))},
        "SimulatedAnnealing": {"step_size": _round(0.1 * width), "cooling_rate": 0.999,
                               "base": "metropolis"},
        "EvolutionStrategy": {"step_size": eta, "sigma": _round(0.01 * width),
                              "population": 16},
        "WeightNoiseLangevin": {"step_size": _round(0.2 / lam), "alpha": 0.5},
        "ParallelTempering": {"step_size": eta, "replicas": 8, "hottest": 30.0,
                              "move": "MALA"},
        "StretchMove": {"step_size": 1.0},
        "DEMCMC": {"step_size": _round(1e-3 * width), "gamma": 1.19, "jump_every": 10},
        "SVGD": {"step_size": _round(temperature * 0.5 / lam), "particles": 32,
                 "bandwidth": 0.0},
    }
