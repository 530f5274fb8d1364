"""Pure judgements of one exchange with the report operation: the words the checks, the checker and the proxy share.

* ``error_shape_problem``: every 4xx/5xx answer is the contract's Error object, as ``application/json``, with a
  non-empty ``error.message``;
* ``echo_problem``: a 200 echoes the request exactly, with the contract's defaults filled in;
* ``window_problem``: a body whose only problems are from/to rules gets a 400; a valid body is not refused.

Each returns why the exchange breaks the contract, or ``None``. No I/O, no Schemathesis: importing is cheap.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from contracts import validation
from contracts.media_types import parse_media_type
from contracts.model import Contract

JSON_MEDIA_TYPE = "application/json"


def media_type_of(content_type: str | None) -> str:
    return parse_media_type(content_type).essence


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
