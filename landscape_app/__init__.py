"""landscape_app: interactive energy landscapes, samplers and associative memories.

    from landscape_app import landscapes, samplers
"""

from . import landscapes, samplers

__version__ = "0.1.0"
__all__ = ["landscapes", "samplers", "__version__"]
