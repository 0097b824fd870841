"""The activations g, their inverses and integrals G (kept with the kernels, which inline them;
re-exported here for the Hopfield models and their users)."""

from ..kernels.activations import (  # noqa: F401
    ACTIVATIONS,
    ARCTAN,
    LOGISTIC,
    TANH,
    G,
    G_numpy,
    activation_code,
    g,
    g_inverse,
    g_inverse_numpy,
    g_numpy,
    g_prime,
    value_range,
)
