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
