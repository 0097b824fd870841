"""Page models: what each page shows and steps, as GUI-free ``param.Parameterized`` objects.

One subpackage per page (``explorer``, ``compare``, ``hopfield``, ``dense_memory``, ``control``),
the same name as the page's folder of views (``landscape_app.views.<page>``). A page model holds
the page's settings as parameters (the widgets are made from them), drives the science models
(``landscapes``, ``samplers``, ``hopfield``, ``dense_memory``, ``control``) and answers what the
views draw; it never imports Panel, HoloViews or Bokeh, so it runs in tests and scripts as it
runs in the app. What several pages share: ``scene`` (a landscape and what is derived from it)
and ``sampling`` (the sampling pages' settings, declared once).
"""
