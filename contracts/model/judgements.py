"""Pure judgements of one exchange with the report operation: the words the checks, the checker and the proxy share.

Two profiles. ``contract`` (the default everywhere) holds a server to what the published document states and to the
rules its prose states; ``mock`` adds the conventions of our mock (its own documentation, not the contract):

* ``error_shape_problem``: ``contract``: an answer with a status the published document declares with its Error
  schema (400, 401, 403, 500) is that schema (``error.message`` required, ``code`` optional, ``errors`` items any
  object) in ``application/json``; ``mock``: every 4xx/5xx answer is the served Error schema with a non-empty message;
* ``echo_problem``: ``contract``: a 200 gives back every declared field that was sent, unchanged, and adds only valid
  values of declared fields (or fields the contract does not declare); ``mock``: the request exactly, with the
  contract's defaults filled in;
* ``window_problem``: a body whose only problems are from/to rules gets a 400; a valid body is not refused (both);
* ``error_entries_problem``, ``error_code_problem``, ``reason_problem``, ``named_value_problem``: ``mock`` only.

Each returns why the exchange breaks the contract, or ``None``. No I/O, no Schemathesis: importing is cheap.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from contracts.model import validation
from contracts.model.contract import Contract, SchemaValidator, inline_refs
from contracts.model.published import published_answers
from contracts.rules.media_types import parse_media_type

JSON_MEDIA_TYPE = "application/json"
CONTRACT, MOCK = "contract", "mock"
PROFILES = (CONTRACT, MOCK)
PROFILE_VARIABLE = "INSIGHT_CONTRACTS_PROFILE"  # the profile our Schemathesis checks judge by (default: contract)


def media_type_of(content_type: str | None) -> str:
    return parse_media_type(content_type).essence


def error_shape_problem(
    contract: Contract, status: int, content_type: str | None, body: bytes, profile: str = CONTRACT
) -> str | None:
    """Why an error answer is not the Error object (of the published document, or the served one for ``mock``)."""
    if status < 400:
        return None
    schema = contract.error_schema
    if profile == CONTRACT:
        published = published_answers()
        if status not in published.error_statuses:
            return None  # the published document says nothing about this answer's body
        schema = published.error_schema
    media_type = media_type_of(content_type)
    if media_type != JSON_MEDIA_TYPE:
        return f"a {status} answer is {media_type or 'untyped'}, not {JSON_MEDIA_TYPE} (the contract's Error object)"
    try:
        payload = json.loads(body)
    except ValueError:
        return f"a {status} answer is not JSON"
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(payload), key=str)
    if errors:
        return f"a {status} answer is not the Error shape: {errors[0].message}"
    if profile == CONTRACT:
        return None
    message = payload["error"].get("message")
    if not (isinstance(message, str) and message.strip()):
        return f"a {status} answer has an empty error.message"
    return None


def echo_problem(contract: Contract, sent: Any, status: int, body: bytes, profile: str = CONTRACT) -> str | None:
    """Why a 200 does not echo the request (``mock``: exactly, with defaults filled in), or ``None``."""
    if status != 200 or not isinstance(sent, dict) or validation.validate_body(contract, sent):
        return None
    try:
        echoed = json.loads(body)
    except ValueError:
        return "the 200 answer is not JSON"
    if profile == CONTRACT:
        return _published_echo_problem(contract, sent, echoed)
    expected = validation.accepted_params(contract, sent)
    if echoed != expected:
        changed = sorted(
            key
            for key in set(expected) | set(echoed if isinstance(echoed, dict) else {})
            if not isinstance(echoed, dict) or echoed.get(key) != expected.get(key)
        )
        return f"the 200 echo differs from the request (with defaults) at: {', '.join(changed) or 'the whole body'}"
    return None


def _published_echo_problem(contract: Contract, sent: dict[str, Any], echoed: Any) -> str | None:
    """The 200 is the report params used: each declared field sent comes back unchanged; a declared field the server
    adds (a default) must be a value the field allows. Undeclared fields, sent or added, are the server's business."""
    if not isinstance(echoed, dict):
        return "the 200 answer is not the report params (not a JSON object)"
    variant = contract.variants[sent[contract.discriminator]]
    changed = sorted(name for name in variant.properties if name in sent and echoed.get(name, _MISSING) != sent[name])
    if changed:
        return f"the 200 does not give back the params sent, at: {', '.join(changed)}"
    invalid = sorted(
        name
        for name, value in echoed.items()
        if name not in sent and name in variant.properties and not _property_validator(contract, name).is_valid(value)
    )
    if invalid:
        return f"the 200 adds values the contract does not allow, at: {', '.join(invalid)}"
    return None


_MISSING = object()


def _property_validator(contract: Contract, name: str) -> Any:
    schemas = [variant.properties[name] for variant in contract.variants.values() if name in variant.properties]
    return SchemaValidator({"anyOf": [inline_refs(contract.document, schema) for schema in schemas]})


def error_entries_problem(status: int, body: bytes) -> str | None:
    """``mock``: a 400 lists each problem in ``error.errors``, each entry naming its ``path`` and ``code``."""
    if status != 400:
        return None
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return None  # the shape judgement says so
    entries = error.get("errors") if isinstance(error, dict) else None
    if not isinstance(entries, list) or not entries:
        return "a 400 without error.errors entries (the mock lists every problem, each with its path and code)"
    lacking = [entry for entry in entries if not (isinstance(entry, dict) and {"path", "code"} <= set(entry))]
    if lacking:
        return f"an error.errors entry without path or code: {json.dumps(lacking[0])[:160]}"
    return None


def documented_error_codes(contract: Contract, status: int) -> tuple[str, ...]:
    """The ``error.code`` values the served contract's examples give for a status of the report operation."""
    operation = contract.document["paths"][contract.path][contract.method.lower()]
    declared = operation.get("responses", {}).get(str(status))
    if declared is None:
        return ()
    media = inline_refs(contract.document, declared).get("content", {}).get(JSON_MEDIA_TYPE, {})
    codes = (example.get("value", {}).get("error", {}).get("code") for example in media.get("examples", {}).values())
    return tuple(dict.fromkeys(code for code in codes if isinstance(code, str)))


def error_code_problem(contract: Contract, status: int, body: bytes) -> str | None:
    """``mock``: the error code is one of those the served contract's examples document for the status."""
    codes = documented_error_codes(contract, status) if status >= 400 else ()
    if not codes:
        return None
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return None
    code = error.get("code") if isinstance(error, dict) else None
    if code in codes:
        return None
    return f"the {status} answer's code is {code!r}, not one the contract documents for it ({', '.join(codes)})"


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
