"""Settings of /synaptic-sampling's sweep over τ_g (``synaptic_sampling.tau_sweep``): the rest
(task, gain, temperature and its schedule, β, seed) are the page's own."""

import param

from ...synaptic_sampling import RewardNetworks


class TauSweepSettings(param.Parameterized):
    """How many networks each τ_g runs, and for how long."""

    networks = param.Integer(250, bounds=(20, 1000), label="Networks per τ_g",
                             doc="Networks run at each τ_g, both ways, and without the filter.")
    ticks = param.Integer(20_000, bounds=(1000, 20_000), step=1000, label="Ticks",
                          doc="How long each population runs: a network that has not reached "
                              "the reward level by then counts as not there.")

    def model(self, page_settings: RewardNetworks) -> RewardNetworks:
        """The page's networks (task, gain, T, β, seed…) at this sweep's size."""
        values = {k: v for k, v in page_settings.param.values().items() if k != "name"}
        values["n_networks"] = int(self.networks)
        return RewardNetworks(**values)
