"""A recurrent network of Morris–Lecar neurons on seed 004's working-memory task: count the
pulses of a train and hold the count (docs/stiff.md, "The network"; kernel
``kernels.ml_network``).

Trial n (n = 0 … n_max) gives every neuron n pulses of ``pulse_ms`` each ``period_ms`` from
``first_ms``; after ``hold_from_ms`` (past the last pulse) the network's readout
y(t) = Σᵢ rᵢ sᵢ(t) + c must hold n / n_max until the trial ends. The searched parameters θ
(N² + 2N) set each neuron's bias bᵢ = 88 + 3θ, its pulse gain gᵢ = 40 + 20θ and the couplings
Wᵢⱼ = 10θ (µA/cm²). At θ = 0 every neuron sits just below the Hopf set's bistable range (rest
and spiking both stable for I ∈ [88.3, 93.9]); a bias within it lets a pulse switch the neuron
on for good — one bit of memory per neuron (``one_bit_network``). The readout (r, c) is
fitted to each network by least squares (ridge 1e-6): the search is over the network, not the
readout.

The loss is the mean squared error of y over the hold windows of all trials. A network that
remembers only whether any pulse came (y = 0 at n = 0, the mean 2/3 otherwise) scores
``ONE_BIT_LOSS`` = 1/18 for n_max = 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels import ml_network as kernel
from ..limits import check_memory, count, finite
from .morris_lecar import HOPF

RIDGE = 1e-6
#: the most RK4 neuron-steps of one call (networks × trials × steps × neurons): ~10 s
MAX_NEURON_STEPS = 5e8


@dataclass(frozen=True)
class PulseTask:
    """The trials: 0 … ``n_max`` pulses, then a hold."""

    n_max: int = 3
    pulse_ms: float = 20.0
    period_ms: float = 100.0
    first_ms: float = 100.0
    trial_ms: float = 700.0
    hold_from_ms: float = 400.0
    dt: float = 0.2
    sample_ms: float = 5.0

    def __post_init__(self):
        count(self.n_max, "the largest pulse count", 1, 10)
        finite(self.dt, "time step dt (ms)", 1e-3, 0.5)
        finite(self.pulse_ms, "pulse length (ms)", self.dt, self.period_ms)
        last = self.first_ms + (self.n_max - 1) * self.period_ms + self.pulse_ms
        finite(self.hold_from_ms, "hold start (ms)", last, self.trial_ms - self.sample_ms)
        finite(self.sample_ms, "sampling interval (ms)", self.dt, self.trial_ms)

    @property
    def n_steps(self) -> int:
        return int(round(self.trial_ms / self.dt))

    @property
    def sample_every(self) -> int:
        return max(int(round(self.sample_ms / self.dt)), 1)

    @property
    def times(self) -> np.ndarray:
        """The sample times (ms)."""
        return np.arange(1, self.n_steps // self.sample_every + 1) * self.sample_every * self.dt

    @property
    def hold(self) -> np.ndarray:
        return self.times > self.hold_from_ms

    def pulses(self) -> np.ndarray:
        """u(t) of each trial (n_max + 1, n_steps): 1 during a pulse."""
        u = np.zeros((self.n_max + 1, self.n_steps))
        t = (np.arange(self.n_steps) + 0.5) * self.dt
        for n in range(self.n_max + 1):
            for k in range(n):
                start = self.first_ms + k * self.period_ms
                u[n, (t >= start) & (t < start + self.pulse_ms)] = 1.0
        return u

    def targets(self) -> np.ndarray:
        """The count each trial must hold, scaled to [0, 1]."""
        return np.arange(self.n_max + 1) / self.n_max


def one_bit_loss(task: PulseTask) -> float:
    """The loss of a readout that knows only whether a pulse came."""
    targets = task.targets()
    rest = targets[1:]
    return float(np.sum((rest - rest.mean()) ** 2) / targets.size)


ONE_BIT_LOSS = one_bit_loss(PulseTask())


def _rest(current: np.ndarray, p=HOPF):
    """The resting (V, w) of an isolated neuron at ``current`` (bisection on dV/dt = 0 with
    w = w∞(V); one root for the Hopf set)."""
    lo = np.full(current.shape, -80.0)
    hi = np.full(current.shape, 20.0)
    for _ in range(60):
        v = 0.5 * (lo + hi)
        m = 0.5 * (1.0 + np.tanh((v - p[7]) / p[8]))
        w = 0.5 * (1.0 + np.tanh((v - p[9]) / p[10]))
        g = current - p[1] * (v - p[4]) - p[2] * m * (v - p[5]) - p[3] * w * (v - p[6])
        lo, hi = np.where(g > 0, v, lo), np.where(g > 0, hi, v)
    v = 0.5 * (lo + hi)
    return v, 0.5 * (1.0 + np.tanh((v - p[9]) / p[10]))


def _rest_slopes(v, p=HOPF):
    """dV_rest/dI and dw∞/dV at the rest V of ``_rest``: the implicit function theorem on
    g(V) = I − g_L(V − V_L) − g_Ca m∞(V)(V − V_Ca) − g_K w∞(V)(V − V_K) = 0, dV/dI = −1/g′(V)."""
    a = np.tanh((v - p[7]) / p[8])
    b = np.tanh((v - p[9]) / p[10])
    m, w = 0.5 * (1.0 + a), 0.5 * (1.0 + b)
    dm, dw = (1.0 - a * a) / (2.0 * p[8]), (1.0 - b * b) / (2.0 * p[10])
    slope = -p[1] - p[2] * (dm * (v - p[5]) + m) - p[3] * (dw * (v - p[6]) + w)
    return -1.0 / slope, dw


class MorrisLecarNetwork:
    """``n_neurons`` Morris–Lecar neurons on ``task``: the loss of parameter rows θ."""

    def __init__(self, n_neurons: int = 8, task: PulseTask | None = None):
        self.n = count(n_neurons, "neurons", 1, 64)
        self.task = task or PulseTask()
        self.size = self.n * self.n + 2 * self.n
        self._pulses = self.task.pulses()
        hold = self.task.hold
        self.hold = hold
        self.target = np.repeat(self.task.targets(), hold.sum())

    def unpack(self, thetas):
        """Biases, gains (R, N) and couplings (R, N, N) of rows θ (R, N² + 2N)."""
        thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
        if thetas.ndim != 2 or thetas.shape[1] != self.size:
            raise ValueError(f"give rows of {self.size} parameters (N² + 2N for N = {self.n}), "
                             f"got shape {np.shape(thetas)}")
        if not np.all(np.isfinite(thetas)):
            raise ValueError("the network's parameters must be finite (NaN or inf given)")
        n = self.n
        base = 88.0 + 3.0 * thetas[:, :n]
        gain = 40.0 + 20.0 * thetas[:, n:2 * n]
        weights = 10.0 * thetas[:, 2 * n:].reshape(-1, n, n)
        return np.ascontiguousarray(base), np.ascontiguousarray(gain), \
            np.ascontiguousarray(weights)

    def simulate(self, thetas) -> dict:
        """``s`` and ``v`` (R, trials, samples, N) and ``diverged_at`` (R, trials)."""
        base, gain, weights = self.unpack(thetas)
        r, task = base.shape[0], self.task
        trials, samples = task.n_max + 1, task.times.size
        if float(r) * trials * task.n_steps * self.n > MAX_NEURON_STEPS:
            raise ValueError(f"{r} networks × {trials} trials × {task.n_steps} steps × {self.n} "
                             f"neurons exceed the budget of {MAX_NEURON_STEPS:.0e}: fewer")
        check_memory(16.0 * r * trials * samples * self.n, "the network's samples",
                     "fewer networks")
        v0, w0 = _rest(base)
        s = np.zeros((r, trials, samples, self.n))
        v = np.zeros_like(s)
        diverged = np.empty((r, trials), dtype=np.int64)
        kernel.ml_network_kernel(HOPF, base, gain, weights, np.ascontiguousarray(v0),
                                 np.ascontiguousarray(w0), self._pulses, task.dt,
                                 task.sample_every, s, v, diverged)
        return {"s": s, "v": v, "diverged_at": diverged}

    def _features(self, s_one):
        x = np.concatenate([s_one[trial][self.hold] for trial in range(s_one.shape[0])])
        return np.column_stack([x, np.ones(len(x))])

    def readout(self, s_one) -> np.ndarray:
        """The least-squares readout (r, c) (N + 1,) of one network's samples."""
        x = self._features(s_one)
        return np.linalg.solve(x.T @ x + RIDGE * np.eye(x.shape[1]), x.T @ self.target)

    def outputs(self, s_one, coefficients) -> np.ndarray:
        """y(t) of every trial (trials, samples)."""
        return s_one @ coefficients[:-1] + coefficients[-1]

    def evaluate(self, thetas) -> dict:
        """``loss`` (R,), and the simulation (``simulate``) with each network's readout."""
        run = self.simulate(thetas)
        losses = np.empty(run["s"].shape[0])
        coefficients = np.zeros((losses.size, self.n + 1))
        for k, s_one in enumerate(run["s"]):
            if np.any(run["diverged_at"][k] >= 0) or not np.all(np.isfinite(s_one)):
                losses[k] = np.nan
                continue
            coefficients[k] = self.readout(s_one)
            x = self._features(s_one)
            losses[k] = float(np.mean((x @ coefficients[k] - self.target) ** 2))
        return {**run, "loss": losses, "readout": coefficients}

    def __call__(self, thetas) -> np.ndarray:
        return self.evaluate(thetas)["loss"]

    def gradient(self, theta) -> dict:
        """The loss of one network θ and its exact gradient (for the RK4 map) by forward
        sensitivities of all N² + 2N parameters (``kernels.ml_network``), with the readout's
        own dependence on θ (c = (XᵀX + ρI)⁻¹Xᵀy, so dc = (XᵀX + ρI)⁻¹(−dXᵀe − XᵀdX c), e the
        residual): ``loss``, ``gradient`` (P,), ``sensitivity`` (trials, samples) the norm
        ‖∂s(t)/∂θ‖ over parameters and neurons, ``diverged_at`` (trials,) the first step the
        simulation or a tangent left the finite range (−1: none). A diverged tangent makes the
        gradient NaN: the gradient itself has blown up."""
        theta = np.asarray(theta, dtype=float).reshape(1, -1)
        run = self.evaluate(theta)
        base, gain, weights = self.unpack(theta)
        task, n, size = self.task, self.n, self.size
        trials, samples = task.n_max + 1, task.times.size
        if float(size) * trials * task.n_steps * self.n * 4 > MAX_NEURON_STEPS:
            raise ValueError(f"the gradient of {size} parameters over {trials} trials × "
                             f"{task.n_steps} steps exceeds the budget of "
                             f"{MAX_NEURON_STEPS:.0e} neuron-steps: fewer neurons or steps")
        check_memory(8.0 * trials * size * samples * n, "the network's sensitivities",
                     "fewer neurons")
        eye = np.eye(size)
        d_base = np.ascontiguousarray(3.0 * eye[:, :n])
        d_gain = np.ascontiguousarray(20.0 * eye[:, n:2 * n])
        d_weights = np.ascontiguousarray(10.0 * eye[:, 2 * n:].reshape(size, n, n))
        v0, w0 = _rest(base[0])
        dv_db, dw_dv = _rest_slopes(v0)
        dv0 = np.ascontiguousarray(d_base * dv_db)
        dw0 = np.ascontiguousarray(dv0 * dw_dv)
        ds = np.zeros((trials, size, samples, n))
        diverged = np.empty((trials, size), dtype=np.int64)
        kernel.ml_network_tangent_kernel(
            HOPF, base[0], gain[0], weights[0], v0, w0, d_base, d_gain, d_weights, dv0, dw0,
            self._pulses, task.dt, task.sample_every, ds, diverged)
        failed = np.where(diverged >= 0, diverged, np.iinfo(np.int64).max).min(axis=1)
        diverged_at = np.where(failed < np.iinfo(np.int64).max, failed, -1)
        diverged_at = np.where(run["diverged_at"][0] >= 0, run["diverged_at"][0], diverged_at)
        sensitivity = np.sqrt(np.sum(ds * ds, axis=(1, 3)))
        loss = float(run["loss"][0])
        if np.any(diverged_at >= 0) or not np.isfinite(loss):
            return {"loss": loss, "gradient": np.full(size, np.nan),
                    "sensitivity": sensitivity, "diverged_at": diverged_at}
        x = self._features(run["s"][0])
        c = run["readout"][0]
        e = x @ c - self.target
        # dS (P, M, N): the hold samples' tangents of every trial, in the features' order
        d_s = np.concatenate([ds[trial][:, self.hold] for trial in range(trials)], axis=1)
        dx_c = d_s @ c[:-1]
        dx_e = np.concatenate([d_s.transpose(0, 2, 1) @ e, np.zeros((size, 1))], axis=1)
        a = x.T @ x + RIDGE * np.eye(n + 1)
        dc = np.linalg.solve(a, (-dx_e - dx_c @ x).T).T
        grad = 2.0 / e.size * (dx_c @ e + dc @ (x.T @ e))
        return {"loss": loss, "gradient": grad, "sensitivity": sensitivity,
                "diverged_at": diverged_at}


def one_bit_network(n_neurons: int = 8) -> np.ndarray:
    """θ of the uncoupled network with every bias at 91 (bistable: switched on by the first
    pulse for good): the one-bit memory, a reference a search has to beat."""
    theta = np.zeros(n_neurons * n_neurons + 2 * n_neurons)
    theta[:n_neurons] = 1.0
    return theta


__all__ = ["ONE_BIT_LOSS", "MorrisLecarNetwork", "PulseTask", "one_bit_network",
           "one_bit_loss"]
