"""The /stiff page (``page_models/stiff/neuron.py``, ``views/stiff/page.py``): the race of
Adam on the exact gradient and the ES on the Morris–Lecar loss, frame by frame; its settings
in the URL; bad values refused; two pages apart. Outcomes quoted from docs/stiff.md (seed 0,
deterministic)."""

import numpy as np
import pytest
from page_sweep import render

from landscape_app.page_models.stiff.neuron import TRUE_CURRENT, NeuronRace
from landscape_app.views.stiff.page import Stiff


def test_on_a_one_second_trace_the_gradient_stops_and_the_es_reaches_the_current():
    """From I₀ = 100, 60 steps each: Adam stays in the minimum at 99.1 (measured 99.06), the
    ES (σ = 6, 3 pairs) ends within 1.5 of I* (measured 109.9 at 60 steps, 109.2 at 120: its
    mean jitters by ~σ/√(2P) around the smoothed minimum)."""
    race = NeuronRace(trace_s=1.0, start=100.0)
    race.advance(60)
    summary = race.summary()
    assert abs(summary["gd"]["current"] - 99.06) < 0.2
    assert summary["es"]["error"] < 1.5
    assert summary["gd"]["simulations"] == 61 and summary["es"]["simulations"] == 61 * 7
    curves = race.race()
    assert curves["gd_loss"][-1] > 1000 > 50 > curves["es_loss"][-1]
    # in the minimum: Adam rattles about it with |dL/dI| below 20 (slopes elsewhere: 381)
    assert np.all(curves["gradient"][-10:] < 20.0)


def test_the_landscape_is_the_loss_and_its_smoothing():
    """The drawn loss has its global minimum at I* and several local ones on a 1 s trace;
    smoothing at σ = 6 leaves a single minimum in (85, 135) near I* (measured 109.9)."""
    race = NeuronRace(trace_s=1.0)
    grid = race.landscape()
    x, raw, smooth = grid["current"], grid["raw"], grid["smoothed"]
    assert abs(x[np.argmin(raw)] - TRUE_CURRENT) < 0.3
    inner = (x > 85) & (x < 135)

    def minima(values):
        v = values[inner]
        return x[inner][1:-1][(v[1:-1] < v[:-2]) & (v[1:-1] < v[2:])]

    assert len(minima(raw)) >= 4
    smooth_minima = minima(smooth)
    assert len(smooth_minima) == 1 and abs(smooth_minima[0] - TRUE_CURRENT) < 1.0
    race.settings.sigma = 1.0
    assert len(minima(race.landscape()["smoothed"])) >= 3


def test_the_page_draws_plays_and_reads_its_url_names():
    view = render(Stiff())
    assert view.apply_settings({"trace_s": "0.25", "start": "120", "speed": "3"}) == []
    assert view.session.settings.trace_s == 0.25 and view.session.settings.start == 120.0
    view.advance(3)()
    assert view.playback.step == 3
    assert "gradient (Adam)" in view.summary.value and "ES" in view.summary.value
    assert set(view.apply_settings({"start": "200", "sigma": "x"})) == {"start", "sigma"}
    view.stop()


def test_two_pages_share_nothing():
    a, b = Stiff(), Stiff()
    a.session.settings.sigma = 2.0
    assert b.session.settings.sigma == 6.0 and a.session.es is not b.session.es


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        NeuronRace(start=float("nan"))
    with pytest.raises(ValueError):
        NeuronRace(trace_s=2.0)
    with pytest.raises(ValueError):
        NeuronRace(pairs=0)
