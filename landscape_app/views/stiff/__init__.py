"""The /stiff page: gradients against evolution strategies on a biophysical neuron (seed 004;
docs/stiff.md)."""
