"""Panel in a notebook with no internet: every resource in the notebook itself.

``pn.extension()`` loads Bokeh's and Panel's JavaScript from their CDNs by default; where the
machine cannot reach them (a lecture hall, CI) the widgets render as blank outputs.
``landscape_app.extension()`` is ``pn.extension(inline=True)``: the JavaScript is embedded in the
notebook. It also drops the one resource Panel links even then, the ES-module shim of its
``ReactiveESM`` components (from a CDN; only browsers without import maps, older than 2023,
need it, and none of our views uses such a component).
"""

import panel as pn


def extension(*extensions, **options):
    """Load Panel (and HoloViews' Bokeh backend) for a notebook, offline; options as for
    ``pn.extension``."""
    from panel.models.esm import ReactiveESM

    ReactiveESM.__javascript_raw__ = []
    options.setdefault("inline", True)
    import holoviews as hv

    hv.extension("bokeh", logo=False, inline=options["inline"])
    return pn.extension(*extensions, **options)
