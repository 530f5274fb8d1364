"""Ctrl-C with requests in flight: each one gets a 503 in the contract's Error shape, and nothing is printed as a crash.

When uvicorn stops (SIGINT, SIGTERM) it waits ``timeout_graceful_shutdown`` for requests in flight, then cancels them.
Left alone, the cancellation surfaces as an ``Exception in ASGI application`` traceback and a plain-text 500. This
middleware turns a cancellation that comes before the answer started into our 503 (with ``Connection: close``), and
the log filter replaces uvicorn's "Cancel N running task(s)" error with one plain line (and, for an answer already
under way, which can only be cut short, its "returned without completing response").
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.decisions.errors import ApiError
from mockserver.edge.responses import error_response

SERVER_LOG = "uvicorn.error"


class ServiceStopping(ApiError):
    status, code = 503, "SERVICE_UNAVAILABLE"


STOPPING = ServiceStopping(
    "the server is stopping, so this request was not processed; send it again once the server runs",
    headers={"Connection": "close", "Retry-After": "1"},
)


class AnswerWhileStopping:
    """Outside the app's own layers: a request cancelled before its answer started gets the 503."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        quiet_cancellation_log()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            # The only canceller of a request task is the server's shutdown. Returning (rather than re-raising) lets
            # the answer go out; after a started answer there is nothing left to say, the connection just ends.
            if not started:
                await error_response(STOPPING)(scope, receive, send)
            else:
                _CUT_SHORT.set(True)  # read by the log filter, in this same task, when uvicorn reports the cut


_CUT_SHORT: ContextVar[bool] = ContextVar("insight_mock_cut_short", default=False)
UNFINISHED = "ASGI callable returned without completing response."


class _CancellationNotice(logging.Filter):
    """uvicorn's errors about the shutdown's cancellations become plain warnings that say what happened.

    "Cancel N running task(s)" always comes from the shutdown; "returned without completing response" only when
    this middleware saw the cancellation (otherwise it is a real bug, and stays an error).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.ERROR:
            return True
        if str(record.msg).startswith("Cancel %s running task"):
            record.msg = "stopped with %s request(s) in flight; those not yet answered got a 503"
        elif record.msg == UNFINISHED and _CUT_SHORT.get():
            record.msg = "an answer in progress was cut short by the shutdown"
        else:
            return True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_cancellation_log() -> None:
    logger = logging.getLogger(SERVER_LOG)
    if not any(isinstance(existing, _CancellationNotice) for existing in logger.filters):
        logger.addFilter(_CancellationNotice())
