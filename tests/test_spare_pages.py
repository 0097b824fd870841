"""Pages built ahead (``app/spares``): the next plain tab gets one at once, and owns it alone."""

import asyncio
import gc
import json
import weakref

import pytest
from tornado.httpclient import AsyncHTTPClient

from landscape_app.app import spares
from landscape_app.app.server import serve


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(spares, "IDLE_BEFORE_SPARE_S", 1e6)  # no refill unless a test asks
    server = serve(port=0, start=False, warm=False)
    spares.SPARES.slugs = ["explorer"]  # the others' builds would only slow the tests
    server.start()
    yield server
    server.stop()


def _sessions(server, slug):
    return list(server._tornado._applications[f"/{slug}"]._sessions.values())


async def _get(server, path):
    response = await AsyncHTTPClient().fetch(f"http://localhost:{server.port}{path}")
    assert response.code == 200
    return response


async def _health(server):
    return json.loads((await _get(server, "/health")).body)


def test_a_plain_link_gets_the_spare_and_the_next_tab_its_own_page(server):
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


def test_a_link_with_settings_is_built_for_its_tab(server):
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


def test_a_taken_spare_is_built_again_when_the_server_is_idle(server, monkeypatch):
    """After a tab takes the spare, the builder makes a new one (here at once: the idle
    time is set to zero); a tab asking while it is being built waits for it and takes it."""
    monkeypatch.setattr(spares, "IDLE_BEFORE_SPARE_S", 0.0)
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
