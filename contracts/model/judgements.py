"""Pure judgements of one exchange with the report operation: the words the checks, the checker and the proxy share.

* ``error_shape_problem``: every 4xx/5xx answer is the contract's Error object, as ``application/json``, with a
  non-empty ``error.message``;
* ``echo_problem``: a 200 echoes the request exactly, with the contract's defaults filled in;
* ``window_problem``: a body whose only problems are from/to rules gets a 400; a valid body is not refused.

Each returns why the exchange breaks the contract, or ``None``. No I/O, no Schemathesis: importing is cheap.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from contracts.model import validation
from contracts.model.contract import Contract
from contracts.rules.media_types import parse_media_type

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


# --- why a request was refused ----------------------------------------------------------------------------------------

# Where an Error entry may say which field it is about: our ``path``, and the names other APIs use.
_LOCATION_KEYS = ("path", "pointer", "field", "location", "loc", "param", "parameter", "name")
_SEPARATORS = re.compile(r"[/.\[\]]+")
_ROOTS = frozenset({"", "#", "$", "body", "request", "requestbody"})


def path_parts(value: Any) -> tuple[str, ...]:
    """A location in any common spelling (``/reportFilters/0/filter``, ``reportFilters[0].filter``, a list) as parts."""
    raw = [str(part) for part in value] if isinstance(value, list) else _SEPARATORS.split(str(value).strip())
    parts = [part.strip() for part in raw]
    while parts and parts[0].lower() in _ROOTS:
        parts.pop(0)
    return tuple(part for part in parts if part)


def _points_at(named: tuple[str, ...], expected: tuple[str, ...]) -> bool:
    """Whether a location the server named is the expected one, or a container of it (``/reportFilters/0``)."""
    return bool(named) and expected[: len(named)] == named


def _mentions(text: str, expected: tuple[str, ...]) -> bool:
    """Whether a message names a field: quoted, as a pointer or as ``name=``; a bare word such as 'to' is too common."""
    field = next((part for part in reversed(expected) if not part.isdigit()), "")
    if not field:
        return False
    spellings = (f"'{field}'", f'"{field}"', f"`{field}`", "/" + "/".join(expected), f"{field}=", f"{field}:")
    return any(spelling in text for spelling in spellings)


def error_locations(body: bytes) -> tuple[list[tuple[str, ...]], str]:
    """The locations an Error body's ``errors`` entries name, and all its messages as one text."""
    try:
        payload = json.loads(body)
    except ValueError:
        return [], ""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return [], ""
    messages = [str(error.get("message", ""))]
    locations = []
    for entry in error.get("errors") or []:
        if not isinstance(entry, dict):
            continue
        messages.append(str(entry.get("message", "")))
        for key in _LOCATION_KEYS:
            if key in entry and entry[key] not in (None, ""):
                locations.append(path_parts(entry[key]))
                break
    return locations, "\n".join(messages)


def reason_problem(expected_paths: tuple[str, ...], status: int, body: bytes) -> str | None:
    """Why a refusal does not point at what the request broke (an ``errors`` entry or the message), or ``None``."""
    if not expected_paths:
        return None
    expected = [path_parts(path) for path in expected_paths]
    named, text = error_locations(body)
    if any(_points_at(location, wanted) for location in named for wanted in expected):
        return None
    if any(_mentions(text, wanted) for wanted in expected):
        return None
    wanted_text = " or ".join("/" + "/".join(parts) for parts in expected)
    got = ", ".join("/" + "/".join(location) for location in named) or "no errors entry"
    first_message = text.split("\n", 1)[0][:160]
    return f"refused for the wrong reason: expected a problem at {wanted_text}, got {got} ({status}: {first_message!r})"


def named_value_problem(expected_values: tuple[str, ...], body: bytes) -> str | None:
    """Why a window refusal does not name the value that would have been right (DESIGN section 4), or ``None``."""
    if not expected_values:
        return None
    text = body.decode("utf-8", "replace")
    if any(value in text for value in expected_values):
        return None
    return f"the refusal does not name the value that would have been right ({' or '.join(expected_values)})"
