"""The mock's error hierarchy and the one place that renders an error as the contract's Error object.

Every layer (routing, security, validation, handler, an unexpected exception) ends in :func:`error_body`, put on the
wire by ``mockserver.edge.responses.error_response``, so every error a client sees is
``{"error": {"code", "message", "errors"?}}`` in ``application/json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from typing import Any, ClassVar

from contracts.rules.periods import Violation


class ApiError(Exception):
    """An error answer: an HTTP status, a stable ``code``, a message, and optionally the list of problems."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(
        self,
        message: str,
        *,
        problems: Iterable[Violation] = (),
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)
        self.headers = dict(headers or {})
        if code is not None:
            self.code = code  # type: ignore[misc]


class BadRequest(ApiError):
    status, code = 400, "INVALID_REQUEST"


class InvalidJson(BadRequest):
    code = "INVALID_JSON"


class InvalidBody(BadRequest):
    code = "INVALID_BODY"


class InvalidPeriod(BadRequest):
    code = "INVALID_PERIOD"


class InvalidParameter(BadRequest):
    code = "INVALID_PARAMETER"


class Unauthorized(ApiError):
    status, code = 401, "UNAUTHORIZED"


class Forbidden(ApiError):
    status, code = 403, "FORBIDDEN"


class InsufficientScope(Forbidden):
    code = "INSUFFICIENT_SCOPE"


class AccountMismatch(Forbidden):
    code = "ACCOUNT_MISMATCH"


class NotFound(ApiError):
    status, code = 404, "NOT_FOUND"


class MethodNotAllowed(ApiError):
    status, code = 405, "METHOD_NOT_ALLOWED"


class PayloadTooLarge(ApiError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(ApiError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"


class InternalError(ApiError):
    status, code = 500, "INTERNAL_ERROR"


# Errors raised by layers we do not own (Starlette routing, Connexion internals), by status.
BY_STATUS: dict[int, type[ApiError]] = {
    cls.status: cls
    for cls in (BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType)
}


def problem_item(problem: Violation) -> dict[str, Any]:
    item = {key: value for key, value in asdict(problem).items() if value is not None}
    item["code"] = item.pop("rule")
    return item


MAX_LISTED_PROBLEMS = 50  # a body with hundreds of bad filters must not get an answer larger than itself


def error_body(error: ApiError) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.problems:
        listed = [problem_item(problem) for problem in error.problems[:MAX_LISTED_PROBLEMS]]
        hidden = len(error.problems) - len(listed)
        if hidden:
            listed.append({"code": "truncated", "path": "", "message": f"{hidden} more problem(s) not listed"})
        detail["errors"] = listed
    return {"error": detail}


def json_bytes(value: Any) -> bytes:
    """JSON as UTF-8; text a client sent that is not valid Unicode (a lone surrogate) is kept as an escape."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode("ascii")


# What `Prefer: code=NNN` answers: the messages a real server would give, so a UI can show them as they are.
# Factories, not instances: an exception raised twice would carry its first traceback along.
FORCED: dict[int, Callable[[], ApiError]] = {
    # The request passed every check (or was not looked at): no field of it may be blamed, so the one problem listed
    # is the whole body's and says it was forced. The shape is a validation error's, for a UI to render.
    400: lambda: InvalidBody(
        "the report request has 1 problem: refused on request (forced by Prefer: code=400)",
        problems=[Violation("forced", "", "refused on request (forced by Prefer: code=400), not because of any field")],
    ),
    401: lambda: Unauthorized(
        "the token has expired (forced by Prefer)", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
    ),
    403: lambda: InsufficientScope("the token lacks the scope admin:insight or write:insight (forced by Prefer)"),
    404: lambda: NotFound("no such account (forced by Prefer)"),
    405: lambda: MethodNotAllowed("method not allowed on this route (forced by Prefer)", headers={"Allow": "POST"}),
    413: lambda: PayloadTooLarge("the body is larger than the limit (forced by Prefer)"),
    415: lambda: UnsupportedMediaType("Content-Type is not supported; send 'application/json' (forced by Prefer)"),
    500: lambda: InternalError("the report service failed unexpectedly; try again later (forced by Prefer)"),
}
