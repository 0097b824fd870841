"""The built-in test landscapes (docs/science.md section 2).

Each landscape is three pieces: a scalar ``_<key>(x, y, p) -> (E, ∂E/∂x, ∂E/∂y)`` compiled inline,
a module-level batch wrapper (module-level so that its ``cfunc`` loads from numba's disk cache), and
a ``Landscape`` subclass carrying the formula, the default window and the parameters.
"""

import math

import numpy as np
from numba import njit

from ..kernels.abi import apply_pointwise
from ..kernels.fastmath import JIT, fast_exp, fast_log, fast_sincos_2pi
from ..params import FiniteNumber, Window
from .base import Landscape, LazyCFunc, register


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _double_well(x, y, p):
    h = p[0]
    u = x * x - 1.0
    return h * u * u + y * y, 4.0 * h * x * u, 2.0 * y


def _double_well_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_double_well, n, xs, ys, p, want_grad, e, gx, gy)


@register
class DoubleWell(Landscape):
    """Double well E = h(x² − 1)² + y².

    Minima (±1, 0) with E = 0 and Hessian diag(8h, 2); saddle (0, 0) with E = h and Hessian
    diag(−4h, 2). The x and y motions decouple, so x alone is the 1-D double well of Kramers'
    escape problem.
    """

    key = "double_well"
    formula = "h (x² − 1)² + y²"
    _batch = LazyCFunc(_double_well_batch)
    window = Window((-2.0, 2.0, -1.5, 1.5))
    barrier = FiniteNumber(1.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                           softbounds=(0.1, 5.0), doc="Barrier height h.")

    def kernel_params(self):
        return np.array([self.barrier], dtype=np.float64)


# --------------------------------------------------------------------------------------------
_MB_A = (-200.0, -100.0, -170.0, 15.0)
_MB_a = (-1.0, -1.0, -6.5, 0.7)
_MB_b = (0.0, 0.0, 11.0, 0.6)
_MB_c = (-10.0, -10.0, -6.5, 0.7)
_MB_X0 = (1.0, 0.0, -0.5, -1.0)
_MB_Y0 = (0.0, 0.5, 1.5, 1.0)


@njit(inline="always", **JIT)
def _muller_brown(x, y, p):
    e = 0.0
    gx = 0.0
    gy = 0.0
    for k in range(4):
        dx = x - _MB_X0[k]
        dy = y - _MB_Y0[k]
        a = _MB_a[k]
        b = _MB_b[k]
        c = _MB_c[k]
        t = _MB_A[k] * fast_exp(a * dx * dx + b * dx * dy + c * dy * dy)
        e += t
        gx += t * (2.0 * a * dx + b * dy)
        gy += t * (b * dx + 2.0 * c * dy)
    return e, gx, gy


def _muller_brown_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_muller_brown, n, xs, ys, p, want_grad, e, gx, gy)


@register
class MullerBrown(Landscape):
    """Müller–Brown potential E = Σₖ Aₖ exp[aₖ(x−x₀ₖ)² + bₖ(x−x₀ₖ)(y−y₀ₖ) + cₖ(y−y₀ₖ)²].

    A = (−200, −100, −170, 15), a = (−1, −1, −6.5, 0.7), b = (0, 0, 11, 0.6),
    c = (−10, −10, −6.5, 0.7), x₀ = (1, 0, −0.5, −1), y₀ = (0, 0.5, 1.5, 1).
    Minima (−0.558224, 1.441726) E = −146.6995, (0.623499, 0.028038) E = −108.1667,
    (−0.050011, 0.466694) E = −80.7678; saddles (0.212487, 0.292988) E = −72.2489 and
    (−0.822002, 0.624313) E = −40.6648.
    """

    key = "muller_brown"
    formula = "Σₖ Aₖ exp[aₖ(x−x₀ₖ)² + bₖ(x−x₀ₖ)(y−y₀ₖ) + cₖ(y−y₀ₖ)²]"
    _batch = LazyCFunc(_muller_brown_batch)
    window = Window((-1.5, 1.2, -0.4, 2.0))


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _himmelblau(x, y, p):
    u = x * x + y - 11.0
    v = x + y * y - 7.0
    return u * u + v * v, 4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v


def _himmelblau_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_himmelblau, n, xs, ys, p, want_grad, e, gx, gy)


