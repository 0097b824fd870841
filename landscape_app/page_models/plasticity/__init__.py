"""The /plasticity page\x27s model."""
