"""Reward tasks of the synaptic-sampling networks (docs/synaptic_sampling.md).

A task fixes what the network sees and what it is paid for: input rates per cue, the output
neurons' biases, the reward of each output's spike per cue, the cue probabilities, and which
synapses are plastic (the others keep a fixed θ).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _finite(name, array, ndim):
    array = np.ascontiguousarray(array, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return array


@dataclass(frozen=True)
class RewardTask:
    """``inputs`` (n_cues, n_in) rates, ``rewards`` (n_cues, n_out), ``bias`` (n_out,),
    ``cue_probs`` (n_cues,), ``plastic`` (n_out, n_in) bool, ``fixed_theta`` (n_out, n_in): θ of
    the synapses that do not learn."""

    name: str
    inputs: np.ndarray
    rewards: np.ndarray
    bias: np.ndarray
    cue_probs: np.ndarray
    plastic: np.ndarray
    fixed_theta: np.ndarray
    description: str = ""
    synapse_names: tuple = field(default_factory=tuple)

    def __post_init__(self):
        inputs = _finite("inputs", self.inputs, 2)
        rewards = _finite("rewards", self.rewards, 2)
        bias = _finite("bias", self.bias, 1)
        probs = _finite("cue_probs", self.cue_probs, 1)
        fixed = _finite("fixed_theta", self.fixed_theta, 2)
        plastic = np.ascontiguousarray(self.plastic, dtype=np.bool_)
        n_cues, n_in = inputs.shape
        n_out = bias.shape[0]
        if n_cues < 1 or n_in < 1 or n_out < 2:
            raise ValueError("a task needs at least one cue, one input and two outputs")
        if rewards.shape != (n_cues, n_out):
            raise ValueError(f"rewards must have shape {(n_cues, n_out)}, got {rewards.shape}")
        if probs.shape != (n_cues,) or np.any(probs < 0) or not np.isclose(probs.sum(), 1.0):
            raise ValueError("cue_probs must be one non-negative probability per cue, summing "
                             "to 1")
        if plastic.shape != (n_out, n_in) or fixed.shape != (n_out, n_in):
            raise ValueError(f"plastic and fixed_theta must have shape {(n_out, n_in)}")
        if not plastic.any():
            raise ValueError("a task needs at least one plastic synapse")
        if np.any(inputs < 0):
            raise ValueError("input rates must be non-negative")
        for name, value in (("inputs", inputs), ("rewards", rewards), ("bias", bias),
                            ("cue_probs", probs), ("plastic", plastic),
                            ("fixed_theta", fixed)):
            object.__setattr__(self, name, value)

    @property
    def shape(self) -> tuple[int, int]:
        """(n_out, n_in): the synapse matrix."""
        return self.plastic.shape

    @property
    def n_plastic(self) -> int:
        return int(self.plastic.sum())

    def best_reward(self) -> float:
        """The largest expected reward any network could earn (each cue's best output)."""
        return float(self.cue_probs @ self.rewards.max(axis=1))


def two_pathways() -> RewardTask:
    """One cue, two input groups (rates 1 and 0.5) and two outputs: a spike of output 0 is
    rewarded, output 1 has a fixed bias of 3. Two plastic synapses, A → 0 and B → 0, can each
    make output 0 win: growing A (the stronger input) is the better solution (the global
    maximum of log p*), growing B a worse one (a local maximum), both retracted a third; saddles
    lie between them. The 2-D landscape of the page and the tests."""
    return RewardTask(
        name="two_pathways",
        inputs=np.array([[1.0, 0.5]]),
        rewards=np.array([[1.0, 0.0]]),
        bias=np.array([0.0, 3.0]),
        cue_probs=np.array([1.0]),
        plastic=np.array([[True, True], [False, False]]),
        fixed_theta=np.array([[0.0, 0.0], [-1.0, -1.0]]),
        description="One cue; a spike of output 0 pays 1, output 1 has a bias of 3. "
                    "Synapse A (input rate 1) or B (rate 0.5) onto output 0 can win it.",
        synapse_names=("θ_A (input A → output 0)", "θ_B (input B → output 0)"),
    )


def cue_association(n_cues: int = 4, inputs_per_cue: int = 2) -> RewardTask:
    """``n_cues`` cues, each exciting its own input group (rate 1); as many outputs; output k
    is paid for cue k only. Every synapse is plastic: a network must grow the n_cues right
    synapses and keep the others retracted (``n_cues²·inputs_per_cue`` synapses)."""
    if not 2 <= n_cues <= 32 or not 1 <= inputs_per_cue <= 16:
        raise ValueError("cue_association: n_cues in [2, 32], inputs_per_cue in [1, 16]")
    n_in = n_cues * inputs_per_cue
    inputs = np.zeros((n_cues, n_in))
    for c in range(n_cues):
        inputs[c, c * inputs_per_cue:(c + 1) * inputs_per_cue] = 1.0
    return RewardTask(
        name="cue_association",
        inputs=inputs,
        rewards=np.eye(n_cues),
        bias=np.zeros(n_cues),
        cue_probs=np.full(n_cues, 1.0 / n_cues),
        plastic=np.ones((n_cues, n_in), dtype=bool),
        fixed_theta=np.zeros((n_cues, n_in)),
        description=f"{n_cues} cues, each on its own inputs; output k is paid for cue k.",
    )


TASKS = {"two_pathways": two_pathways, "cue_association": cue_association}
