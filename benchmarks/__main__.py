"""python -m benchmarks [--quick] [--output benchmarks/results.json]"""

import argparse
import json
import os
import platform
from pathlib import Path

from .cold_start import measure_cold_start
from .control import control_table, run_control_benchmarks
from .dense_memory import run_dense_benchmarks
from .hopfield import run_hopfield_benchmarks
from .kernels import run_kernel_benchmarks

RESULTS = Path(__file__).with_name("results.json")


def _table(rows):
    lines = [f"{'kernel (Müller–Brown)':24s} {'chains':>7s} {'steps':>6s} "
             f"{'numba chain-steps/s':>20s} {'NumPy chain-steps/s':>20s} {'ratio':>7s}"]
    for r in rows:
        lines.append(f"{r['name']:24s} {r['chains']:7d} {r['steps']:6d} "
                     f"{r['numba_chain_steps_per_s']:20.3g} {r['numpy_chain_steps_per_s']:20.3g} "
                     f"{r['ratio']:6.1f}×")
    return "\n".join(lines)


def _hopfield_table(results):
    lines = [f"{'Hopfield':20s} {'numba ms/sweep':>15s} {'NumPy ms/sweep':>15s} {'ratio':>7s} "
             f"{'first':>7s} {'quiet':>8s} {'with set-up':>12s}"]
    for r in results["async"]:
        lines.append(f"{r['name']:20s} {r['numba_ms_per_sweep']:15.3g} "
                     f"{r['numpy_ms_per_sweep']:15.3g} {r['ratio']:6.1f}× "
                     f"{r['first_sweep_ratio']:6.1f}× {r['quiet_sweep_ratio']:7.0f}× "
                     f"{r['recall_ratio_with_setup']:11.1f}×")
    for r in results["sync"]:
        lines.append(f"{r['name']:20s} {r['numba_ms']:15.3g} {r['numpy_ms']:15.3g} "
                     f"{r['ratio_numba_over_numpy_time']:6.2f}  (time ratio, ≤ 1.5 wanted)")
    return "\n".join(lines)


def _dense_table(rows):
    lines = [f"{'dense memory':26s} {'numba ms/sweep':>15s} {'NumPy ms/sweep':>15s} "
             f"{'ratio':>7s} {'sync ratio':>11s}"]
    for r in rows:
        lines.append(f"{r['name']:26s} {r['numba_ms_per_sweep']:15.3g} "
                     f"{r['numpy_ms_per_sweep']:15.3g} {r['ratio']:6.1f}× "
                     f"{r['sync_ratio']:10.1f}×")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="fewer NumPy steps and repeats (under 2 minutes)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--skip-app", action="store_true", help="skip the app benchmarks")
    args = parser.parse_args(argv)

    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    if args.quick:
        rows = run_kernel_benchmarks(chains=10_000, steps=1_000, numpy_steps=100, repeats=3)
    else:
        rows = run_kernel_benchmarks(chains=10_000, steps=1_000, numpy_steps=1_000, repeats=5)
    print(_table(rows), flush=True)
    hopfield = run_hopfield_benchmarks(quick=args.quick)
    print(_hopfield_table(hopfield), flush=True)
    dense = run_dense_benchmarks(quick=args.quick)
    print(_dense_table(dense), flush=True)
    control = run_control_benchmarks(quick=args.quick)
    print(control_table(control), flush=True)
    cold = measure_cold_start()
    print(f"cold start (first 100-step HMC run, 1000 chains, fresh process): "
          f"{cold['cold_cache']:.2f} s with an empty numba cache, "
          f"{cold['warm_cache']:.2f} s with a warm one", flush=True)
    results.update({
        "kernels": rows,
        "hopfield": hopfield,
        "dense_memory": dense,
        "control": control,
        "cold_start_s": cold,
        "machine": {"processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "mode": "quick" if args.quick else "full",
    })
    if not args.skip_app:
        try:
            from .app import run_app_benchmarks
        except ImportError:
            run_app_benchmarks = None
        if run_app_benchmarks is not None:
            results["app"] = run_app_benchmarks(quick=args.quick)
            print("app:", json.dumps(results["app"]), flush=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
