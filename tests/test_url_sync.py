"""The page's URL: the link applied once, then written as the settings change (never read back)."""

import math

import param
from panel.io.location import Location

from landscape_app.views.common.url import UrlSync, link_error_message


class Settings(param.Parameterized):
    method = param.Selector(default="HMC", objects=["HMC", "MALA", "Langevin"])
    seed = param.Integer(0, bounds=(0, 100))
    start = param.NumericTuple(default=None, allow_None=True, length=2)
    expression = param.String("x**2")


def test_the_link_is_applied_setting_by_setting_and_bad_values_are_named():
    location = Location(search="?method=MALA&seed=500&start=[1.5,2]&expression=2&other=keep")
    settings = Settings()
    url = UrlSync(location=location)
    refused = url.bind(settings, {"method": "method", "seed": "seed", "start": "start",
                                  "expression": "expression"})
    assert refused == ["seed"]  # out of bounds: the others still apply
    assert settings.method == "MALA" and settings.start == (1.5, 2.0)
    assert settings.expression == "2" and settings.seed == 0
    assert "seed" in link_error_message(refused)


def test_changes_are_written_and_the_browsers_echo_is_not_read_back():
    location = Location(search="?method=MALA&lecture=1")
    settings = Settings()
    url = UrlSync(location=location)
    url.bind(settings, {"method": "method", "seed": "seed"})
    settings.method = "Langevin"
    assert "method=Langevin" in location.search and "lecture=1" in location.search
    # the browser reports an older address a round trip later: nothing is applied from it
    location.search = "?method=MALA&seed=3"
    assert settings.method == "Langevin" and settings.seed == 0
    settings.seed = 4
    assert "method=Langevin" in location.search and "seed=4" in location.search


def test_unbinding_drops_the_objects_names_and_hold_writes_once():
    location = Location(search="")
    first, second = Settings(), Settings(name="second")
    url = UrlSync(location=location)
    url.bind(first, {"method": "method"})
    url.bind(second, {"seed": "s2"})
    writes = []
    location.param.watch(lambda e: writes.append(e.new), "search")
    with url.hold():
        first.method = "MALA"
        second.seed = 7
    assert len(writes) == 1 and "s2=7" in writes[0]
    url.unbind(second)
    first.method = "Langevin"
    assert "s2" not in location.search and "method=Langevin" in location.search


def test_hostile_values_are_refused_not_crashing():
    long = "[" * 50_000 + "]" * 50_000
    location = Location(search=f"?seed={long}&start=[NaN,1]")
    settings = Settings()
    refused = UrlSync(location=location).bind(settings, {"seed": "seed", "start": "start"})
    assert "seed" in refused
    assert settings.seed == 0
    if settings.start is not None:  # NaN starts are the experiment's to refuse
        assert math.isnan(settings.start[0])


def test_a_page_not_asked_to_sync_leaves_the_session_address_alone():
    """``sync_url=False`` (a notebook, a test) means no address: a tabbed page built where
    the session has one neither reads it nor writes it (it did both, so a page's scene
    changed the next page's speed in the test run: /hopfield's recall played at 1)."""
    import panel as pn
    from page_sweep import render

    from landscape_app.views import Hopfield

    render(Hopfield())
    location = pn.state.location
    assert location is not None
    location.search = "?speed=1&tab=2"
    page = Hopfield()
    assert page.recall.playback.speed == 40 and page.tabs.active == 0
    assert page.apply_settings({"tab": "1"}) == [] and page.tabs.active == 1
    assert location.search == "?speed=1&tab=2"
    page.stop()
