"""Deliberately broken variants of the mock, to prove that `insight-contracts check` catches real breakage.

    python -m tests.contracts.mutants NAME PORT

Each mutant is the real mock with one fault injected; ``MUTANTS`` names them and says what a user would see.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts import rules, spec, validation
from mockserver import gate
from mockserver.app import create_app
from mockserver.settings import AuthMode, Settings


def orders_accept_monthly() -> Settings:
    """The orders variant also accepts `monthly` (its schedule enum widened)."""
    document = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))
    variant = document["components"]["schemas"]["InsightOrdersOrderOperationsReportParams"]
    variant["allOf"][0]["properties"]["schedule"]["enum"].append("monthly")
    path = Path(tempfile.mkdtemp()) / "insight.yaml"
    path.write_text(spec.dump_yaml(document), encoding="utf-8")
    return Settings(spec_path=path)


def ignores_window() -> Settings:
    """from/to are never checked against the schedule."""
    validation._window_problems = lambda body, known: []  # type: ignore[assignment]
    return Settings()


def skips_auth() -> Settings:
    """No token needed."""
    return Settings(auth=AuthMode.OFF)


def echoes_wrong_params() -> Settings:
    """The 200 echo reports English whatever language was asked for."""
    original = validation.accepted_params
    validation.accepted_params = lambda contract, body: {**original(contract, body), "language": "en"}  # type: ignore[assignment]
    return Settings()


def rejects_second_half_of_month() -> Settings:
    """twice-a-month windows starting on the 16th are refused."""
    half = rules.SCHEDULES["twice-a-month"]
    rules.SCHEDULES["twice-a-month"] = dataclasses.replace(half, is_start=lambda day: day.day == 1)
    return Settings()


def window_errors_are_422() -> Settings:
    """A broken window answers 422 instead of the contract's 400."""
    gate.InvalidPeriod.status = 422
    return Settings()


def skips_account_check() -> Settings:
    """Any account id is accepted."""
    gate.check_account = lambda contract, aid: None  # type: ignore[assignment]
    return Settings()


def crashes_on_filters() -> Settings:
    """A 500 whenever reportFilters is sent."""
    original = gate.check_body

    def check_body(contract: Any, body: Any) -> dict[str, Any]:
        if isinstance(body, dict) and body.get("reportFilters"):
            raise RuntimeError("filters not implemented")
        return original(contract, body)

    gate.check_body = check_body  # type: ignore[assignment]
    return Settings()


class ProblemJson:
    """Errors as application/problem+json (Connexion's default), not the contract's Error object."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 0

        async def rewrite(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status >= 400:
                    body = f'{{"type":"about:blank","title":"Error","status":{status},"detail":"refused"}}'.encode()
                    headers = [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ]
                    await send({**message, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
            elif status >= 400:
                return
            await send(message)

        await self.app(scope, receive, rewrite)


MUTANTS: dict[str, Callable[[], Settings]] = {
    "orders-accept-monthly": orders_accept_monthly,
    "ignores-window": ignores_window,
    "skips-auth": skips_auth,
    "echoes-wrong-params": echoes_wrong_params,
    "rejects-second-half-of-month": rejects_second_half_of_month,
    "window-errors-are-422": window_errors_are_422,
    "skips-account-check": skips_account_check,
    "crashes-on-filters": crashes_on_filters,
    "problem-json": Settings,
}


def main(name: str, port: int) -> None:
    settings = MUTANTS[name]()
    app: ASGIApp = create_app(settings)
    if name == "problem-json":
        app = ProblemJson(app)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
