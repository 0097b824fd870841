"""Landscapes typed as expressions in x and y, parsed with a whitelist and differentiated exactly.

The text is read by a small tokenizer and precedence-climbing parser written here: nothing of it
is passed to ``eval``, ``exec`` or ``sympify``. The parser builds sympy objects node by node from
the allowed pieces only:

    numbers (1, 2.5, 1e-3), the variables x and y, the constants pi and e,
    + - * / ** (and ^ as a synonym of **), parentheses,
    the one-argument functions in ``FUNCTIONS``.

Anything else (attribute access, other names, other calls, double-underscore names, commas,
brackets, strings, over-long or over-nested input) raises ``ExpressionError`` naming the offending
token and its position. So does a constant outside its domain: a function of a number is computed
in floating point as it is typed (``sqrt(-1)``, ``asin(2)``, ``exp(1000)``, ``1.0/0.0`` are refused
there), and an expression whose derivatives are complex or larger than ``MAX_OPERATIONS`` is
refused before compiling (README, "Input the app refuses"). Nothing is expanded or simplified:
sympy's ``simplify``/``expand`` are unbounded in time on typed input.

The exact gradient comes from sympy's differentiation; energy and gradient
(with common subexpressions shared) are printed as Python source from the sympy tree, compiled with
numba and wrapped in the batch ABI every kernel uses.
"""

import functools
import math
import re
import threading
from dataclasses import dataclass

import param
import sympy
from numba import cfunc, njit
from sympy.printing.pycode import PythonCodePrinter

from ..kernels.abi import BATCH_SIGNATURE, apply_pointwise
from ..kernels.fastmath import JIT
from ..params import Window, as_window
from .base import Landscape

MAX_LENGTH = 400
MAX_DEPTH = 60

X, Y = sympy.symbols("x y", real=True)


class RealAbs(sympy.Function):
    """|u| for a u that sympy cannot prove real (asin(x) is complex for |x| > 1 to sympy).

    sympy's ``Abs`` differentiates such a u through ``re``/``im``/``atan2``, which numba cannot
    compile; here u is real wherever E is defined (NaN elsewhere), so d|u| = sign(u)·du, as for
    a real u. Where sympy can prove u real, plain ``Abs`` is kept.
    """

    is_extended_real = True

    @classmethod
    def eval(cls, arg):
        if arg.is_extended_real:
            return sympy.Abs(arg)
        return None

    def fdiff(self, argindex=1):
        return sympy.sign(self.args[0])

    def _latex(self, printer):
        return rf"\left|{printer._print(self.args[0])}\right|"

    def _sympystr(self, printer):
        return f"Abs({printer._print(self.args[0])})"

    def _numpycode(self, printer):
        return f"numpy.abs({printer._print(self.args[0])})"

    def _pythoncode(self, printer):
        return f"abs({printer._print(self.args[0])})"


def derivative(expr: sympy.Expr, symbol: sympy.Symbol) -> sympy.Expr:
    """∂expr/∂symbol of a typed expression, with the derivative of sign taken as 0.

    d sign(u) is 2δ(u)·du to sympy (or unevaluated for a u it cannot prove real): zero almost
    everywhere, and neither numba nor NumPy can evaluate a δ. A typed Lagrangian's Hessian
    meets it for every ``abs``.
    """
    result = sympy.diff(expr, symbol)
    return result.replace(
        lambda e: isinstance(e, sympy.DiracDelta)
        or (isinstance(e, sympy.Derivative) and isinstance(e.expr, sympy.sign)),
        lambda e: sympy.S.Zero)


FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "arcsin": sympy.asin,
    "asin": sympy.asin,
    "arccos": sympy.acos,
    "acos": sympy.acos,
    "arctan": sympy.atan,
    "atan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": RealAbs,
}
#: the same functions on floats, for folding a function of a number (sympy would keep
#: sqrt(-1) as the imaginary unit or asin(7) as a complex number, which numba cannot type)
FLOAT_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "arcsin": math.asin, "asin": math.asin, "arccos": math.acos, "acos": math.acos,
    "arctan": math.atan, "atan": math.atan,
    "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
    "exp": math.exp, "log": math.log, "ln": math.log, "sqrt": math.sqrt, "abs": abs,
}
#: most operations (sympy ``count_ops``) of an expression with its derivatives that is compiled
MAX_OPERATIONS = 4_000
VARIABLES = {"x": X, "y": Y}
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}


