"""Krotov's non-constant couplings and dense associative memories (docs/science.md section 4).

    from landscape_app.dense_memory import DenseAssociativeMemory, ModernHopfield, check_closure

- ``DenseAssociativeMemory``: E(σ) = −Σ_μ F(ξ_μ·σ), F polynomial, rectified or exponential.
- ``ModernHopfield``: continuous states, ξ ← X softmax(βXᵀξ), E = −lse(β, Xᵀξ) + ½ξᵀξ + const.
- Couplings T(V) = ∇²Φ(V) from Lagrangians (``DenseLagrangian``, ``LogSumExpLagrangian``,
  ``ExpressionLagrangian``) or typed entry by entry (``ExpressionCoupling``), run by
  ``CouplingNetwork`` (X̂ = T(V)V − g⁻¹(V), E = −W + ΣG).
- ``check_closure``: does a coupling T(V) have an energy at all?
"""

from .closure import ClosureResult, check_closure
from .couplings import (
    Coupling,
    DenseLagrangian,
    ExpressionCoupling,
    ExpressionLagrangian,
    Lagrangian,
    LogSumExpLagrangian,
)
from .dense import DenseAssociativeMemory
from .interactions import INTERACTIONS, k_max
from .modern import ModernHopfield, ModernRecall
from .network import CouplingNetwork

__all__ = ["INTERACTIONS", "ClosureResult", "Coupling", "DenseAssociativeMemory",
           "DenseLagrangian", "ExpressionCoupling", "ExpressionLagrangian", "CouplingNetwork",
           "Lagrangian", "LogSumExpLagrangian", "ModernHopfield", "ModernRecall",
           "check_closure", "k_max"]
