"""The /saddles page (noise and saddles in a winner-take-all classifier, seed 003)."""
