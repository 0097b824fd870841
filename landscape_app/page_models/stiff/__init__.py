"""The /stiff page's models (docs/stiff.md)."""
