"""The served application: a shell with navigation, and pages composed from views."""

from .server import pages, serve

__all__ = ["pages", "serve"]