@register
class Himmelblau(Landscape):
    """Himmelblau's function E = (x² + y − 11)² + (x + y² − 7)².

    Four minima with E = 0: (3, 2), (−2.805118, 3.131313), (−3.779310, −3.283186),
    (3.584428, −1.848127); four saddles and one maximum at (−0.270845, −0.923039), E = 181.6165.
    """

    key = "himmelblau"
    formula = "(x² + y − 11)² + (x + y² − 7)²"
    _batch = LazyCFunc(_himmelblau_batch)
    window = Window((-5.0, 5.0, -5.0, 5.0))


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _rastrigin(x, y, p):
    amp = p[0]
    sx, cx = fast_sincos_2pi(x)
    sy, cy = fast_sincos_2pi(y)
    e = 2.0 * amp + x * x - amp * cx + y * y - amp * cy
    k = 2.0 * math.pi * amp
    return e, 2.0 * x + k * sx, 2.0 * y + k * sy


def _rastrigin_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_rastrigin, n, xs, ys, p, want_grad, e, gx, gy)


@register
class Rastrigin(Landscape):
    """Rastrigin function E = 2A + Σᵢ (xᵢ² − A cos 2πxᵢ), A = 10.

    Global minimum (0, 0) with E = 0, surrounded by a lattice of local minima; the nearest are at
    (±0.994959, 0) and (0, ±0.994959) with E ≈ 0.99496.
    """

    key = "rastrigin"
    formula = "2A + x² − A cos 2πx + y² − A cos 2πy"
    _batch = LazyCFunc(_rastrigin_batch)
    window = Window((-5.12, 5.12, -5.12, 5.12))
    amplitude = FiniteNumber(10.0, bounds=(0.0, None), softbounds=(0.0, 20.0),
                             doc="Amplitude A of the cosine ripples.")

    def kernel_params(self):
        return np.array([self.amplitude], dtype=np.float64)


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _strict_saddle(x, y, p):
    return 0.25 * x**4 - 0.5 * x * x + 0.5 * y * y, x**3 - x, y


def _strict_saddle_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_strict_saddle, n, xs, ys, p, want_grad, e, gx, gy)


@register
class StrictSaddle(Landscape):
    """Strict saddle E = x⁴/4 − x²/2 + y²/2.

    Minima (±1, 0), E = −1/4; a strict saddle at (0, 0) with Hessian diag(−1, 1): the unstable
    direction x that noise and momentum help gradient descent leave.
    """

    key = "strict_saddle"
    formula = "x⁴/4 − x²/2 + y²/2"
    _batch = LazyCFunc(_strict_saddle_batch)
    window = Window((-1.75, 1.75, -1.5, 1.5))


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _monkey_saddle(x, y, p):
    c = p[0]
    r2 = x * x + y * y
    e = x**3 - 3.0 * x * y * y + c * r2 * r2
    return e, 3.0 * x * x - 3.0 * y * y + 4.0 * c * x * r2, -6.0 * x * y + 4.0 * c * y * r2


def _monkey_saddle_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_monkey_saddle, n, xs, ys, p, want_grad, e, gx, gy)


@register
class MonkeySaddle(Landscape):
    """Monkey saddle with a confining quartic: E = x³ − 3xy² + c(x² + y²)².

    (0, 0) is a degenerate critical point (zero Hessian, three descending valleys). The quartic
    term (c > 0) confines the density so it can be sampled: in polar form E = r³ cos 3φ + c r⁴,
    so three minima appear at radius 3/(4c) where cos 3φ = −1, with E = −27/(256 c³).
    """

    key = "monkey_saddle"
    formula = "x³ − 3xy² + c (x² + y²)²"
    _batch = LazyCFunc(_monkey_saddle_batch)
    window = Window((-2.5, 2.5, -2.5, 2.5))
    confinement = FiniteNumber(0.5, bounds=(0.0, None), softbounds=(0.0, 2.0),
                               doc="Strength c of the confining quartic term.")

    def kernel_params(self):
        return np.array([self.confinement], dtype=np.float64)


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _banana(x, y, p):
    b = p[0]
    r = y - b * (x * x - 100.0)
    return 0.5 * (x * x * 0.01 + r * r), 0.01 * x - 2.0 * b * x * r, r


def _banana_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_banana, n, xs, ys, p, want_grad, e, gx, gy)


