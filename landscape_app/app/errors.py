"""What a served page does with an exception no view handled: say it in the page.

A widget value that a model refuses (a window with x_min > x_max, a value out of bounds) raises
inside Panel's event processing; without a handler Panel re-raises it and the server prints a
traceback. Here the user sees the message as a notification and the server logs one line.
"""

import logging

import panel as pn

log = logging.getLogger("landscape_app")


def report_exception(exception: BaseException) -> None:
    message = str(exception) or type(exception).__name__
    log.warning("%s: %s", type(exception).__name__, message)
    notifications = pn.state.notifications
    if notifications is not None:
        notifications.error(message, duration=8000)


def _closed_socket_error(exception) -> bool:
    from tornado.iostream import StreamClosedError
    from tornado.websocket import WebSocketClosedError

    return isinstance(exception, (WebSocketClosedError, StreamClosedError))


def quiet_closed_tabs(loop) -> None:
    """On ``loop``: a message still being written to a tab that has just closed is dropped
    with one debug line, not a "Task exception was never retrieved" traceback.

    Panel cancels a closed session's pending writes, but a write that has already failed
    keeps its ``WebSocketClosedError`` unretrieved, and asyncio prints it when the task is
    collected; every other unhandled exception still reaches the default handler.
    """
    def handler(loop, context):
        if _closed_socket_error(context.get("exception")):
            log.debug("a closed tab's message was dropped: %s", context.get("message"))
            return
        loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


#: what Panel and Bokeh log, once per message part, for a write that was already on its way
#: when a tab closed (dozens for one frame of a page with many plots)
CLOSED_TAB_WARNING = "Failed sending message as connection was closed"


class _ClosedTabWarnings(logging.Filter):
    """Drops ``CLOSED_TAB_WARNING``: the tab is gone and nothing is wrong. The players stop
    as soon as a socket closes (``views.controls``); what is left is the last frame in flight."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() == CLOSED_TAB_WARNING:
            log.debug("a closed tab's message was dropped")
            return False
        return True


def quiet_closed_tab_warnings() -> None:
    """Install the filter on the loggers that write ``CLOSED_TAB_WARNING`` (idempotent)."""
    for name in ("panel.io.document", "bokeh.server.views.ws"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _ClosedTabWarnings) for f in logger.filters):
            logger.addFilter(_ClosedTabWarnings())


def quiet_messages_after_close() -> None:
    """A tab's message that arrives after its socket closed is dropped with one debug line.

    Bokeh detaches a connection from its session when the socket closes; a message from the
    browser already on its way (a playing page's "frame drawn", ``views.common.playback``)
    was then handled against no session: an ``AssertionError`` traceback, an "internal
    error" close, and a second ``on_close`` that failed the same way (seen in CI closing 10
    tabs at once). Idempotent.
    """
    from bokeh.server.views.ws import WSHandler

    if getattr(WSHandler, "_landscape_quiet", False):
        return
    handle, on_close = WSHandler._handle, WSHandler.on_close

    def detached(socket) -> bool:
        connection = getattr(socket, "connection", None)
        return connection is not None and getattr(connection, "_session", None) is None

    async def _handle(self, message):
        if detached(self):
            log.debug("a closed tab's message was dropped: %s", getattr(message, "msgtype", ""))
            return None
        return await handle(self, message)

    def _on_close(self) -> None:
        if detached(self):
            return  # closed already: its session let go of it
        on_close(self)

    WSHandler._handle, WSHandler.on_close = _handle, _on_close
    WSHandler._landscape_quiet = True


def quiet_patches_for_unknown_models() -> None:
    """A tab's change to a model the server no longer has is dropped with one debug line.

    Bokeh already drops such a patch when the model was once in the session's document
    ("previously seen"), the usual result of a change on one side while the other removed it.
    A model that was added and removed again within one freeze of the document (a frame of a
    playing page groups its updates under one, ``views.common.playback.frozen_document``) was
    sent to the browser but never entered the document's model set, so a change to it coming
    back raised ``UnknownReferenceError`` with a traceback in the server's log (CI, tabs
    playing and closing). Such a patch is as stale as a "previously seen" one. Idempotent.
    """
    from bokeh.core.serialization import UnknownReferenceError
    from bokeh.server.session import ServerSession, _needs_document_lock

    if getattr(ServerSession, "_landscape_quiet", False):
        return
    handle_patch = ServerSession._handle_patch.__wrapped__  # under Bokeh's document lock

    @_needs_document_lock
    def _handle_patch(self, message, connection):
        try:
            return handle_patch(self, message, connection)
        except UnknownReferenceError as error:
            log.debug("a tab's change to model %s, no longer on the server, was dropped",
                      error.id)
            return connection.ok(message)

    ServerSession._handle_patch = _handle_patch
    ServerSession._landscape_quiet = True
