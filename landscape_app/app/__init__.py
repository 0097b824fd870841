"""The served application: pages composed from views."""

from .server import pages, serve

__all__ = ["pages", "serve"]
