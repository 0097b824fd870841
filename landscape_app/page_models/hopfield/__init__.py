"""The /hopfield page's models: the recall (``recall.RecallSession``), the energy plane's and
the capacity sweep's settings."""
