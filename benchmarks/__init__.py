"""Benchmarks: kernel throughput against NumPy references, cold start, app latency.

Run ``python -m benchmarks --quick`` from the repository root; results go to
``benchmarks/results.json``.
"""
