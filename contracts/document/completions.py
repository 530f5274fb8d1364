"""Our completions of the published Insight document: what its prose states and what client generators need.

The upstream schemas leave out what the prose requires (``from``/``to``, the scopes), the error responses every real
server sends, the shape of an error's ``errors[]`` items, a version a package manager accepts, and examples. Each
completion is explicit here and reported as a :class:`~contracts.document.Finding`, so ``insight-mock lint`` lists it.
The functions are generic (they act on whatever the document names); the values they add (the item schema, the
examples, the plausible-date pattern) are ours, written here as data. Pure functions on plain data.

Generators read the contract literally, which decides a few representations:

* ``contentType``'s default is written as ``x-default`` plus a sentence in the description, not as ``default``:
  openapi-typescript 7 turns every property with a ``default`` into a required one, so the README's own request body
  would not compile. ``contracts.model.contract`` reads ``x-default``; the mock fills it in the 200 echo as before.
* ``from``/``to`` carry a pattern that admits only calendar-plausible dates in 2000-2100, so example generators
  (Prism ``-d``, positive Schemathesis) produce dates that can be real. The window rules of ``contracts.rules.periods``
  stay the judge: ``contracts.model.validation`` leaves the syntax of ``from``/``to`` to them, so answers keep naming
  the rule.
"""

from __future__ import annotations

import copy
import re
from datetime import date

from contracts.document.walk import Finding, Json, alternatives, escape, operations, resolve_schema, schemas, walk
from contracts.rules.ecma import compile_pattern
from contracts.rules.periods import valid_window