class ExpressionError(ValueError):
    """A typed expression that is not allowed or does not parse.

    ``token`` is the offending text and ``position`` its 0-based offset (None when the problem is
    the expression as a whole).
    """

    def __init__(self, message, token=None, position=None):
        super().__init__(message)
        self.token = token
        self.position = position


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    position: int


_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_OPERATORS = ("**", "+", "-", "*", "/", "^", "(", ")")
def _allowed_help(variables) -> str:
    return (f"allowed are numbers, {', '.join(variables)}, pi, e, + - * / ** ^, parentheses and "
            f"the functions {', '.join(sorted(FUNCTIONS))}")


def _tokenize(text: str, variables) -> list[_Token]:
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        number = _NUMBER.match(text, i)
        if number:
            tokens.append(_Token("number", number.group(0), i))
            i = number.end()
            continue
        name = _NAME.match(text, i)
        if name:
            word = name.group(0)
            if "__" in word:
                raise ExpressionError(
                    f"double-underscore names are not allowed: {word!r} at position {i}", word, i
                )
            if word not in FUNCTIONS and word not in variables and word not in CONSTANTS:
                rest = text[name.end():].lstrip()
                kind = "function" if rest.startswith("(") else "name"
                raise ExpressionError(
                    f"unknown {kind} {word!r} at position {i}; {_allowed_help(variables)}",
                    word, i)
            tokens.append(_Token("name", word, i))
            i = name.end()
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op:
            tokens.append(_Token("op", op, i))
            i += len(op)
            continue
        if ch == "." and _NAME.match(text, i + 1):
            attr = _NAME.match(text, i + 1).group(0)
            raise ExpressionError(
                f"attribute access is not allowed: '.{attr}' at position {i}", "." + attr, i
            )
        if ch == ",":
            raise ExpressionError(
                f"',' at position {i} is not allowed: functions take exactly one argument", ch, i
            )
        raise ExpressionError(
            f"character {ch!r} at position {i} is not allowed; {_allowed_help(variables)}", ch, i)
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _number(text: str, position: int) -> sympy.Expr:
    value = float(text)
    if not math.isfinite(value):
        raise ExpressionError(f"number {text!r} at position {position} is out of range",
                              text, position)
    if value.is_integer() and abs(value) <= 1e6 and "." not in text and "e" not in text.lower():
        return sympy.Integer(int(text))
    return sympy.Float(value)


def _not_finite(token: _Token, what: str = "") -> ExpressionError:
    what = what or "does not give a finite real number"
    return ExpressionError(f"'{token.text}' at position {token.position} {what}", token.text,
                           token.position)


def _folded(value: float, token: _Token) -> sympy.Expr:
    """A number computed in floating point, as a sympy number (refused unless finite)."""
    if not math.isfinite(value):
        raise _not_finite(token)
    if value.is_integer() and abs(value) <= 1e6:
        return sympy.Integer(int(value))
    return sympy.Float(value)


def _checked(expr, token: _Token) -> sympy.Expr:
    """``expr`` as built by an operator at ``token``; a number must be finite and real."""
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise _not_finite(token, "divides by zero or is undefined")
    if expr.is_number:
        try:
            value = complex(expr)
        except (TypeError, ValueError, OverflowError, ZeroDivisionError):
            raise _not_finite(token) from None
        if value.imag != 0 or not math.isfinite(value.real):
            raise _not_finite(token)
    return expr


def _binary(op: _Token, left: sympy.Expr, right: sympy.Expr) -> sympy.Expr:
    """left op right for + - * /; a number it gives must be finite and real."""
    if op.text == "/" and right.is_number and right.is_zero:
        raise _not_finite(op, "divides by zero")
    operations = {"+": lambda: left + right, "-": lambda: left - right,
                  "*": lambda: left * right, "/": lambda: left / right}
    try:
        return _checked(operations[op.text](), op)
    except (ZeroDivisionError, OverflowError, TypeError, ValueError) as error:
        if isinstance(error, ExpressionError):
            raise
        raise _not_finite(op) from None


