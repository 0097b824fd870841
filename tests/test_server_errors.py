"""What the server prints when things go wrong: one line for a closed tab, never a traceback."""

import asyncio
import logging

from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from landscape_app.app.errors import quiet_closed_tabs
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


def test_the_served_app_installs_the_handler():
    server = serve(port=0, start=False, warm=False)
    try:
        handler = server.io_loop.asyncio_loop.get_exception_handler()
        assert handler is not None and handler.__qualname__.startswith("quiet_closed_tabs")
    finally:
        server.stop()