WINDOW_BOUNDS = {
    "from": "First day of the report period (included): a date, or a date-time at local midnight.",
    "to": "Day after the last day of the report period (excluded), in the same form and offset as 'from'.",
}
WINDOW_RULE_TEXT = (
    "'from' and 'to' must match the schedule: daily = any day to the next day; weekly = a Monday to the Monday after; "
    "twice-a-month = the 1st to the 16th, or the 16th to the 1st of the next month; monthly = the 1st to the 1st of "
    "the next month. Dates lie within 2000-01-01 <= from and to <= 2100-01-01."
)
# A year 2000-2100, a month 01-12, a day 01-31; a date-time at midnight with Z or an offset up to 23:59. Whether the
# day exists (2026-02-30) and the range ends (2100-01-01) are the window rules' to say: a regex would be unreadable.
PLAUSIBLE_BOUND_PATTERN = (
    r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([Tt]00:00:00(\.0+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$"
)
DEFAULT_CONTENT_TYPE = "text/csv"
DEFAULT_EXTENSION = "x-default"  # a default the server applies, without making generated types require the property
SCOPES_EXTENSION = "x-required-scopes"
UPSTREAM_VERSION_EXTENSION = "x-upstream-version"
ERROR_RESPONSES = {
    "404": ("NotFound", "No such route or account"),
    "405": ("MethodNotAllowed", "Method not allowed on this route"),
    "413": ("PayloadTooLarge", "Request body too large"),
    "415": ("UnsupportedMediaType", "Request body is not application/json"),
}
# Every property optional: the published items are any object, and a completion may tighten what clients send, never
# what servers answer (``insight-contracts diff`` of the two documents reports no change that breaks servers).
ERROR_ITEM: Json = {
    "type": "object",
    "description": "One problem of the request. The mock sends path, code and message; other servers may send any of "
    "them, or other fields",
    "properties": {
        "path": {
            "type": "string",
            "description": "Where: a JSON pointer into the body ('/schedule', '/reportFilters/0/filter'), "
            "'' for the body as a whole, or the name of the parameter ('aid')",
        },
        "code": {
            "type": "string",
            "description": "The rule that failed: a JSON Schema keyword ('required', 'enum', 'type', 'pattern') "
            "or a from/to rule ('window-start', 'window-end', 'out-of-range', 'bound-calendar', ...)",
        },
        "message": {"type": "string", "description": "What is wrong, in words a person can act on"},
        "expected": {
            "type": "string",
            "description": "The value that would have been right, when there is one (the 'to' a schedule needs)",
        },
    },
}
# RFC 6750 section 3: a refused bearer token is answered with a challenge; declared optional (the published document
# names no header, so a server without it keeps the contract), for generated clients and CORS to expose it.
CHALLENGE_HEADER = "WWW-Authenticate"
CHALLENGED_STATUSES = ("401", "403")
CHALLENGE: Json = {
    "description": 'The bearer challenge (RFC 6750 section 3), e.g. Bearer error="invalid_token"',
    "required": False,
    "schema": {"type": "string"},
}
PARAMETER_EXAMPLES = {"aid": "P12345678"}
EXAMPLE_DAY = date(2026, 11, 1)


def _error(code: str, message: str, *problems: Json) -> Json:
    detail: Json = {"code": code, "message": message}
    if problems:
        detail["errors"] = list(problems)
    return {"error": detail}


_NOT_MONTHLY = (
    "'monthly' is not allowed for 'schedule' with dataType 'orders/orderoperations'; "
    "allowed: 'weekly', 'twice-a-month', 'daily'"
)
_WRONG_END = "schedule 'monthly' needs 'to' = 2026-12-01 (the first day of the month after 'from')"
_BAD_AID = "account id 'X1' is malformed; it is 'P' or 'T' followed by 8 digits, e.g. P12345678"
# What the mock answers, word for word (tests/mockserver/test_contract_examples.py sends each request and compares).
ERROR_EXAMPLES: dict[str, dict[str, tuple[str, Json]]] = {
    "400": {
        "invalid-body": (
            "orders/orderoperations has no monthly schedule",
            _error(
                "INVALID_BODY",
                f"the report request has 1 problem: {_NOT_MONTHLY}",
                {"path": "/schedule", "message": _NOT_MONTHLY, "code": "enum"},
            ),
        ),
        "invalid-period": (
            "a monthly window must end on the 1st of the next month",
            _error(
                "INVALID_PERIOD",
                _WRONG_END,
                {"path": "/to", "message": _WRONG_END, "expected": "2026-12-01", "code": "window-end"},
            ),
        ),
        "invalid-parameter": (
            "a malformed account id",
            _error(
                "INVALID_PARAMETER",
                _BAD_AID,
                {"path": "aid", "message": "'X1' does not match ^[PT]{1}[0-9]{8}$", "code": "pattern"},
            ),
        ),
    },
    "401": {
        "missing-token": (
            "no Authorization header",
            _error(
                "UNAUTHORIZED",
                "missing Authorization header; send 'Authorization: Bearer <JWT>' (get one with `insight-mock token`)",
            ),
        ),
    },
    "403": {
        "insufficient-scope": (
            "a token without write:insight or admin:insight",
            _error("INSUFFICIENT_SCOPE", "the token lacks the scope admin:insight or write:insight"),
        ),
        "account-mismatch": (
            "a token for another account",
            _error("ACCOUNT_MISMATCH", "the token is for account 'P00000001', not 'P12345678'"),
        ),
    },
    "404": {"not-found": ("no such route", _error("NOT_FOUND", "no such route"))},
    "405": {
        "method-not-allowed": (
            "GET on the report operation",
            _error("METHOD_NOT_ALLOWED", "method not allowed on this route; allowed: POST"),
        ),
    },
    "413": {
        "payload-too-large": (
            "a body over 64 KiB",
            _error("PAYLOAD_TOO_LARGE", "the body is 70000 bytes; the limit is 65536"),
        ),
    },
    "415": {
        "unsupported-media-type": (
            "a text/plain body",
            _error("UNSUPPORTED_MEDIA_TYPE", "Content-Type 'text/plain' is not supported; send 'application/json'"),
        ),
    },
    "500": {
        "internal-error": (
            "a failure (the mock's --fail-rate)",
            _error(
                "INTERNAL_ERROR",
                "the report service failed unexpectedly; try again later (simulated by --fail-rate)",
            ),
        ),
    },
}
_PROSE_SCOPES = re.compile(r"\*\*scopes\*\*:\s*\n((?:\s*-\s*\S+\s*\n?)+)")
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")  # semver's core, also valid PEP 440
_CHANGELOG_DAY = re.compile(r"^#+\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*$", re.M)


# --- reading the document ------------------------------------------------------------------------------------------


def scopes_from_prose(description: str) -> list[str]:
    """The scopes a description lists under ``**scopes**:`` (the only place upstream states them)."""
    match = _PROSE_SCOPES.search(description or "")
    if not match:
        return []
    return [line.strip().lstrip("-").strip() for line in match.group(1).splitlines() if line.strip()]


def report_variants(document: Json, operation: Json) -> list[Json]:
    """The sub-schemas a request body's discriminator chooses between (the body schema itself when not polymorphic)."""
    content = operation.get("requestBody", {}).get("content", {})
    return [variant for media in content.values() for variant in media_variants(document, media)]


def media_variants(document: Json, media: Json) -> list[Json]:
    schema = media.get("schema", {})
    schema = resolve_schema(document, schema.get("$ref")) or schema
    choices = [resolve_schema(document, ref) for ref in alternatives(schema)]
    return [variant for variant in choices if isinstance(variant, dict)] or [schema]


def _variant_properties(variant: Json) -> Json:
    """The object schema inside a variant that declares its properties (variants here use allOf)."""
    for part in variant.get("allOf") or []:
        if isinstance(part, dict) and "properties" in part:
            return part
    return variant


def _response(document: Json, response: Json) -> tuple[str, Json]:
    """A response object and where it lives (its component when referenced)."""
    ref = response.get("$ref")
    target = resolve_schema(document, ref)
    return (ref, target) if isinstance(ref, str) and isinstance(target, dict) else ("", response)


def version_from_changelog(description: str) -> str | None:
    """``YYYY.M.D`` of the newest ``## YYYY-MM-DD`` heading of a changelog (semver and PEP 440 both accept it)."""
    days = sorted((int(year), int(month), int(day)) for year, month, day in _CHANGELOG_DAY.findall(description or ""))
    return ".".join(str(part) for part in days[-1]) if days else None


# --- the completions -----------------------------------------------------------------------------------------------


def complete_info_version(document: Json) -> list[Finding]:
    """A version package managers accept: openapi-python-client writes ``info.version`` into the package's metadata.

    Derived from the document itself, so it is reproducible and moves when upstream publishes a change: the newest
    date of its changelog, as ``YYYY.M.D``; ``0.0.0`` when it has none. The original value is kept beside it.
    """
    info = document.setdefault("info", {})
    version = str(info.get("version", ""))
    if _VERSION.fullmatch(version):
        return []
    derived = version_from_changelog(str(info.get("description", ""))) or "0.0.0"
    info[UPSTREAM_VERSION_EXTENSION] = version
    info["version"] = derived
    return [
        Finding(
            "version-not-a-version",
            "#/info/version",
            f"info.version is {version!r}, which is not a version: the package openapi-python-client generates "
            "cannot be installed",
            f"set to {derived!r} (the newest date of the changelog in info.description); "
            f"the original is kept as {UPSTREAM_VERSION_EXTENSION}",
        )
    ]


def complete_error_items(document: Json) -> list[Finding]:
    """Give the items of an Error schema's ``errors`` array their shape: generated clients type ``errors[0].path``."""
    findings = []
    error = schemas(document).get("Error")
    for pointer, node in walk(error, "#/components/schemas/Error"):
        items = node.get("items") if isinstance(node, dict) and node.get("type") == "array" else None
        if isinstance(items, dict) and not items.get("properties") and "$ref" not in items:
            node["items"] = copy.deepcopy(ERROR_ITEM)
            findings.append(
                Finding(
                    "error-items-untyped",
                    f"{pointer}/items",
                    "the items of the error list are {type: object}: no generated client knows their fields",
                    "declared their fields {path?, code?, message?, expected?} (the items the mock sends), all "
                    "optional: the published items are any object",
                )
            )
    return findings


def complete_challenge_headers(document: Json) -> list[Finding]:
    """Declare ``WWW-Authenticate`` (optional) on the 401 and 403 answers: servers send it, the document names none."""
    findings = []
    done: set[str] = set()
    for path, method, operation in operations(document):
        for status in CHALLENGED_STATUSES:
            declared = operation.get("responses", {}).get(status)
            if not isinstance(declared, dict):
                continue
            where, response = _response(document, declared)
            where = where or f"#/paths/{escape(path)}/{method}/responses/{status}"
            headers = response.setdefault("headers", {})
            if where in done or CHALLENGE_HEADER in headers:
                continue
            done.add(where)
            headers[CHALLENGE_HEADER] = copy.deepcopy(CHALLENGE)
            findings.append(
                Finding(
                    "challenge-header-undeclared",
                    where,
                    f"a {status} answer carries {CHALLENGE_HEADER} (RFC 6750), which the response does not declare: "
                    "generated clients and strict validators do not know it",
                    f"declared {CHALLENGE_HEADER} as an optional header",
                )
            )
    return findings


def complete_parameter_examples(document: Json) -> list[Finding]:
    """An example for each parameter named in ``PARAMETER_EXAMPLES`` (Dredd and Prism need one to call the route)."""
    findings = []
    for pointer, node in walk(document):
        if not (isinstance(node, dict) and node.get("in") in ("path", "query", "header") and "name" in node):
            continue
        example = PARAMETER_EXAMPLES.get(node["name"])
        if example is None or "example" in node or "examples" in node:
            continue
        pattern = node.get("schema", {}).get("pattern")
        if pattern and not compile_pattern(pattern).search(example):
            raise ValueError(f"the example {example!r} of {pointer} does not match its pattern {pattern!r}")
        node["example"] = example
        findings.append(
            Finding(
                "parameter-without-example",
                pointer,
                f"the parameter {node['name']!r} has no example: Dredd refuses to start, other tools invent one",
                f"added the example {example!r}",
            )
        )
    return findings


def complete_response_examples(document: Json) -> list[Finding]:
    """Examples for every response: the 200 echoes the request examples (defaults filled in), errors the mock's own."""
    findings = []
    for path, method, operation in operations(document):
        request_examples = _request_body_examples(document, operation)
        for status, declared in operation.get("responses", {}).items():
            where, response = _response(document, declared)
            where = where or f"#/paths/{escape(path)}/{method}/responses/{status}"
            media = response.get("content", {}).get("application/json")
            if not isinstance(media, dict) or "example" in media or "examples" in media:
                continue
            if str(status) == "200":
                examples = request_examples
            else:
                examples = {
                    name: {"summary": summary, "value": copy.deepcopy(value)}
                    for name, (summary, value) in ERROR_EXAMPLES.get(str(status), {}).items()
                }
            if not examples:
                continue
            media["examples"] = examples
            findings.append(
                Finding(
                    "response-without-examples",
                    where,
                    f"the {status} response has no example: mocks such as Prism answer placeholders like "
                    '"code": "string"',
                    f"added {', '.join(examples)}",
                )
            )
    return findings


def _request_body_examples(document: Json, operation: Json) -> Json:
    """The request examples as the 200 echoes them: each body with its variant's defaults filled in."""
    echoed: Json = {}
    for media in operation.get("requestBody", {}).get("content", {}).values():
        variants = {_discriminator_value(variant): variant for variant in media_variants(document, media)}
        for name, example in (media.get("examples") or {}).items():
            body = dict(example.get("value", {}))
            variant = variants.get(str(body.get("dataType")))
            properties = _variant_properties(variant).get("properties", {}) if variant else {}
            for key, prop in properties.items():
                if DEFAULT_EXTENSION in prop:
                    body.setdefault(key, prop[DEFAULT_EXTENSION])
            echoed[name] = {"summary": f"{example.get('summary', name)} (accepted)", "value": body}
    return echoed


def _discriminator_value(variant: Json) -> str:
    enum = _variant_properties(variant).get("properties", {}).get("dataType", {}).get("enum") or [""]
    return str(enum[0])


def complete(document: Json) -> tuple[Json, list[Finding]]:
    """Our completions, on a copy: what the prose requires and the schemas leave out, each reported as a finding."""
    completed = copy.deepcopy(document)
    findings: list[Finding] = [*complete_info_version(completed), *complete_error_items(completed)]
    responses = completed.setdefault("components", {}).setdefault("responses", {})
    for name, description in ERROR_RESPONSES.values():
        error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        responses.setdefault(name, {"description": description, "content": error_content})
    responses["MethodNotAllowed"].setdefault(
        "headers", {"Allow": {"description": "The methods the route accepts", "schema": {"type": "string"}}}
    )
    for path, method, operation in operations(completed):
        where = f"#/paths/{escape(path)}/{method}"
        scopes = scopes_from_prose(operation.get("description", ""))
        if scopes and SCOPES_EXTENSION not in operation:
            operation[SCOPES_EXTENSION] = scopes
            findings.append(
                Finding(
                    "scopes-only-in-prose",
                    where,
                    f"the required scopes {scopes} appear only in the description; a bearer scheme carries no scopes",
                    f"declared them as {SCOPES_EXTENSION} (any one of them is enough)",
                )
            )
        missing = [status for status in ERROR_RESPONSES if status not in operation["responses"]]
        for status in missing:
            operation["responses"][status] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
        if missing:
            findings.append(
                Finding(
                    "undeclared-error-responses",
                    f"{where}/responses",
                    f"real servers also answer {', '.join(missing)}, which the operation does not declare",
                    "declared them with the Error schema",
                )
            )
        for index, variant in enumerate(report_variants(completed, operation)):
            added = _complete_variant(variant)
            if added:
                findings.append(
                    Finding(
                        "window-undeclared",
                        f"{where}/requestBody (variant {variant.get('title', index)})",
                        "the description requires 'from' and 'to' matching the schedule, but the schema does not "
                        "declare them, so any value (or none) passes",
                        f"declared {', '.join(added)}",
                    )
                )
        examples = _request_examples(completed, operation)
        if examples:
            findings.append(
                Finding(
                    "no-request-examples",
                    f"{where}/requestBody",
                    "the request body has no example, so tools show a generated body that breaks the from/to rule",
                    f"added one valid example per variant: {', '.join(examples)}",
                )
            )
    findings += complete_challenge_headers(completed)
    findings += complete_parameter_examples(completed) + complete_response_examples(completed)
    return completed, findings


def _request_examples(document: Json, operation: Json) -> list[str]:
    """One valid body per variant (the first allowed value of each enum, a window around ``EXAMPLE_DAY``)."""
    added = []
    for media in operation.get("requestBody", {}).get("content", {}).values():
        if "example" in media or "examples" in media:
            continue
        examples: Json = {}
        for variant in media_variants(document, media):
            body = _variant_properties(variant)
            value = {
                name: prop["enum"][0]
                for name, prop in body.get("properties", {}).items()
                if name in body.get("required", []) and prop.get("enum")
            }
            if "schedule" in value:
                value["from"], value["to"] = valid_window(value["schedule"], EXAMPLE_DAY)
            title = str(variant.get("title") or len(examples))
            examples[re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")] = {"summary": title, "value": value}
        if examples:
            media["examples"] = examples
            added += list(examples)
    return added


def _complete_variant(variant: Json) -> list[str]:
    """Declare ``from``/``to`` (required) and the default ``contentType``; the names of what was added."""
    body = _variant_properties(variant)
    properties = body.setdefault("properties", {})
    added = []
    for name, description in WINDOW_BOUNDS.items():
        if name not in properties:
            properties[name] = {
                "type": "string",
                "pattern": PLAUSIBLE_BOUND_PATTERN,
                "description": f"{description} {WINDOW_RULE_TEXT}",
            }
            added.append(f"'{name}' (required, date or midnight date-time, 2000-2100)")
    required = body.setdefault("required", [])
    required += [name for name in WINDOW_BOUNDS if name not in required]
    content_type = properties.get("contentType")
    if (
        content_type
        and DEFAULT_CONTENT_TYPE in content_type.get("enum", [])
        and not {"default", DEFAULT_EXTENSION} & set(content_type)
    ):
        content_type[DEFAULT_EXTENSION] = DEFAULT_CONTENT_TYPE
        stated = str(content_type.get("description", "")).rstrip(".")
        content_type["description"] = (
            f"{stated + '. ' if stated else ''}Optional: {DEFAULT_CONTENT_TYPE} when absent (the 200 echo fills it in)."
        )
        added.append(f"contentType default {DEFAULT_CONTENT_TYPE!r} (as {DEFAULT_EXTENSION}, so it stays optional)")
    return added
