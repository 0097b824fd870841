"""Bokeh's drawing backend for every plot of the app: canvas unless asked for WebGL.

HoloViews draws its Bokeh plots with WebGL by default. Where the browser renders in software
(headless CI, virtual machines, lecture-hall PCs without a GPU driver), WebGL made the first
render of a page slower: on /saddles, BokehJS spent 350 ms of 1.2 s copying WebGL frames onto
the canvases (``blit_webgl``) and compiling shaders, and the live landscape drew 19 frames a
second against canvas's 24. On a machine with a GPU, ``LANDSCAPE_APP_RENDERER=webgl`` draws
many thousands of chains more smoothly.
"""

import os

#: "canvas" or "webgl", for every Bokeh plot the views draw
RENDERER = os.environ.get("LANDSCAPE_APP_RENDERER", "canvas")


def use_renderer(renderer: str | None = None) -> None:
    """Draw every HoloViews Bokeh plot made from now on with ``renderer`` (default
    ``RENDERER``); "webgl" or "canvas"."""
    from holoviews.plotting.bokeh import BokehRenderer

    renderer = RENDERER if renderer is None else renderer
    if renderer not in ("canvas", "webgl"):
        raise ValueError(f"LANDSCAPE_APP_RENDERER must be 'canvas' or 'webgl', not {renderer!r}")
    BokehRenderer.webgl = renderer == "webgl"
