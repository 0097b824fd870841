"""What the server prints when things go wrong: one line for a closed tab, never a traceback."""

import asyncio
import json
import logging
import threading
from types import SimpleNamespace

import pytest
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from landscape_app.app.errors import (
    CLOSED_TAB_WARNING,
    quiet_closed_tab_warnings,
    quiet_closed_tabs,
)
from landscape_app.app.server import serve


def _report(loop, exception):
    loop.call_exception_handler({"message": "Task exception was never retrieved",
                                 "exception": exception})


def test_a_write_to_a_closed_tab_is_not_reported_as_an_error(caplog):
    loop = asyncio.new_event_loop()
    try:
        quiet_closed_tabs(loop)
        with caplog.at_level(logging.DEBUG):
            _report(loop, WebSocketClosedError())
            _report(loop, StreamClosedError())
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        # any other unhandled exception still reaches asyncio's default handler
        with caplog.at_level(logging.DEBUG):
            _report(loop, ValueError("a real bug"))
        assert any(r.levelno == logging.ERROR and r.exc_info and
                   isinstance(r.exc_info[1], ValueError) for r in caplog.records)
    finally:
        loop.close()


def test_the_last_frame_of_a_closed_tab_is_not_a_flood_of_warnings(caplog):
    """Panel logged a warning per part of every message in flight when a tab closed: ~60
    for one frame of /compare, thousands while its frames went on (tests/test_browser_sessions
    checks the served app's log)."""
    quiet_closed_tab_warnings()
    with caplog.at_level(logging.DEBUG):
        for name in ("panel.io.document", "bokeh.server.views.ws"):
            for _ in range(50):
                logging.getLogger(name).warning(CLOSED_TAB_WARNING)
            logging.getLogger(name).warning("Failed sending message due to following error: x")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["Failed sending message due to following error: x"] * 2


def test_the_served_app_installs_the_handler():
    server = serve(port=0, start=False, warm=False)
    try:
        handler = server.io_loop.asyncio_loop.get_exception_handler()
        assert handler is not None and handler.__qualname__.startswith("quiet_closed_tabs")
        from bokeh.server.views.ws import WSHandler
        assert WSHandler._landscape_quiet  # messages after a close: see the test below
    finally:
        server.stop()


def test_a_message_after_the_socket_closed_is_dropped_without_a_traceback():
    """CI, closing ten playing tabs: a "frame drawn" patch handled after Bokeh had detached
    the connection raised ``AssertionError`` (no session), and the "internal error" close
    that followed ran ``on_close`` a second time, failing the same way."""
    from types import SimpleNamespace

    from bokeh.server.views.ws import WSHandler

    from landscape_app.app.errors import quiet_messages_after_close

    quiet_messages_after_close()
    quiet_messages_after_close()  # idempotent
    socket = SimpleNamespace(connection=SimpleNamespace(_session=None))
    # driven by hand: another test may have left an event loop running in this thread, and
    # the dropped message awaits nothing
    coroutine = WSHandler._handle(socket, SimpleNamespace(msgtype="PATCH-DOC"))
    with pytest.raises(StopIteration) as done:
        coroutine.send(None)
    assert done.value.value is None
    WSHandler.on_close(socket)  # the second close: nothing left to do


def test_a_change_to_a_model_the_server_never_kept_is_dropped_without_a_traceback(caplog):
    """CI, tabs playing and closing: the browser sent a change to a model that had been added
    and removed within one frame's freeze of the document (so Bokeh never counted it as
    "previously seen"), and the server logged ``UnknownReferenceError: can't resolve
    reference`` with a traceback. The patch is dropped; a change to a live model still
    applies."""

    from landscape_app.app.errors import quiet_patches_for_unknown_models

    quiet_patches_for_unknown_models()
    quiet_patches_for_unknown_models()  # idempotent
    # on a thread of its own: an earlier test of the suite may have left a loop running here
    outcome = {}

    def run():
        try:
            outcome["records"] = _patches_on_a_session(caplog)
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    assert "records" in outcome


def _patches_on_a_session(caplog):
    from bokeh.document import Document
    from bokeh.models import Slider
    from bokeh.protocol import Protocol
    from bokeh.server.session import ServerSession
    from tornado.ioloop import IOLoop

    doc = Document()
    slider = Slider(start=0, end=10, value=1)
    doc.add_root(slider)
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        session = ServerSession("s", doc, io_loop=IOLoop.current())
        connection = SimpleNamespace(ok=lambda message: "ok")

        def patch(model_id, value):
            content = {"events": [{"kind": "ModelChanged", "model": {"id": model_id},
                                   "attr": "value", "new": value}]}
            message = Protocol().assemble(
                json.dumps({"msgid": "1", "msgtype": "PATCH-DOC"}), "{}", json.dumps(content))
            return loop.run_until_complete(session._handle_patch(message, connection))

        with caplog.at_level(logging.DEBUG):
            assert patch("p-never-here", 5) == "ok"
            assert patch(slider.id, 7) == "ok"
        assert slider.value == 7
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        return caplog.records
    finally:
        asyncio.set_event_loop(None)
        loop.close()
