"""The /control page's models: two controlled neurons with presets (``session.ControlSession``)
and N neurons (``session.NetworkSession``)."""
