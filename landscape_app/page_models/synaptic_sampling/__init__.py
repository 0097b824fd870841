"""The /synaptic-sampling page's model (``session.SynapticSamplingSession``)."""
