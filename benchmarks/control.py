"""Optimal control of the two-neuron network: our solver against the authors' method.

The authors' case: A = [[0, 1], [1, 0]], arctan g with ε = 0.1, off-diagonal controls |ξ| ≤ 0.5,
Δt = 1, 50 steps (100 variables), α = 0.9995 (μ = 0.0005), λ = 0, u(0) = (−1, 0.5), one random
start (the same start for both).

* Reference (the authors' method): scipy's L-BFGS-B with finite-difference gradients
  (``jac`` not given: 2-point differences, 101 evaluations per gradient) of J written in NumPy
  as a loop over the 50 steps.
* Ours: the same L-BFGS-B with the exact adjoint gradient of the numba kernel (one forward and
  one backward pass per evaluation).

Also: the time a slider change takes to re-solve (4 restarts, the page's setting) and
N = 20 neurons × 100 steps (sparse random A, density 0.2) with silent synapses closed (k = 0)
and open (k = 0.05, every off-diagonal entry a variable).
"""

import time

import numpy as np
from scipy.optimize import minimize

from landscape_app.control import ControlledHopfield, random_couplings

START = np.array([-1.0, 0.5])


def numpy_cost(x, A, u0, horizon, mu, gain):
    """J of the off-diagonal controls x (horizon × 2), as the authors compute it."""
    xi = x.reshape(horizon, 2)
    u = u0.copy()
    total = 0.0
    for k in range(horizon):
        T = A + np.array([[0.0, xi[k, 0]], [xi[k, 1], 0.0]])
        new = T @ (0.5 + np.arctan(gain * u) / np.pi)
        total += (1 - mu) * np.sum((new - u) ** 2) + mu * np.sum(xi[k] ** 2)
        u = new
    return total


def _time(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def run_control_benchmarks(quick=False) -> dict:
    model = ControlledHopfield(mu=0.0005)
    model.solve(START, restarts=1)  # compile
    problem = model.problem(START)
    x0 = np.random.default_rng(0).uniform(-0.5, 0.5, problem.n_variables)
    bounds = [(-0.5, 0.5)] * problem.n_variables
    repeats = 1 if quick else 3

    def reference():
        return minimize(numpy_cost, x0, args=(model.A, START, 50, 0.0005, 10.0),
                        method="L-BFGS-B", bounds=bounds)

    def ours():
        return minimize(problem.objective(), x0, jac=True, method="L-BFGS-B", bounds=bounds)

    ref_s, ref = _time(reference, repeats)
    our_s, our = _time(ours, 5 * repeats)
    slider_s, _ = _time(lambda: model.solve(START, restarts=4, seed=0), 5 * repeats)

    network = {}
    for name, k in (("silent closed (k = 0)", 0.0), ("silent open (k = 0.05)", 0.05)):
        A = random_couplings(20, density=0.2, seed=0)
        m = ControlledHopfield(A=A, K=0.5, k=k, eps=0.3, dt=0.5, horizon=100, mu=0.001)
        u0 = np.random.default_rng(1).uniform(-1, 1, 20)
        seconds, solution = _time(lambda m=m, u0=u0: m.solve(u0, restarts=1, seed=0), 1)
        network[name] = {"seconds": seconds, "variables": m.problem(u0).n_variables,
                         "iterations": solution.iterations, "cost": solution.cost,
                         "outcome": solution.outcome}
    return {
        "case": "2 neurons, 50 steps, alpha = 0.9995, one random start",
        "fd_numpy_s": ref_s, "fd_numpy_cost": float(ref.fun), "fd_iterations": int(ref.nit),
        "fd_evaluations": int(ref.nfev),
        "adjoint_s": our_s, "adjoint_cost": float(our.fun), "adjoint_iterations": int(our.nit),
        "speedup": ref_s / our_s,
        "slider_resolve_ms": slider_s * 1000,
        "n20_steps100": network,
    }


def control_table(result) -> str:
    lines = [f"control, 2 neurons × 50 steps: FD (NumPy J) {result['fd_numpy_s'] * 1000:.0f} ms "
             f"(J = {result['fd_numpy_cost']:.5f}), adjoint {result['adjoint_s'] * 1000:.1f} ms "
             f"(J = {result['adjoint_cost']:.5f}): {result['speedup']:.0f}×; slider re-solve "
             f"(4 restarts) {result['slider_resolve_ms']:.0f} ms"]
    for name, r in result["n20_steps100"].items():
        lines.append(f"  N = 20 × 100 steps, {name}: {r['seconds']:.2f} s, {r['variables']:,} "
                     f"variables, {r['iterations']} iterations, J = {r['cost']:.4f} "
                     f"({r['outcome']})")
    return "\n".join(lines)


if __name__ == "__main__":
    print(control_table(run_control_benchmarks(quick=True)))
