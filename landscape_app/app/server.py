"""Serving: the page table and ``serve`` (used by the ``landscape-app`` command)."""

import panel as pn

from .home import home_page


def pages() -> dict:
    """URL path → function creating that page (called once per browser session)."""
    return {"/": home_page}


def serve(port=5006, address=None, show=False, num_threads=None, allow_websocket_origin=None,
          start=True):
    """Serve every page with Panel's server; blocks until interrupted when ``start``."""
    if num_threads is not None:
        pn.config.nthreads = num_threads
    origins = allow_websocket_origin or [f"localhost:{port}", f"127.0.0.1:{port}"]
    table = pages()
    return pn.serve(table["/"], port=port, address=address, show=show,
                    websocket_origin=origins, title="landscape_app", start=start)
