"""Pages built ahead (``app/spares``): the next plain tab gets one at once, and owns it alone."""

import asyncio
import gc
import json
import threading
import weakref

import pytest
from tornado.httpclient import AsyncHTTPClient

from landscape_app.app import spares
from landscape_app.app.server import serve


def in_own_loop(function):
    """Run ``function()`` on a thread with an event loop of its own: an earlier test of the
    suite may have left a loop running in the main thread."""
    outcome = {}

    def run():
        asyncio.set_event_loop(asyncio.new_event_loop())
        try:
            outcome["value"] = function()
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "the scenario did not finish in 300 s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def new_server():
    """A server on the calling thread's event loop, keeping a spare of the explorer only."""
    server = serve(port=0, start=False, warm=False)
    spares.SPARES.slugs = ["explorer"]  # the others' builds would only slow the tests
    server.start()
    return server


def with_server(scenario):
    """Run ``scenario(server)`` on its own thread and loop, the server stopped after."""
    def run():
        server = new_server()
        try:
            return scenario(server)
        finally:
            server.stop()
    return in_own_loop(run)


@pytest.fixture(autouse=True)
def no_refill_unless_asked(monkeypatch):
    monkeypatch.setattr(spares, "IDLE_BEFORE_SPARE_S", 1e6)


def _sessions(server, slug):
    return list(server._tornado._applications[f"/{slug}"]._sessions.values())


async def _get(server, path):
    response = await AsyncHTTPClient().fetch(f"http://localhost:{server.port}{path}")
    assert response.code == 200
    return response


async def _health(server):
    return json.loads((await _get(server, "/health")).body)


def test_a_plain_link_gets_the_spare_and_the_next_tab_its_own_page():
    with_server(_a_plain_link_gets_the_spare)


def _a_plain_link_gets_the_spare(server):
    """The spare is handed to the first plain request: its session's document *is* the page
    built ahead (nothing left to build), its stand-in context is let go, and its player now
    answers for the real session. The next tab gets a page of its own, never the same one;
    a spare is not counted as an open page by /health."""
    pool = spares.SPARES
    pool.fill(["explorer"])
    spare = pool._ready["explorer"]
    stand_in = weakref.ref(spare.session_context)
    player = next(obj for obj in gc.get_objects() if type(obj).__name__ == "Playback"
                  and obj._doc is spare)
    assert not player.in_a_session()

    async def scenario():
        before = await _health(server)
        assert before["pages"] == 0 and "explorer" in before["spares"]["ready"]
        await _get(server, "/explorer")
        first = _sessions(server, "explorer")
        assert [s.document for s in first] == [spare]
        await _get(server, "/explorer")
        docs = [s.document for s in _sessions(server, "explorer")]
        assert len(docs) == 2 and docs[1] is not spare and len(set(map(id, docs))) == 2
        return await _health(server)

    after = server.io_loop.asyncio_loop.run_until_complete(scenario())
    assert after["spares"]["handed_out"] == 1
    assert after["pages"] == 2  # both tabs' pages, not the spares
    assert player.in_a_session()
    assert spare.session_context.id == _sessions(server, "explorer")[0].id
    gc.collect()
    assert stand_in() is None


def test_a_link_with_settings_is_built_for_its_tab():
    with_server(_a_link_with_settings)


def _a_link_with_settings(server):
    """``?method=…`` (or ``?lecture=1``) decides what is built: such a tab never gets the
    spare, which stays for the next plain link."""
    pool = spares.SPARES
    pool.fill(["explorer"])
    spare = pool._ready["explorer"]

    async def scenario():
        await _get(server, "/explorer?method=MALA")

    server.io_loop.asyncio_loop.run_until_complete(scenario())
    (session,) = _sessions(server, "explorer")
    assert session.document is not spare and pool._ready["explorer"] is spare
    assert pool.handed_out == 0


def test_a_taken_spare_is_built_again_when_the_server_is_idle(monkeypatch):
    monkeypatch.setattr(spares, "IDLE_BEFORE_SPARE_S", 0.0)
    with_server(_a_taken_spare_is_built_again)


def _a_taken_spare_is_built_again(server):
    """After a tab takes the spare, the builder makes a new one (here at once: the idle
    time is set to zero); a tab asking while it is being built waits for it and takes it."""
    pool = spares.SPARES
    pool.fill(["explorer"])

    async def scenario():
        await _get(server, "/explorer")
        for _ in range(600):  # the build takes seconds; give it up to a minute
            if "explorer" in pool._ready or "explorer" in pool._building:
                break
            await asyncio.sleep(0.1)
        assert "explorer" in pool._building or "explorer" in pool._ready
        await _get(server, "/explorer")  # waits for the build in progress, if any

    server.io_loop.asyncio_loop.run_until_complete(scenario())
    assert pool.handed_out == 2
    assert len({id(s.document) for s in _sessions(server, "explorer")}) == 2


def test_a_spare_finished_after_the_server_stopped_is_dropped_quietly(caplog, monkeypatch):
    """A spare whose build ends after the server's loop closed (the end of a test run, a
    server stopped mid-build) is dropped. Before, the build's callback raised "Event loop is
    closed" from the builder thread, logged by ``concurrent.futures`` as a traceback."""
    from concurrent.futures import Future

    futures = []

    def submit(function):
        futures.append(Future())
        return futures[-1]

    pool = spares.SparePages(["explorer"], build=lambda slug, doc: None, submit=submit)
    monkeypatch.setattr(spares, "IDLE_BEFORE_SPARE_S", 0.0)
    loop = asyncio.new_event_loop()
    pool.start(loop)
    pool._refill()
    assert len(futures) == 1, "the refill did not start a build"
    loop.close()
    with caplog.at_level("ERROR"):
        futures[0].set_result(object())
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert pool.report()["missing"] == ["explorer"]
