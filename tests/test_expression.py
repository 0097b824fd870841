"""Typed landscape expressions: whitelist parsing, exact gradients, and nothing executed."""

import builtins
import math

import numpy as np
import pytest
import sympy
from conftest import finite_difference_gradient

from landscape_app import landscapes
from landscape_app.landscapes.expression import ExpressionError, parse_expression


def test_example_from_the_issue():
    land = landscapes.from_expression("x**2 - y**2 + 0.1*(x**4 + y**4)")
    xy = np.array([[1.0, 2.0], [-0.5, 0.3]])
    x, y = xy.T
    np.testing.assert_allclose(land.energy(xy), x**2 - y**2 + 0.1 * (x**4 + y**4))
    np.testing.assert_allclose(land.gradient(xy),
                               np.column_stack([2 * x + 0.4 * x**3, -2 * y + 0.4 * y**3]))


EXPRESSIONS = [
    ("sin(x)*cos(y) + tan(x/3)", lambda x, y: np.sin(x) * np.cos(y) + np.tan(x / 3)),
    ("exp(-x^2) * log(1 + y**2)", lambda x, y: np.exp(-x**2) * np.log(1 + y**2)),
    ("sqrt(x**2 + y**2 + 1) - tanh(x) + sinh(y)/cosh(y)",
     lambda x, y: np.sqrt(x**2 + y**2 + 1) - np.tanh(x) + np.sinh(y) / np.cosh(y)),
    ("arctan(x*y) + abs(x - 0.3) + pi*e", lambda x, y: np.arctan(x * y) + np.abs(x - 0.3)
     + math.pi * math.e),
    ("-x**2**1 + 2e-1*y - -x", lambda x, y: -(x**2) + 0.2 * y + x),
    ("(x + 1)^-2 + 1.5e1", lambda x, y: (x + 1) ** -2.0 + 15.0),
]


@pytest.mark.parametrize("text,reference", EXPRESSIONS)
def test_expression_energy_and_exact_gradient(text, reference):
    land = landscapes.from_expression(text)
    rng = np.random.default_rng(0)
    xy = rng.uniform(0.1, 1.5, (50, 2))
    np.testing.assert_allclose(land.energy(xy), reference(xy[:, 0], xy[:, 1]), rtol=1e-12)
    grad = land.gradient(xy)
    fd = finite_difference_gradient(land, xy)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("text,token", [
    ("x.__class__", ".__class__"),
    ("__import__('os')", "__import__"),
    ("os.system('ls')", "os"),
    ("open('f')", "open"),
    ("foo(x)", "foo"),
    ("z + 1", "z"),
    ("x; y", ";"),
    ("lambda: 1", "lambda"),
    ("[x for x in y]", "["),
    ("sin(x, y)", ","),
    ("atan2(x, y)", "atan2"),
    ("x if y else 1", "if"),
    ("'abc'", "'"),
    ("x == y", "="),
    ("sin", "sin"),
    ("x(2)", "x"),
    ("2x", "x"),
    ("(x", "("),
    ("x)", ")"),
    ("9**9**9", "**"),
])
def test_rejected_input_names_the_offending_token(text, token):
    with pytest.raises(ExpressionError) as info:
        landscapes.from_expression(text)
    assert info.value.token == token
    assert repr(token) in str(info.value) or token in str(info.value)


def test_overlong_overnested_and_empty_input_are_rejected():
    with pytest.raises(ExpressionError, match="too long"):
        parse_expression("x+" * 300 + "x")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_expression("(" * 100 + "x" + ")" * 100)
    with pytest.raises(ExpressionError, match="empty"):
        parse_expression("   ")
    with pytest.raises(ExpressionError):
        parse_expression(123)


def test_parsing_never_evaluates_the_text(monkeypatch):
    """A payload that eval() or sympify() would run (they resolve names through builtins) is
    rejected, and the function it names is never called."""
    calls = []
    monkeypatch.setattr(builtins, "_landscape_probe", lambda *a: calls.append(a) or 1,
                        raising=False)

    def forbidden(*args, **kwargs):
        raise AssertionError("user text reached eval")

    monkeypatch.setattr(builtins, "eval", forbidden)
    for text in ("_landscape_probe()", "x + _landscape_probe(1)", "x.__add__(_landscape_probe())"):
        with pytest.raises(ExpressionError):
            landscapes.from_expression(text)
    assert calls == []
    x, y = sympy.symbols("x y", real=True)
    assert parse_expression("sin(x)**2 + y") == sympy.sin(x) ** 2 + y


def test_expression_landscape_runs_in_a_sampler():
    from landscape_app import samplers

    land = landscapes.from_expression("(x**2 - 1)**2 + y**2", window=(-2, 2, -1.5, 1.5))
    run = samplers.MALA(landscape=land, temperature=1.0, step_size=0.05, n_chains=64).run(50)
    assert np.all(np.isfinite(run.positions))
    assert land.latex()
