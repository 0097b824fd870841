"""/plasticity: meta-learned plasticity rules."""