def _call(name: _Token, argument: sympy.Expr) -> sympy.Expr:
    """FUNCTIONS[name](argument); a function of a number is computed in floating point."""
    if argument.is_number:
        at = float(argument)
        try:
            value = FLOAT_FUNCTIONS[name.text](at)
        except OverflowError:
            raise _not_finite(name, f"overflows at {at:.6g}") from None
        except (ValueError, TypeError):
            raise _not_finite(name, f"is undefined at {at:.6g} (outside the domain of "
                                    f"{name.text})") from None
        return _folded(value, name)
    return _checked(FUNCTIONS[name.text](argument), name)


def _power(base: sympy.Expr, exponent: sympy.Expr, token: _Token) -> sympy.Expr:
    # Two numbers are combined in floating point: sympy would compute 9**9**9 exactly and hang.
    if base.is_number and exponent.is_number:
        try:
            value = math.pow(float(base), float(exponent))
        except (OverflowError, ValueError, ZeroDivisionError):
            value = math.nan
        return _folded(value, token)
    return _checked(sympy.Pow(base, exponent), token)


class _Parser:
    """Precedence climbing: sum > product > unary sign > power (right-associative) > atom."""

    def __init__(self, tokens, variables):
        self.tokens = tokens
        self.variables = variables
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _enter(self, token):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression is nested too deeply (more than {MAX_DEPTH} levels) at position "
                f"{token.position}", token.text, token.position)

    def parse(self) -> sympy.Expr:
        if self.current.kind == "end":
            raise ExpressionError("the expression is empty")
        expr = self._sum()
        token = self.current
        if token.kind != "end":
            if token.text == ")":
                raise ExpressionError(f"unmatched ')' at position {token.position}",
                                      token.text, token.position)
            raise ExpressionError(
                f"missing operator before {token.text!r} at position {token.position}",
                token.text, token.position)
        return expr

    def _sum(self):
        expr = self._product()
        while self.current.kind == "op" and self.current.text in "+-":
            op = self._advance()
            right = self._product()
            expr = _binary(op, expr, right)
        return expr

    def _product(self):
        expr = self._unary()
        while self.current.kind == "op" and self.current.text in ("*", "/"):
            op = self._advance()
            right = self._unary()
            expr = _binary(op, expr, right)
        return expr

    def _unary(self):
        token = self.current
        if token.kind == "op" and token.text in "+-":
            self._advance()
            self._enter(token)
            operand = self._unary()
            self.depth -= 1
            return -operand if token.text == "-" else operand
        return self._power()

    def _power(self):
        base = self._atom()
        token = self.current
        if token.kind == "op" and token.text in ("**", "^"):
            self._advance()
            self._enter(token)
            exponent = self._unary()
            self.depth -= 1
            return _power(base, exponent, token)
        return base

    def _atom(self):
        token = self._advance()
        if token.kind == "number":
            return _number(token.text, token.position)
        if token.kind == "name":
            return self._name(token)
        if token.kind == "op" and token.text == "(":
            return self._group(token)
        if token.kind == "end":
            raise ExpressionError("the expression ends too early: an operand is missing",
                                  None, token.position)
        raise ExpressionError(f"unexpected {token.text!r} at position {token.position}",
                              token.text, token.position)

    def _group(self, open_token):
        self._enter(open_token)
        expr = self._sum()
        close = self._advance()
        if close.text != ")":
            raise ExpressionError(
                f"'(' at position {open_token.position} is not closed", "(", open_token.position)
        self.depth -= 1
        return expr

    def _name(self, token):
        word = token.text
        is_call = self.current.kind == "op" and self.current.text == "("
        if word in FUNCTIONS:
            if not is_call:
                raise ExpressionError(
                    f"function {word!r} at position {token.position} must be called, "
                    f"as in {word}(x)", word, token.position)
            argument = self._group(self._advance())
            return _call(token, argument)
        if word in self.variables or word in CONSTANTS:
            if is_call:
                raise ExpressionError(
                    f"{word!r} at position {token.position} is not a function", word,
                    token.position)
            return self.variables.get(word, CONSTANTS.get(word))
        raise ExpressionError(f"unknown name {word!r} at position {token.position}",
                              word, token.position)


