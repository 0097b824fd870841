"""Meta-learned plasticity rules (seed 002; docs/plasticity.md): a rule as a polynomial in
x, y, w (``rules``), the PCA task of its inner loop (``task``), the meta-loss (``meta``) and the
searches over coefficients, an antithetic ES and CMA-ES (``search``); the network of M
outputs with a feed-forward and a lateral rule (``network``)."""

from .meta import MetaLoss, MetaResult
from .network import NetworkMetaLoss
from .rules import HEBB, OJA, TERMS, rule
from .search import CMAStrategy, EvolutionStrategy, cma_search, evolve
from .task import PCATask, pca_task

__all__ = ["CMAStrategy", "EvolutionStrategy", "HEBB", "OJA", "TERMS", "MetaLoss", "MetaResult",
           "NetworkMetaLoss", "PCATask",
           "cma_search", "evolve", "pca_task", "rule"]
