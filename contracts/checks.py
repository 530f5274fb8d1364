"""Schemathesis checks for what JSON Schema cannot express, and the pure judgements they share with the checker.

Registered on import (``SCHEMATHESIS_HOOKS=contracts.checks`` loads them and the generation hooks together):

* ``insight_error_shape``: every 4xx/5xx answer is the contract's Error object, as ``application/json``, with a
  non-empty ``error.message``;
* ``insight_echo``: a 200 echoes the request exactly, with the contract's defaults filled in;
* ``insight_window_rules``: a body whose only problems are from/to rules gets a 400; a body with a valid window is
  not refused for its window.

The judgements (``error_shape_problem``, ``echo_problem``, ``window_problem``) are pure functions over statuses,
headers and bodies, so the property phase of ``insight-contracts check`` and the tests use the same words.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import schemathesis
from schemathesis.core.parameters import ParameterLocation

from contracts import hooks, validation
from contracts.model import Contract, default_contract

JSON_MEDIA_TYPE = "application/json"


def media_type_of(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def error_shape_problem(contract: Contract, status: int, content_type: str | None, body: bytes) -> str | None:
    """Why an error answer is not the contract's Error object, or ``None`` when it is."""
    if status < 400:
        return None
    media_type = media_type_of(content_type)
    if media_type != JSON_MEDIA_TYPE:
        return f"a {status} answer is {media_type or 'untyped'}, not {JSON_MEDIA_TYPE} (the contract's Error object)"
    try:
        payload = json.loads(body)
    except ValueError:
        return f"a {status} answer is not JSON"
    errors = sorted(jsonschema.Draft4Validator(contract.error_schema).iter_errors(payload), key=str)
    if errors:
        return f"a {status} answer is not the Error shape: {errors[0].message}"
    message = payload["error"].get("message")
    if not (isinstance(message, str) and message.strip()):
        return f"a {status} answer has an empty error.message"
    return None


def echo_problem(contract: Contract, sent: Any, status: int, body: bytes) -> str | None:
    """Why a 200 does not echo the request with defaults filled in, or ``None``."""
    if status != 200 or not isinstance(sent, dict) or validation.validate_body(contract, sent):
        return None
    try:
        echoed = json.loads(body)
    except ValueError:
        return "the 200 answer is not JSON"
    expected = validation.accepted_params(contract, sent)
    if echoed != expected:
        changed = sorted(
            key
            for key in set(expected) | set(echoed if isinstance(echoed, dict) else {})
            if not isinstance(echoed, dict) or echoed.get(key) != expected.get(key)
        )
        return f"the 200 echo differs from the request (with defaults) at: {', '.join(changed) or 'the whole body'}"
    return None


def window_problem(contract: Contract, sent: Any, status: int) -> str | None:
    """Why the answer to a body breaks the from/to rules' expectations, or ``None``."""
    if not isinstance(sent, dict):
        return None
    problems = validation.validate_body(contract, sent)
    if problems and all(validation.is_window_problem(problem) for problem in problems):
        if status != 400:
            rules = ", ".join(sorted({problem.rule for problem in problems}))
            return f"a body that breaks only the window rule(s) {rules} got {status}, not 400: {problems[0].message}"
    elif not problems and status == 400:
        return "a body with a valid window (and nothing else wrong) got 400"
    return None


# --- Schemathesis registration ---------------------------------------------------------------------------------------


def _is_report_case(case: Any) -> bool:
    return hooks.is_report_operation(case.operation)


def _body_is_positive(case: Any) -> bool:
    meta = case.meta
    return meta is not None and not any(meta.is_negative_at(location) for location in ParameterLocation)


def _content_type(response: Any) -> str | None:
    values = response.headers.get("content-type") or [None]  # Schemathesis: lower-case keys, list values
    return values[0]  # type: ignore[no-any-return]


@schemathesis.check
def insight_error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    problem = error_shape_problem(default_contract(), response.status_code, _content_type(response), response.content)
    if problem:
        raise AssertionError(problem)
    return None


@schemathesis.check
def insight_echo(ctx: Any, response: Any, case: Any) -> bool | None:
    if _is_report_case(case) and _body_is_positive(case):
        problem = echo_problem(default_contract(), case.body, response.status_code, response.content)
        if problem:
            raise AssertionError(problem)
    return None


@schemathesis.check
def insight_window_rules(ctx: Any, response: Any, case: Any) -> bool | None:
    if _is_report_case(case) and _body_is_positive(case) and response.status_code in (200, 400):
        problem = window_problem(default_contract(), case.body, response.status_code)
        if problem:
            raise AssertionError(problem)
    return None
