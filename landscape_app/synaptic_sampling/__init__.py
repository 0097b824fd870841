"""Reward-based synaptic sampling with CaMKII momentum (seed 000; docs/synaptic_sampling.md).

    from landscape_app.synaptic_sampling import RewardNetworks

    nets = RewardNetworks(task="two_pathways", camkii=True, fair="same gain", n_networks=500)
    records = nets.advance(10_000, thin=10)   # records.reward (n_rec, 500), records.pair …
    nets.first_hit                           # tick each network reached the reward level
    tau_g_sweep(nets, tau_gs=(1, 10, 100, 1000))  # time to reward against τ_g, on Dask
"""

from .model import VARIANTS, NetworkRecords, RewardNetworks, variant
from .task import TASKS, RewardTask, cue_association, two_pathways
from .tau_sweep import TauSweep, tau_g_sweep

__all__ = ["TASKS", "VARIANTS", "NetworkRecords", "RewardNetworks", "RewardTask", "TauSweep",
           "cue_association", "tau_g_sweep", "two_pathways", "variant"]
