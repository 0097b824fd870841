"""The /synaptic-sampling page (reward networks with and without CaMKII momentum)."""
