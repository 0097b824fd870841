"""The views in process (no browser): building, stepping, messages, exports, the CLI."""

import subprocess
import sys

import holoviews as hv
import numpy as np
import panel as pn
import pytest
from bokeh.document import Document

from landscape_app import Compare, Explorer
from landscape_app.app import pages
from landscape_app.cli import build_parser
from landscape_app.views.common.playback import Playback

hv.extension("bokeh", logo=False)


def render(view):
    doc = Document()
    pn.state.curdoc = doc
    return pn.panel(view).get_root(doc)


def test_explorer_builds_steps_and_resets():
    explorer = Explorer(landscape="muller_brown", sampler="HMC")
    render(explorer)
    explorer.playback.speed = 7
    explorer.playback.frame()
    explorer.playback.frame()
    assert explorer.playback.step == 14 == explorer.experiment.steps_done
    explorer.playback.reset()
    assert explorer.playback.step == 0


def test_explorer_accepts_sampler_settings():
    explorer = Explorer(landscape="double_well", sampler="MALA", step_size=0.02, n_chains=12)
    assert explorer.experiment.sampler.step_size == 0.02
    assert explorer.experiment.n_chains == 12


def test_the_explorer_shows_nuts_and_mclmc_tuning():
    """NUTS's rows (the dual-averaged ε, α, depth, leapfrog steps) and MCLMC's (ε and L, "tuned"
    once its warm-up has set L from each chain's spread: then L differs from the one set)."""
    explorer = Explorer(landscape="double_well", sampler="NUTS", n_chains=20)
    render(explorer)
    explorer.advance(30)()
    shown = explorer.diagnostics.numbers.value
    for row in ("Step size ε (dual averaging)", "Mean tree depth", "Leapfrog steps a step"):
        assert row in shown
    explorer.stop()
    explorer = Explorer(landscape="double_well", sampler="MCLMC", n_chains=20, adapt_steps=100,
                        momentum_length=5.0)
    render(explorer)
    explorer.advance(50)()
    assert "Decoherence length L</td><td style='text-align:right'><b>5</b>" in \
        explorer.diagnostics.numbers.value
    explorer.advance(60)()
    mc = explorer.experiment.summary(with_ess=False)["microcanonical"]
    assert mc["tuned"] and mc["length"] != 5.0
    assert "Decoherence length L (tuned, mean)" in explorer.diagnostics.numbers.value
    explorer.stop()


def test_a_click_sets_the_start_and_random_starts_restore():
    explorer = Explorer(landscape="double_well", sampler="MALA")
    render(explorer)
    explorer._on_tap(x=0.4, y=-0.2)
    assert explorer.experiment.start_point == (0.4, -0.2)
    assert "All chains start at" in explorer.start_status.value
    explorer.random_starts.clicks += 1
    assert explorer.experiment.start_point is None


def test_errors_and_divergence_are_shown_in_the_page():
    explorer = Explorer(landscape="double_well", sampler="GradientDescent")
    render(explorer)
    explorer.experiment.param.update(landscape="expression", expression="exec('x')")
    assert explorer.error_alert.visible and "unknown" in explorer.error_alert.value
    explorer.experiment.param.update(landscape="double_well")
    explorer.experiment.sampler.step_size = 0.9
    explorer.playback.play()
    for _ in range(10):
        explorer.playback.frame()
    assert not explorer.playback.playing
    assert "diverged at step" in explorer.playback.message


def test_a_failing_frame_pauses_with_a_message():
    def broken(n):
        raise RuntimeError("boom")

    playback = Playback(on_frame=broken, on_reset=lambda: None)
    playback.play()
    playback.frame()
    assert not playback.playing and "boom" in playback.message


def test_a_closed_tab_stops_playing_before_computing_or_drawing_a_frame():
    """A closed tab's frames went on until Bokeh dropped its session (15 s), each sent to a
    closed socket ("Failed sending message as connection was closed", thousands in a class)."""
    from types import SimpleNamespace

    frames, draws = [], []

    def on_frame(n):
        frames.append(n)
        return lambda: draws.append(n)

    playback = Playback(on_frame=on_frame, on_reset=lambda: None)
    closing = []
    websocket = SimpleNamespace(is_closing=lambda: bool(closing))
    connection = SimpleNamespace(_socket=SimpleNamespace(ws_connection=websocket))
    playback._doc = SimpleNamespace(session_context=SimpleNamespace(_session=SimpleNamespace(
        _subscribed_connections=[connection])))
    playback.frame()
    assert len(frames) == 1 and len(draws) == 1
    closing.append(True)  # the browser's close has arrived; Bokeh still lists the connection
    playback.play()
    playback.frame()
    assert len(frames) == 1 and not playback.playing
    assert playback.message == ""  # a tab going away is not an error to report


