"""The start-up warm-up compiles (or loads) every kernel the pages use: after it, opening every
page, every tab and playing a frame compiles nothing and loads nothing more from numba's cache."""

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import gc, json, sys, time
sys.path.insert(0, {tests!r})
from numba.core.registry import CPUDispatcher
from landscape_app.landscapes.base import LazyCFunc
from landscape_app.warmup import warm_up

def objects(kind):
    for obj in gc.get_objects():
        try:
            if type(obj) is kind or isinstance(obj, kind):
                yield obj
        except ReferenceError:  # a dead weak proxy
            continue

def snapshot():
    dispatchers = {{f"{{d.__module__}}.{{d.__name__}}": len(d.overloads)
                   for d in objects(CPUDispatcher)
                   if (d.__module__ or "").startswith("landscape_app")}}
    lazy = {{f"{{c.py_function.__module__}}.{{c.py_function.__name__}}": c._compiled is not None
            for c in objects(LazyCFunc)}}
    return dispatchers, lazy

info = warm_up(stream=None)
import page_sweep, holoviews, panel  # imported before the snapshot: their import is not the point
before = snapshot()
timings = []
start = time.perf_counter()
page_sweep.visit_every_page(lambda label: timings.append((label, time.perf_counter() - start)))
after = snapshot()
grown = sorted(k for k, n in after[0].items() if n > before[0].get(k, 0))
compiled = sorted(k for k, c in after[1].items() if c and not before[1].get(k, False))
print(json.dumps({{"grown": grown, "compiled": compiled, "warmup": info, "timings": timings}}))
"""


@pytest.mark.slow
def test_after_the_warm_up_no_page_compiles_a_kernel():
    tests = os.path.dirname(__file__)
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(tests=tests)], capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["grown"] == [], f"kernels first used by a page, missing from the warm-up: " \
                                  f"{result['grown']}"
    assert result["compiled"] == [], f"landscapes compiled by a page: {result['compiled']}"


def test_the_progress_bar_reports_every_task(monkeypatch):
    import io

    from landscape_app import warmup

    calls = []
    monkeypatch.setattr(warmup, "TASKS", [("one", lambda: calls.append(1)),
                                          ("two", lambda: calls.append(2))])
    monkeypatch.setattr(warmup, "cache_is_cold", lambda: True)
    stream = io.StringIO()
    info = warmup.warm_up(stream=stream, workers=1)
    assert calls == [1, 2] and info["cold"] is True
    lines = stream.getvalue().splitlines()
    assert "compiling the numba kernels" in lines[0]
    assert lines[-1].startswith("compiling [") and "2/2 two" in lines[-1]
    assert set(info["tasks"]) == {"one", "two"}

