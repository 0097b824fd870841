"""The /synaptic-sampling page: built, stepped, settings applied and refused, two sessions
apart; GUI-free page model driven as a notebook would."""

import numpy as np
import panel as pn
from bokeh.document import Document

from landscape_app.page_models.synaptic_sampling.session import SynapticSamplingSession
from landscape_app.views.synaptic_sampling.page import SynapticSampling


def _rendered(view):
    doc = Document()
    pn.state.curdoc = doc
    pn.panel(view).get_root(doc)
    return view


def test_the_session_steps_both_populations_and_reports_them():
    session = SynapticSamplingSession(n_networks=40, fair="same c_g")
    session.advance(600)
    bands = session.reward_bands()
    assert set(bands) == {"plain", "CaMKII"}
    assert bands["CaMKII"].shape == (2, 4) and bands["CaMKII"][-1, 0] == 600
    # quartiles ordered; same c_g learns within 600 ticks in most networks (test_synaptic_
    # sampling: median 416 ticks over 250 networks)
    q = bands["CaMKII"][-1, 1:]
    assert q[0] <= q[1] <= q[2]
    assert session.summary()["CaMKII"]["reached"] > 0.5
    assert session.positions()["plain"].shape == (40, 2)
    assert len(session.raster) == 400 and {w for _, w in session.raster} <= {0, 1}
    assert len(session.close_up["tick"]) == 2


def test_a_settings_change_starts_both_populations_again():
    session = SynapticSamplingSession(n_networks=20)
    session.advance(100)
    session.settings.temperature = 0.3
    assert session.ticks == 0 and session.populations["plain"].temperature == 0.3
    session.settings.fair = "same c_g"
    assert session.populations["CaMKII"].c_g == session.settings.gain


def test_the_page_plays_and_applies_a_scene():
    view = _rendered(SynapticSampling(n_networks=30))
    draw = view.advance(50)
    draw()
    assert view.playback.step == 50
    assert view.apply_settings({"fair": "same c_g", "temperature": "0.2"}) == []
    assert view.session.settings.fair == "same c_g" and view.playback.step == 0
    assert set(view.apply_settings({"temperature": "-1", "beta": "x"})) == {"beta",
                                                                           "temperature"}
    assert "reached" in view.summary.value
    view.stop()


def test_a_failing_frame_is_reported_and_the_page_lives_on():
    view = _rendered(SynapticSampling(n_networks=10))
    view.session.populations["plain"].state[0][:] = np.nan  # a broken state: not finite
    draw = view.advance(5)
    draw()
    assert "diverged at step" in view.playback.message
    view.reset()
    view.advance(5)()
    assert view.playback.step == 5
    view.stop()


def test_two_pages_share_nothing():
    a, b = SynapticSampling(n_networks=10), SynapticSampling(n_networks=10)
    a.session.settings.temperature = 0.5
    assert b.session.settings.temperature == 0.1
    assert a.session.populations["plain"] is not b.session.populations["plain"]


def test_the_page_reports_each_populations_distance_from_the_target():
    """The TV of each population from plain sampling's target, beside the floor of an exact
    sample of as many networks; none at T = 0 (no density)."""
    session = SynapticSamplingSession(n_networks=200, temperature=0.3)
    distance = session.target_distance()
    assert set(distance) == {"plain", "CaMKII", "floor"}
    # the start N(−0.5, 0.5²) is far from the target: both far above the floor
    assert distance["plain"] > distance["floor"] + 0.2
    assert 0 < distance["floor"] < 0.5
    session.settings.temperature = 0.0
    assert session.target_distance() is None


def test_while_annealing_the_landscape_shows_the_target_at_the_current_temperature():
    view = _rendered(SynapticSampling(n_networks=10, temperature=1.0, schedule="exponential",
                                      cooling_rate=0.999))
    assert view.pipes["background"].data == 1.0
    view.advance(2000)()
    now = view.session.current_temperature()
    assert now < 0.2
    assert now / 1.25 <= view.pipes["background"].data <= now * 1.25
    view.stop()


def test_the_tau_g_sweep_runs_from_the_page_and_draws_both_charts():
    """"Sweep τ_g" runs the page's networks (its gain, T, seed) at each τ_g on Dask in the
    background, then draws the fraction there and the median time against τ_g, both ways,
    with plain sampling dashed; before it, a line says what the button draws (the charts,
    built empty, were a tenth of the page's Bokeh models)."""
    import bokeh.models as bm

    page = SynapticSampling(n_networks=40, seed=2)
    doc = Document()
    pn.state.curdoc = doc
    root = pn.panel(page).get_root(doc)
    view = page.tau_sweep
    texts = [m.text for m in root.select({"type": bm.Div})]
    assert any("Press “Sweep τ_g” to draw" in t for t in texts)
    assert not any("reached" in r.data_source.data for r in root.select({"type": bm.GlyphRenderer}))
    view.settings.param.update(networks=30, ticks=2000)
    view.start()
    assert view.run_button.disabled
    view.job.join(timeout=180)
    assert view.message.text.startswith("Done in"), view.message.text
    sweep = view.result
    assert sweep.n_networks == 30 and sweep.n_ticks == 2000
    assert sweep.reached["same gain"][0] == sweep.plain_reached  # τ_g = 1: plain exactly
    assert "plain sampling:" in view.summary.value and "same c_g" in view.summary.value
    lines = [r for r in root.select({"type": bm.GlyphRenderer}) if isinstance(r.glyph, bm.Line)
             and "reached" in r.data_source.data]
    assert any(len(r.data_source.data["reached"]) == len(sweep.tau_g)
               and np.allclose(r.data_source.data["reached"], sweep.reached["same c_g"])
               for r in lines)
    page.stop()
    pn.state.curdoc = None


def test_a_playing_page_writes_its_plots_without_holoviews_updates():
    """A frame of a playing /synaptic-sampling took 0.26 s, most of it HoloViews re-rendering
    the close-up, the bands and the dots; live frames now write the data sources (86 ms here,
    the rest the background's check and the numbers); Pause draws the full way."""
    import bokeh.models as bm

    page = SynapticSampling(n_networks=30, seed=1)
    doc = Document()
    pn.state.curdoc = doc
    root = pn.panel(page).get_root(doc)
    full = []
    for pipe in [page.pipes["positions"], *(chart.pipe for chart in page.charts.values())]:
        pipe.add_subscriber(lambda **kw: full.append(1))
    page.playback.playing = True
    page.session.advance(200)
    page.redraw()
    assert not full
    camkii = page.session.positions()["CaMKII"]
    sources = [r.data_source for r in root.select({"type": bm.GlyphRenderer})
               if isinstance(r.glyph, bm.Scatter) and len(r.data_source.data.get("θ_A", [])) == 30]
    assert any(np.allclose(s.data["θ_A"], camkii[:, 0]) for s in sources)
    ticks = [r.data_source.data["tick"] for r in root.select({"type": bm.GlyphRenderer})
             if isinstance(r.glyph, bm.Line) and "tick" in r.data_source.data]
    assert ticks and all(t[-1] == 200 for t in ticks)
    page.playback.playing = False
    page.redraw()
    assert len(full) == 1 + len(page.charts)
    page.stop()
    pn.state.curdoc = None
