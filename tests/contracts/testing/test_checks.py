"""Each custom Schemathesis check fails on a crafted bad response and passes on a good one, by the profile named in
``INSIGHT_CONTRACTS_PROFILE`` (the contract by default; our mock's conventions with ``mock``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from schemathesis.core.transport import Response

from contracts.model.judgements import PROFILE_VARIABLE
from contracts.testing import checks
from contracts.testing.live import MONTHLY
from tests.contracts.testing.test_hooks import case_of

ECHO = {**MONTHLY, "contentType": "text/csv"}  # the contract's default filled in
ERROR = {
    "error": {
        "code": "INVALID_PERIOD",
        "message": "schedule 'monthly' needs 'to' = 2026-12-01",
        "errors": [{"code": "window-end", "path": "/to", "message": "needs 2026-12-01"}],
    }
}


def response(status: int, body: Any, content_type: str = "application/json") -> Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(status, {"content-type": [content_type]}, content, requests.PreparedRequest(), 0.01, True)


def passes(check: Any, answer: Response, body: dict[str, Any] = MONTHLY, *, negative: bool = False) -> bool:
    try:
        check(None, answer, case_of(body, negative_body=negative))
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize(
    "answer",
    [response(400, ERROR), response(401, {"error": {"message": "missing token"}}), response(200, ECHO)],
    ids=["400 Error", "401 Error without code", "a 200 is not an error"],
)
def test_error_shape_passes_the_contracts_error_object(answer: Response) -> None:
    assert passes(checks.insight_error_shape, answer)


@pytest.mark.parametrize(
    "answer",
    [
        response(400, {"type": "about:blank", "title": "Bad Request", "status": 400}, "application/problem+json"),
        response(400, ERROR, "text/plain"),
        response(400, b"<html>Bad Request</html>", "application/json"),
        response(400, {"message": "top-level message, no error object"}),
        response(403, {"error": {"code": "E"}}),
        response(400, {"error": {"message": "m", "errors": "not a list"}}),
    ],
    ids=["problem+json", "text/plain", "not JSON", "no error object", "no message", "errors not a list"],
)
def test_error_shape_fails_anything_else(answer: Response) -> None:
    assert not passes(checks.insight_error_shape, answer)


BLANK = response(500, {"error": {"code": "E", "message": "   "}})
UNDECLARED_HTML = response(415, b"<h1>Unsupported</h1>", "text/html")


def test_a_blank_message_or_an_html_415_break_only_our_mocks_conventions(monkeypatch: pytest.MonkeyPatch) -> None:
    assert passes(checks.insight_error_shape, BLANK) and passes(checks.insight_error_shape, UNDECLARED_HTML)
    monkeypatch.setenv(PROFILE_VARIABLE, "mock")
    assert not passes(checks.insight_error_shape, BLANK) and not passes(checks.insight_error_shape, UNDECLARED_HTML)


def test_an_unknown_profile_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROFILE_VARIABLE, "strict")
    with pytest.raises(ValueError, match="must be one of contract, mock"):
        checks.profile()


def test_echo_passes_the_params_with_defaults_filled_in() -> None:
    assert passes(checks.insight_echo, response(200, ECHO))


@pytest.mark.parametrize(
    "echoed",
    [{**ECHO, "language": "en"}, {**ECHO, "from": "2026-11-02"}, {"ok": True}],
    ids=["another language", "another window", "something else"],
)
def test_echo_fails_an_answer_that_is_not_the_request(echoed: dict[str, Any]) -> None:
    assert not passes(checks.insight_echo, response(200, echoed))


def test_an_echo_without_the_default_filled_in_breaks_only_our_mocks_conventions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert passes(checks.insight_echo, response(200, MONTHLY))  # the published document states no default
    monkeypatch.setenv(PROFILE_VARIABLE, "mock")
    assert not passes(checks.insight_echo, response(200, MONTHLY))


def test_echo_leaves_negative_bodies_to_the_other_checks() -> None:
    assert passes(checks.insight_echo, response(200, {"ok": True}), negative=True)


BROKEN_WINDOW = {**MONTHLY, "to": "2026-12-02"}


def test_window_rules_pass_a_refused_broken_window_and_an_accepted_valid_one() -> None:
    assert passes(checks.insight_window_rules, response(400, ERROR), BROKEN_WINDOW)
    assert passes(checks.insight_window_rules, response(200, ECHO), MONTHLY)


def test_window_rules_fail_an_accepted_broken_window() -> None:
    assert not passes(
        checks.insight_window_rules, response(200, {**BROKEN_WINDOW, "contentType": "text/csv"}), BROKEN_WINDOW
    )


def test_window_rules_fail_a_refused_valid_window() -> None:
    assert not passes(checks.insight_window_rules, response(400, ERROR), MONTHLY)


def test_window_rules_fail_a_broken_window_refused_for_another_field_under_the_mock_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    elsewhere = {"error": {"code": "INVALID_BODY", "message": "bad", "errors": [{"path": "/language"}]}}
    # The contract profile takes the 400 (a refusal's wording and entries are the server's own business).
    assert passes(checks.insight_window_rules, response(400, elsewhere), BROKEN_WINDOW)
    monkeypatch.setenv(PROFILE_VARIABLE, "mock")
    assert not passes(checks.insight_window_rules, response(400, elsewhere), BROKEN_WINDOW)


def test_window_rules_judge_only_window_problems() -> None:
    other_problem = {**BROKEN_WINDOW, "language": "sv"}  # a refusal of this one may be for its language
    assert passes(checks.insight_window_rules, response(200, {}), other_problem)