@register
class Banana(Landscape):
    """Banana (twisted Gaussian) E = ½[(x/10)² + (y − b(x² − 100))²], b = 0.03.

    Its Boltzmann density at T = 1 is x ~ N(0, 10²), y | x ~ N(b(x² − 100), 1), so
    E[x²] = 100 and E[y²] = 1 + 2·10⁴·b² = 19.
    """

    key = "banana"
    formula = "½[(x/10)² + (y − b(x² − 100))²]"
    _batch = LazyCFunc(_banana_batch)
    window = Window((-35.0, 35.0, -6.0, 34.0))
    curvature = FiniteNumber(0.03, bounds=(0.0, None), softbounds=(0.0, 0.1),
                             doc="Curvature b of the banana.")

    def kernel_params(self):
        return np.array([self.curvature], dtype=np.float64)


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _funnel(x, y, p):
    inv_var = 1.0 / (p[0] * p[0])
    w = fast_exp(-y)
    e = 0.5 * y * y * inv_var + 0.5 * x * x * w + 0.5 * y
    return e, x * w, y * inv_var - 0.5 * x * x * w + 0.5


def _funnel_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_funnel, n, xs, ys, p, want_grad, e, gx, gy)


@register
class Funnel(Landscape):
    """Neal's funnel in 2-D: θ ~ N(0, σ²) (the vertical axis y), z | θ ~ N(0, e^θ) (the x axis).

    E(z, θ) = θ²/(2σ²) + z² e^{−θ}/2 + θ/2 with σ = 3, so E[θ²] = 9 and E[z²] = e^{4.5} ≈ 90.0.
    The neck (θ ≪ 0) needs tiny steps, the mouth large ones: the classic failure of fixed-step
    samplers.
    """

    key = "funnel"
    formula = "θ²/(2σ²) + z² e^{−θ}/2 + θ/2   (x = z, y = θ)"
    _batch = LazyCFunc(_funnel_batch)
    window = Window((-30.0, 30.0, -8.0, 8.0))
    scale = FiniteNumber(3.0, bounds=(0.0, None), inclusive_bounds=(False, True),
                         softbounds=(0.5, 5.0), doc="Standard deviation σ of θ.")

    def kernel_params(self):
        return np.array([self.scale], dtype=np.float64)


# --------------------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def _gaussian_mixture(x, y, p):
    w2 = p[0]
    sep = p[1]
    d2 = x - sep
    a1 = 0.5 * (x * x + y * y) - fast_log(1.0 - w2)
    a2 = 0.5 * (d2 * d2 + y * y) - fast_log(w2)
    m = min(a1, a2)
    t1 = fast_exp(m - a1)
    t2 = fast_exp(m - a2)
    total = t1 + t2
    r2 = t2 / total
    return m - fast_log(total), x - r2 * sep, y


def _gaussian_mixture_batch(n, xs, ys, p, want_grad, e, gx, gy):
    apply_pointwise(_gaussian_mixture, n, xs, ys, p, want_grad, e, gx, gy)


@register
class GaussianMixture(Landscape):
    """Two-component Gaussian mixture: p ∝ (1 − w)·N(0, I) + w·N(d e₁, I), w = 0.2, d = 8.

    E = −log[(1 − w) e^{−|x|²/2} + w e^{−|x − d e₁|²/2}], computed in log-sum-exp form; at T = 1
    E[x] = w d = 1.6 and E[x²] = 1 + w d² = 13.8. The barrier between the modes (about 8 in E)
    is what local samplers struggle to cross.
    """

    key = "gaussian_mixture"
    formula = "−log[(1 − w) e^{−|r|²/2} + w e^{−|r − d e₁|²/2}]"
    _batch = LazyCFunc(_gaussian_mixture_batch)
    window = Window((-4.0, 12.0, -5.0, 5.0))
    weight = FiniteNumber(0.2, bounds=(0.0, 1.0), inclusive_bounds=(False, False),
                          doc="Weight w of the second component.")
    separation = FiniteNumber(8.0, bounds=(0.0, None), softbounds=(0.0, 12.0),
                              doc="Distance d between the component means.")

    def kernel_params(self):
        return np.array([self.weight, self.separation], dtype=np.float64)


BUILTIN_CLASSES = (DoubleWell, MullerBrown, Himmelblau, Rastrigin, StrictSaddle, MonkeySaddle,
                   Banana, Funnel, GaussianMixture)

__all__ = [cls.__name__ for cls in BUILTIN_CLASSES] + ["BUILTIN_CLASSES"]