def vector_variables(n: int) -> dict:
    """{"V1": V1, …, "Vn": Vn}: real sympy symbols for expressions in n neurons' states."""
    return {f"V{i}": sympy.Symbol(f"V{i}", real=True) for i in range(1, n + 1)}


def parse_expression(text: str, variables: dict | None = None) -> sympy.Expr:
    """Parse ``text`` into a sympy expression, allowing only the whitelisted grammar.

    ``variables`` maps the allowed names to sympy symbols: x and y by default (landscapes),
    ``vector_variables(n)`` for functions of V1..Vn.
    """
    variables = VARIABLES if variables is None else variables
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is too long ({len(text)} characters; the limit is {MAX_LENGTH})")
    expr = _Parser(_tokenize(text, variables), variables).parse()
    if not isinstance(expr, sympy.Expr):
        raise ExpressionError("the expression does not evaluate to a number")
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError("the expression is undefined everywhere (division by zero?)")
    if expr.has(sympy.I):
        raise ExpressionError("the expression is not real-valued (it involves √−1)")
    return expr


def check_size(expressions, what: str = "the expression with its derivatives") -> None:
    """Refuse what would not compile: symbolic work too large to compile in reasonable time
    (``MAX_OPERATIONS``), or derivatives that are complex."""
    operations = 0
    for expr in expressions:
        if expr.has(sympy.I):
            raise ExpressionError(
                f"{what} is not real-valued: it involves √−1 (a negative number to a "
                f"variable power, say)")
        operations += sympy.count_ops(expr)
        if operations > MAX_OPERATIONS:
            raise ExpressionError(
                f"{what} is too large to compile (more than {MAX_OPERATIONS:,} operations); "
                f"type a shorter or less deeply nested expression")


class _Printer(PythonCodePrinter):
    """Python source for numba: math.* functions, floats for every number."""

    def _print_Rational(self, expr):
        return repr(float(expr))

    def _print_Integer(self, expr):
        value = int(expr)
        return repr(value) if abs(value) < 2**53 else repr(float(value))

    def _print_sign(self, expr):
        arg = self._print(expr.args[0])
        return f"(0.0 if {arg} == 0 else math.copysign(1.0, {arg}))"


def _point_source(energy: sympy.Expr) -> str:
    """Source of ``_point(x, y, p)`` returning (E, ∂E/∂x, ∂E/∂y) with shared subexpressions."""
    grads = [derivative(energy, X), derivative(energy, Y)]
    check_size([energy, *grads])
    replacements, reduced = sympy.cse([energy, *grads], symbols=sympy.numbered_symbols("_t"))
    printer = _Printer({"standard": "python3", "fully_qualified_modules": True})
    lines = ["def _point(x, y, p):"]
    for symbol, value in replacements:
        lines.append(f"    {symbol} = {printer.doprint(value)}")
    e, gx, gy = (printer.doprint(r) for r in reduced)
    lines.append(f"    return (float({e}), float({gx}), float({gy}))")
    return "\n".join(lines)


@dataclass(frozen=True)
class CompiledExpression:
    """A parsed, differentiated and compiled expression (shared read-only between sessions)."""

    text: str
    energy: sympy.Expr
    gradient: tuple
    source: str
    batch: object


_COMPILE_LOCK = threading.Lock()


def _compiled_cfunc(build, what: str):
    """``build()`` (numba compiling printed source); any failure becomes an ExpressionError.

    The parser lets through only real, finite, size-bounded expressions, so this is the last
    line: a numba typing error or an over-deep expression must not reach the user as such.
    """
    try:
        with _COMPILE_LOCK:
            return build()
    except ExpressionError:
        raise
    except (Exception, RecursionError) as error:  # noqa: BLE001 - numba raises many classes
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise ExpressionError(f"{what} could not be compiled ({type(error).__name__}"
                              f"{': ' + first if first else ''})") from error


