"""python -m benchmarks [--quick] [--only kernels,app,…] [--output benchmarks/results.json]"""

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
from .plasticity import plasticity_table, run_plasticity_benchmarks
from .saddles import run_saddle_benchmarks, saddle_table
from .synaptic_sampling import run_synaptic_benchmarks, synaptic_table

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


SECTIONS = ("kernels", "hopfield", "dense_memory", "control", "synaptic_sampling", "saddles",
            "plasticity", "stiff", "cold_start", "app", "first_use", "classroom")


def _classroom(quick):
    from .classroom import run_classroom

    pages, playing = (10, 5) if quick else (30, 10)
    return {"one_process": run_classroom(pages, playing, num_procs=1),
            "two_processes": run_classroom(pages, playing, num_procs=2)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="fewer NumPy steps, repeats and pages (under 5 minutes)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--skip-app", action="store_true",
                        help="skip the benchmarks that drive the app in Chromium")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections to run, the others keep their "
                             f"figures in the output (of {', '.join(SECTIONS)})")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if args.skip_app:
        only -= {"app", "first_use", "classroom"}

    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    if "kernels" in only:
        if args.quick:
            rows = run_kernel_benchmarks(chains=10_000, steps=1_000, numpy_steps=100,
                                         repeats=3)
        else:
            rows = run_kernel_benchmarks(chains=10_000, steps=1_000, numpy_steps=1_000,
                                         repeats=5)
        print(_table(rows), flush=True)
        results["kernels"] = rows
    if "hopfield" in only:
        results["hopfield"] = run_hopfield_benchmarks(quick=args.quick)
        print(_hopfield_table(results["hopfield"]), flush=True)
    if "dense_memory" in only:
        results["dense_memory"] = run_dense_benchmarks(quick=args.quick)
        print(_dense_table(results["dense_memory"]), flush=True)
    if "control" in only:
        results["control"] = run_control_benchmarks(quick=args.quick)
        print(control_table(results["control"]), flush=True)
    if "synaptic_sampling" in only:
        results["synaptic_sampling"] = run_synaptic_benchmarks(quick=args.quick)
        print(synaptic_table(results["synaptic_sampling"]), flush=True)
    if "saddles" in only:
        results["saddles"] = run_saddle_benchmarks(quick=args.quick)
        print(saddle_table(results["saddles"]), flush=True)
    if "plasticity" in only:
        results["plasticity"] = run_plasticity_benchmarks(quick=args.quick)
        print(plasticity_table(results["plasticity"]), flush=True)
    if "stiff" in only:
        from .stiff import run_stiff_benchmarks, stiff_table

        results["stiff"] = run_stiff_benchmarks(quick=args.quick)
        print(stiff_table(results["stiff"]), flush=True)
    if "cold_start" in only:
        cold = measure_cold_start()
        print(f"cold start (first 100-step HMC run, 1000 chains, fresh process): "
              f"{cold['cold_cache']:.2f} s with an empty numba cache, "
              f"{cold['warm_cache']:.2f} s with a warm one", flush=True)
        results["cold_start_s"] = cold
    results.update({
        "machine": {"processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "mode": "quick" if args.quick else "full",
    })
    if "app" in only:
        from .app import run_app_benchmarks

        results["app"] = run_app_benchmarks(quick=args.quick)
        print("app:", json.dumps(results["app"]), flush=True)
    if "first_use" in only:
        from .first_use import measure_first_use

        results["first_use"] = measure_first_use()
        print("first use:", json.dumps(results["first_use"]), flush=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n")  # the next is long
    if "classroom" in only:
        results["classroom"] = _classroom(args.quick)
        print("classroom:", json.dumps(results["classroom"]), flush=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