def test_a_playing_page_waits_for_the_browser_to_draw_the_last_frame(monkeypatch):
    """Frames sent faster than the browser drew them queued up in the page, and a click
    waited behind them (Next ▶ on a playing lecture: 4–14 s). A tick now computes a frame only
    while fewer than ``FRAMES_IN_FLIGHT`` (2) frames sent are not yet drawn, or
    ``ACK_TIMEOUT_S`` after the last; a page whose browser never answered (a notebook without
    the component) is not held back."""
    from landscape_app.views.common import playback as playback_module

    assert playback_module.FRAMES_IN_FLIGHT == 2
    frames = []
    playback = Playback(on_frame=lambda n: frames.append(n) or (lambda: None),
                        on_reset=lambda: None)
    playback.playing = True  # the ticks, without a periodic callback
    playback._tick()
    playback._tick()
    assert len(frames) == 2 and playback.ack.sent == 2  # no answer yet: not held back
    playback.ack.drawn = 2  # the browser drew frame 2
    playback._tick()  # frame 3 sent while nothing is in flight
    playback._tick()  # frame 4 while the browser draws frame 3
    assert len(frames) == 4 and playback.ack.sent == 4
    playback._tick()
    playback._tick()
    assert len(frames) == 4  # frames 3 and 4 in flight: wait
    playback.ack.drawn = 3
    playback._tick()
    assert len(frames) == 5
    playback._tick()
    assert len(frames) == 5  # 4 and 5 in flight
    clock = [playback.ack._sent_at + playback_module.ACK_TIMEOUT_S + 0.01]
    monkeypatch.setattr(playback_module.time, "monotonic", lambda: clock[0])
    playback._tick()
    assert len(frames) == 6  # an answer lost (or a background tab): go on after the timeout
    playback.step_button.clicks += 1  # Step is the user's own: never held back
    assert len(frames) == 7


def test_a_playing_page_writes_its_step_counter_twice_a_second(monkeypatch):
    """Each new text in the page makes BokehJS lay the whole page out again (25-30 ms without
    a GPU), and "step N" changed every frame. While playing it is written at most every
    ``STATUS_PERIOD_S``; paused, at once; and the last step shows as soon as playing stops."""
    from landscape_app.views.common import playback as playback_module

    clock = [100.0]
    monkeypatch.setattr(playback_module.time, "monotonic", lambda: clock[0])
    playback = Playback(on_frame=lambda n: None, on_reset=lambda: None)
    writes = []
    playback.status.param.watch(lambda event: writes.append(event.new), "value")
    playback.step = 5  # paused: at once
    assert len(writes) == 1 and "step 5" in writes[-1]
    playback.playing = True
    for step in range(6, 30):  # 24 frames in 0.24 s
        clock[0] += 0.01
        playback.step = step
    assert len(writes) == 1
    clock[0] += playback_module.STATUS_PERIOD_S
    playback.step = 30
    assert len(writes) == 2 and "step 30" in writes[-1]
    clock[0] += 0.01
    playback.step = 31
    playback.pause()
    assert len(writes) == 3 and "step 31" in writes[-1]


def test_exports():
    explorer = Explorer(landscape="double_well", sampler="MALA", n_chains=10)
    render(explorer)
    explorer.playback.frame()
    buttons = explorer.download_widgets().objects
    csv = buttons[0].callback().getvalue()
    png = buttons[1].callback().getvalue()
    html = buttons[2].callback().getvalue()
    assert csv.startswith("step,chain,x,y,energy") and len(csv.splitlines()) == 1 + 6 * 10
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "<html" in html.lower() and "Bokeh" in html and len(html) > 100_000


def test_compare_builds_steps_and_summarises():
    compare = Compare(landscape="double_well", samplers=["MALA", "HMC"], n_chains=50)
    render(compare)
    compare.playback.frame()
    frame = compare.summary_frame()
    assert list(frame["Sampler"]) == ["MALA", "HMC"]
    assert "ESS / eval" in frame.columns
    compare.comparison.methods = ["MALA", "HMC", "RandomWalkMetropolis"]
    assert len(compare.plots) == 3
    png = compare.download_widgets().objects[1].callback().getvalue()
    assert png[:4] == b"\x89PNG"


def test_pages_and_cli():
    assert set(pages()) >= {"explorer", "compare"}
    args = build_parser().parse_args(["--port", "6001", "--address", "0.0.0.0", "--show",
                                      "--num-threads", "3", "--allow-websocket-origin",
                                      "example.org"])
    assert (args.port, args.address, args.show, args.num_threads) == (6001, "0.0.0.0", True, 3)
    assert args.allow_websocket_origin == ["example.org"]
    assert build_parser().parse_args([]).port == 5006


@pytest.mark.parametrize("module", [
    "landscape_app.landscapes", "landscape_app.samplers", "landscape_app.hopfield",
    "landscape_app.dense_memory", "landscape_app.dense_memory.capacity", "landscape_app.control",
    "landscape_app.control.multistart", "landscape_app.page_models.scene",
    "landscape_app.page_models.explorer.experiment", "landscape_app.page_models.hopfield.recall",
    "landscape_app.page_models.dense_memory.race",
    "landscape_app.page_models.dense_memory.closure",
    "landscape_app.page_models.dense_memory.settings",
    "landscape_app.page_models.control.session"])
def test_models_and_kernels_do_not_import_panel(module):
    code = (f"import sys, {module}; "
            f"assert not any(m.split('.')[0] in ('panel', 'holoviews', 'bokeh') "
            f"for m in sys.modules), sorted(m for m in sys.modules if 'panel' in m)[:5]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_stream_payload_is_flat_arrays():
    explorer = Explorer(landscape="double_well", sampler="HMC", n_chains=30)
    explorer.experiment.advance(5)
    data = explorer.plot.stream_data()
    assert data["tails"]["x"].ndim == 1 and data["tails"]["x"].dtype == np.float64
    assert data["path"]["x"].size == 30 * (10 + 2) - 5 * 12  # 25 paths of 11 points + NaN
