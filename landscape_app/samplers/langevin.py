"""Overdamped Langevin dynamics ("synaptic sampling"): x ← x − η∇E(x) + √(2ηT) ξ."""

from .heavy_ball import HeavyBallFamily


class Langevin(HeavyBallFamily):
    """Unadjusted overdamped Langevin, x ← x − η∇E(x) + √(2ηT) ξ (Euler–Maruyama).

    The discretised dθ = −∇E dt + √(2T) dW, whose stationary density is exp(−E/T): Kappel et
    al.'s synaptic sampling with E = −log p*. Without a Metropolis correction the sampled
    density is biased by O(η); MALA removes the bias.
    """