@functools.lru_cache(maxsize=64)
def _compile(energy: sympy.Expr) -> CompiledExpression:
    source = _point_source(energy)

    def build():
        namespace = {"math": math}
        # Printed from the validated sympy tree above, not taken from the user's text.
        exec(compile(source, "<landscape expression>", "exec"), namespace)  # noqa: S102
        point = njit(inline="always", **JIT)(namespace["_point"])

        def batch(n, xs, ys, p, want_grad, e, gx, gy):
            apply_pointwise(point, n, xs, ys, p, want_grad, e, gx, gy)

        return cfunc(BATCH_SIGNATURE, **JIT)(batch)

    compiled = _compiled_cfunc(build, "the expression")
    return CompiledExpression(str(energy), energy,
                              (derivative(energy, X), derivative(energy, Y)), source, compiled)


@functools.lru_cache(maxsize=64)
def compile_vector_field(components: tuple, symbols: tuple):
    """A ``cfunc`` with the coupling-field ABI of ``kernels.state_couplings``,
    ``f(n, V, params, out)``, writing ``out[i] = components[i](V)``, the components being
    sympy expressions (already validated) in ``symbols`` = (V1, ..., Vn)."""
    from numba import carray

    from ..kernels.state_couplings import FIELD_SIGNATURE

    check_size(components, "the field T(V)V")
    replacements, reduced = sympy.cse(list(components), symbols=sympy.numbered_symbols("_t"))
    printer = _Printer({"standard": "python3", "fully_qualified_modules": True})
    n = len(symbols)
    lines = ["def _field(n, v_ptr, p_ptr, out_ptr):",
             f"    v = carray(v_ptr, {n})",
             f"    out = carray(out_ptr, {n})"]
    lines += [f"    {symbol} = v[{i}]" for i, symbol in enumerate(symbols)]
    lines += [f"    {symbol} = {printer.doprint(value)}" for symbol, value in replacements]
    lines += [f"    out[{i}] = float({printer.doprint(r)})" for i, r in enumerate(reduced)]

    def build():
        namespace = {"math": math, "carray": carray}
        # Printed from validated sympy trees, not from the user's text (see the module docstring).
        exec(compile("\n".join(lines), "<coupling field>", "exec"), namespace)  # noqa: S102
        return cfunc(FIELD_SIGNATURE, **JIT)(namespace["_field"])

    return _compiled_cfunc(build, "the coupling field")


def compile_expression(text: str) -> CompiledExpression:
    """Parse, differentiate and compile ``text`` (memoised on the parsed expression)."""
    return _compile(parse_expression(text))


class ExpressionLandscape(Landscape):
    """A landscape typed as an expression in x and y, with its exact symbolic gradient."""

    expression = param.String("x**2 + y**2", constant=True,
                              doc="The energy E(x, y) as typed.")
    window = Window((-2.0, 2.0, -2.0, 2.0))

    def __init__(self, **params):
        text = params.get("expression", type(self).expression)
        self._compiled = compile_expression(text)
        params.setdefault("name", "expression")
        super().__init__(**params)

    @property
    def formula(self):
        return self.expression

    @property
    def batch_function(self):
        return self._compiled.batch

    @property
    def sympy_energy(self) -> sympy.Expr:
        return self._compiled.energy

    @property
    def sympy_gradient(self) -> tuple:
        return self._compiled.gradient

    def latex(self) -> str:
        return sympy.latex(self._compiled.energy)


def from_expression(text: str, window=None, name: str | None = None) -> ExpressionLandscape:
    """A landscape from a typed expression, e.g. ``"x**2 - y**2 + 0.1*(x**4 + y**4)"``.

    Raises ``ExpressionError`` (a ValueError) naming the offending token for anything outside the
    whitelisted grammar; nothing of the text is executed.
    """
    params = {"expression": text}
    if window is not None:
        params["window"] = as_window(window)
    if name is not None:
        params["name"] = name
    return ExpressionLandscape(**params)
