"""``insight-contracts diff OLD NEW``: the changes between two versions of a contract that break clients or servers.

Direction decides. A request is written by clients and read by servers, so what NARROWS a request (a removed enum
value or variant, a new required field, a tighter pattern, length or range, a changed type) breaks the clients that
send what used to be allowed; widening it breaks nobody. A response is written by servers and read by clients, so
what WIDENS a response (a new enum value or variant, a field that may now be missing, a looser pattern or range)
breaks the clients that parse it, and a new required response field breaks the servers built to the old version.
Removed operations, parameters, media types and status codes break the clients that use them.

A response that is the request body's own schema (the Insight 200 echoes the params) is an echo: a client only gets
back what it sent, so only the request direction is judged for it.

Pure functions over two parsed documents; ``$ref`` is followed with a guard, so the upstream document's inheritance
cycle and object-valued discriminator mappings (defects D1, D2) need no repair first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from contracts.document import spec

Json = dict[str, Any]
REQUEST, RESPONSE = "request", "response"
CLIENTS, SERVERS = "clients", "servers"
BOTH = "clients and servers"
_UPPER = ("maxLength", "maximum", "maxItems", "maxProperties")
_LOWER = ("minLength", "minimum", "minItems", "minProperties")


@dataclass(frozen=True)
class Change:
    """One breaking change: where (a JSON pointer into the new document, or the old one when removed), whom it
    breaks, what kind of change it is, and what a spec owner should know to act on it."""

    location: str
    breaks: str
    kind: str
    message: str


def _escape(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _resolve(document: Json, node: Any, pointer: str, seen: frozenset[str]) -> tuple[Any, str, frozenset[str]]:
    """Follow ``$ref`` chains; the pointer follows to the definition. A ref already on the path ends the walk."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            return None, ref, seen
        seen = seen | {ref}
        node, pointer = spec.resolve_pointer(document, ref), ref
    return node, pointer, seen


@dataclass(frozen=True)
class _Side:
    document: Json
    node: Any
    pointer: str
    seen: frozenset[str]


def _flatten(side: _Side) -> tuple[Json, dict[str, _Side], str]:
    """A schema with its ``allOf`` parts merged: keywords, properties (each with where it is defined), required.

    ``merged["required"]`` maps each required name to the pointer of the schema that requires it.
    """
    node, pointer, seen = _resolve(side.document, side.node, side.pointer, side.seen)
    merged: Json = {"required": {}}
    properties: dict[str, _Side] = {}
    if not isinstance(node, dict):
        return merged, properties, pointer
    for key, value in node.items():
        if key not in ("allOf", "properties", "required"):
            merged[key] = value
    merged["required"] = dict.fromkeys(node.get("required", []), pointer)
    for name, schema in (node.get("properties") or {}).items():
        properties[name] = _Side(side.document, schema, f"{pointer}/properties/{_escape(name)}", seen)
    for index, part in enumerate(node.get("allOf", [])):
        part_merged, part_properties, _ = _flatten(_Side(side.document, part, f"{pointer}/allOf/{index}", seen))
        for name, sub in part_properties.items():
            properties.setdefault(name, sub)
        for name, origin in part_merged.pop("required", {}).items():
            merged["required"].setdefault(name, origin)
        for key, value in part_merged.items():
            if key not in ("oneOf", "anyOf", "discriminator"):  # a part that is the polymorphic parent (D2)
                merged.setdefault(key, value)
    return merged, properties, pointer


def _variants(document: Json, schema: Json, pointer: str, seen: frozenset[str]) -> dict[str, _Side]:
    """The alternatives of a ``oneOf``/``anyOf``, keyed by discriminator value when there is a mapping."""
    mapping = (schema.get("discriminator") or {}).get("mapping") or {}
    found: dict[str, _Side] = {}
    for value, target in mapping.items():
        ref = target.get("$ref") if isinstance(target, dict) else target  # D1: a {$ref} object instead of a string
        found[str(value)] = _Side(document, {"$ref": ref}, f"{pointer}/discriminator/mapping/{_escape(value)}", seen)
    if found:
        return found
    for keyword in ("oneOf", "anyOf"):
        for index, alternative in enumerate(schema.get(keyword) or []):
            name = alternative.get("$ref", f"{keyword}[{index}]") if isinstance(alternative, dict) else str(index)
            found[name] = _Side(document, alternative, f"{pointer}/{keyword}/{index}", seen)
    return found


def _reader(direction: str) -> str:
    return "servers" if direction == REQUEST else "clients"


def compare_schemas(old: _Side, new: _Side, direction: str) -> Iterator[Change]:
    """The breaking differences between two versions of one schema, read in a direction."""
    before, old_properties, _ = _flatten(old)
    after, new_properties, where = _flatten(new)
    if not before and not after:
        return
    request = direction == REQUEST
    if before.get("type") and after.get("type") and before["type"] != after["type"]:
        yield Change(
            where + "/type", BOTH, "type-changed", f"the type changed from {before['type']} to {after['type']}"
        )
    yield from _compare_enums(before, after, where, request)
    yield from _compare_bounds(before, after, where, request)
    for keyword in ("pattern", "format"):
        # A request is narrowed by a new or changed constraint; an answer is widened by a changed or dropped one.
        if before.get(keyword) != after.get(keyword) and (after.get(keyword) if request else before.get(keyword)):
            effect = "values valid before may be refused" if request else "answers outside the old one may be sent"
            was = f"{before[keyword]!r}" if before.get(keyword) is not None else "none"
            now = f"{after[keyword]!r}" if after.get(keyword) is not None else "none"
            yield Change(
                f"{where}/{keyword}",
                CLIENTS,
                f"{keyword}-changed",
                f"the {keyword} changed from {was} to {now}: {effect}",
            )
    if request and before.get("additionalProperties", True) is not False and after.get("additionalProperties") is False:
        yield Change(
            where + "/additionalProperties",
            CLIENTS,
            "closed-object",
            "additionalProperties is now false: clients that send any other key are refused",
        )
    added_required = [name for name in after["required"] if name not in before["required"]]
    dropped_required = [name for name in before["required"] if name not in after["required"]]
    for name in added_required:
        declared = after["required"][name] + "/required"
        if request:
            yield Change(
                declared,
                CLIENTS,
                "new-required-field",
                f"'{name}' is now required: clients that omit it are refused",
            )
        else:
            yield Change(
                declared,
                SERVERS,
                "new-required-field",
                f"'{name}' is now required in answers: servers built to the old version omit it",
            )
    if not request:
        for name in dropped_required:
            yield Change(
                before["required"][name] + "/required",
                CLIENTS,
                "field-may-be-missing",
                f"'{name}' is no longer required: clients that read it may find it missing",
            )
    for name, old_property in old_properties.items():
        if name not in new_properties:
            who, effect = (
                (CLIENTS, "clients that send it may have it ignored or refused")
                if request
                else (CLIENTS, "clients that read it no longer get it")
            )
            yield Change(old_property.pointer, who, "removed-field", f"the field '{name}' was removed: {effect}")
        else:
            yield from compare_schemas(old_property, new_properties[name], direction)
    if "items" in before and "items" in after:
        yield from compare_schemas(
            _Side(old.document, before["items"], where + "/items", old.seen),
            _Side(new.document, after["items"], where + "/items", new.seen),
            direction,
        )
    old_variants = _variants(old.document, before, where, old.seen)
    new_variants = _variants(new.document, after, where, new.seen)
    for name, variant in old_variants.items():
        if name not in new_variants:
            if request:
                yield Change(
                    variant.pointer,
                    CLIENTS,
                    "removed-variant",
                    f"the variant '{name}' was removed: clients that send it are refused",
                )
        else:
            yield from compare_schemas(variant, new_variants[name], direction)
    if not request:
        for name, variant in new_variants.items():
            if name not in old_variants and old_variants:
                yield Change(
                    variant.pointer,
                    CLIENTS,
                    "new-variant",
                    f"a new variant '{name}' may be answered: clients that do not know it fail",
                )


def _compare_enums(before: Json, after: Json, where: str, request: bool) -> Iterator[Change]:
    old_values, new_values = before.get("enum"), after.get("enum")
    if old_values is None and new_values is None:
        return
    if request:
        if old_values is None:
            yield Change(
                where + "/enum",
                CLIENTS,
                "new-enum",
                f"the value is now limited to {new_values}: other values are refused",
            )
            return
        for value in old_values:
            if new_values is not None and value not in new_values:
                yield Change(
                    where + "/enum",
                    CLIENTS,
                    "removed-enum-value",
                    f"the value {value!r} was removed: clients that send it are refused",
                )
    else:
        if new_values is None:
            yield Change(where + "/enum", CLIENTS, "enum-removed", f"the answer is no longer limited to {old_values}")
            return
        for value in new_values:
            if old_values is not None and value not in old_values:
                yield Change(
                    where + "/enum",
                    CLIENTS,
                    "new-enum-value",
                    f"the value {value!r} may now be answered: clients that do not know it fail",
                )


def _compare_bounds(before: Json, after: Json, where: str, request: bool) -> Iterator[Change]:
    for keyword in (*_UPPER, *_LOWER):
        old_limit, new_limit = before.get(keyword), after.get(keyword)
        if old_limit == new_limit or (old_limit is None and new_limit is None):
            continue
        upper = keyword in _UPPER
        if new_limit is None:
            narrower = False
        elif old_limit is None:
            narrower = True
        else:
            narrower = new_limit < old_limit if upper else new_limit > old_limit
        if narrower == request:
            what = "narrowed" if narrower else "widened"
            effect = "values valid before are refused" if request else "clients may get values they do not expect"
            yield Change(
                f"{where}/{keyword}",
                CLIENTS,
                f"{keyword}-{what}",
                f"{keyword} {what} from {old_limit} to {new_limit}: {effect}",
            )


def _operations(document: Json) -> dict[tuple[str, str], Json]:
    return {(path, method): operation for path, method, operation in spec.operations(document)}


def _operation_pointer(path: str, method: str) -> str:
    return f"#/paths/{_escape(path)}/{method}"


def _parameters(document: Json, operation: Json, here: str) -> dict[tuple[str, str], tuple[Json, str]]:
    found = {}
    for index, parameter in enumerate(operation.get("parameters") or []):
        resolved, pointer, _ = _resolve(document, parameter, f"{here}/parameters/{index}", frozenset())
        if isinstance(resolved, dict):
            found[(str(resolved.get("in")), str(resolved.get("name")))] = (resolved, pointer)
    return found


def _media(document: Json, node: Any, pointer: str) -> tuple[dict[str, Any], str]:
    resolved, pointer, _ = _resolve(document, node, pointer, frozenset())
    return ((resolved or {}).get("content") or {}), pointer


def _body_ref(operation: Json) -> str | None:
    content = (operation.get("requestBody") or {}).get("content") or {}
    return next((media.get("schema", {}).get("$ref") for media in content.values() if isinstance(media, dict)), None)


def compare_operations(old: Json, new: Json, key: tuple[str, str]) -> Iterator[Change]:
    old_operation, new_operation = _operations(old)[key], _operations(new)[key]
    here = _operation_pointer(*key)
    new_parameters = _parameters(new, new_operation, here)
    old_parameters = _parameters(old, old_operation, here)
    for name, (parameter, pointer) in old_parameters.items():
        if name not in new_parameters:
            yield Change(pointer, CLIENTS, "removed-parameter", f"the {name[0]} parameter '{name[1]}' was removed")
            continue
        current, current_pointer = new_parameters[name]
        if current.get("required") and not parameter.get("required"):
            yield Change(
                current_pointer,
                CLIENTS,
                "parameter-now-required",
                f"the {name[0]} parameter '{name[1]}' is now required",
            )
        yield from compare_schemas(
            _Side(old, parameter.get("schema", {}), f"{pointer}/schema", frozenset()),
            _Side(new, current.get("schema", {}), f"{current_pointer}/schema", frozenset()),
            REQUEST,
        )
    for name, (parameter, pointer) in new_parameters.items():
        if name not in old_parameters and parameter.get("required"):
            yield Change(pointer, CLIENTS, "new-required-parameter", f"a new required {name[0]} parameter '{name[1]}'")
    old_body, new_body = old_operation.get("requestBody") or {}, new_operation.get("requestBody") or {}
    if new_body.get("required") and not old_body.get("required") and old_body:
        yield Change(f"{here}/requestBody/required", CLIENTS, "body-now-required", "the request body is now required")
    old_content, _ = _media(old, old_body, f"{here}/requestBody")
    new_content, body_pointer = _media(new, new_body, f"{here}/requestBody")
    for media_type, media in old_content.items():
        location = f"{body_pointer}/content/{_escape(media_type)}"
        if media_type not in new_content:
            yield Change(
                location, CLIENTS, "removed-media-type", f"request bodies in {media_type} are no longer accepted"
            )
            continue
        yield from compare_schemas(
            _Side(old, media.get("schema", {}), location + "/schema", frozenset()),
            _Side(new, new_content[media_type].get("schema", {}), location + "/schema", frozenset()),
            REQUEST,
        )
    yield from _compare_responses(old, new, old_operation, new_operation, here)
    old_scopes = set(spec.scopes_from_prose(str(old_operation.get("description", ""))))
    new_scopes = set(spec.scopes_from_prose(str(new_operation.get("description", ""))))
    for scope in sorted(old_scopes - new_scopes):
        yield Change(
            f"{here}/description",
            CLIENTS,
            "removed-scope",
            f"the scope {scope} is no longer listed: tokens with only it may be refused",
        )


def _compare_responses(old: Json, new: Json, old_operation: Json, new_operation: Json, here: str) -> Iterator[Change]:
    old_responses, new_responses = old_operation.get("responses") or {}, new_operation.get("responses") or {}
    echo = _body_ref(new_operation)
    for status, response in old_responses.items():
        location = f"{here}/responses/{_escape(status)}"
        if status not in new_responses:
            yield Change(
                location,
                BOTH,
                "removed-response",
                f"the {status} response was removed: clients that handle it and servers that answer it no longer match",
            )
            continue
        old_content, _ = _media(old, response, location)
        new_content, pointer = _media(new, new_responses[status], location)
        for media_type, media in old_content.items():
            media_location = f"{pointer}/content/{_escape(media_type)}"
            if media_type not in new_content:
                yield Change(
                    media_location, CLIENTS, "removed-media-type", f"the {status} response is no longer {media_type}"
                )
                continue
            new_schema = new_content[media_type].get("schema", {})
            if echo is not None and new_schema.get("$ref") == echo:
                continue  # an echo of the request body: judged in the request direction
            yield from compare_schemas(
                _Side(old, media.get("schema", {}), media_location + "/schema", frozenset()),
                _Side(new, new_schema, media_location + "/schema", frozenset()),
                RESPONSE,
            )


def breaking_changes(old: Json, new: Json) -> list[Change]:
    """Every change from ``old`` to ``new`` that breaks clients or servers, each once, in document order."""
    changes: list[Change] = []
    old_operations, new_operations = _operations(old), _operations(new)
    for key in old_operations:
        if key not in new_operations:
            path, method = key
            changes.append(
                Change(
                    _operation_pointer(path, method),
                    CLIENTS,
                    "removed-operation",
                    f"{method.upper()} {path} was removed",
                )
            )
        else:
            changes += compare_operations(old, new, key)
    return list(dict.fromkeys(changes))


# What a spec owner can do about each kind of change, to ship it without breaking anyone.
ADVICE = {
    "removed-enum-value": "keep the value, marked deprecated in its description, until no client sends it",
    "removed-variant": "keep the variant, marked deprecated, until no client sends it",
    "new-required-field": "make the field optional with a documented default, or require it only in a new version",
    "new-enum": "list every value clients send today, or enforce the limit only in a new version",
    "pattern-changed": "accept the old values as well, or announce the stricter rule before enforcing it",
    "format-changed": "accept the old values as well, or announce the stricter rule before enforcing it",
    "closed-object": "keep additionalProperties open, or announce the stricter rule before enforcing it",
    "type-changed": "add a field with the new type beside the old one and deprecate the old one",
    "removed-field": "keep the field, marked deprecated, for a transition period",
    "removed-parameter": "keep the parameter, marked deprecated, for a transition period",
    "parameter-now-required": "give the parameter a default instead",
    "new-required-parameter": "make the parameter optional with a default",
    "body-now-required": "keep the body optional",
    "removed-media-type": "keep accepting or answering that media type for a transition period",
    "removed-response": "keep declaring the status while servers may still answer it",
    "removed-operation": "keep the operation with `deprecated: true` for a transition period",
    "removed-scope": "keep accepting tokens with the old scope for a transition period",
    "new-enum-value": "document that clients must tolerate unknown values, or send the new one only to those who ask",
    "enum-removed": "keep the answer's enum, or document that clients must tolerate unknown values",
    "new-variant": "document that clients must tolerate unknown variants, or answer it only to those who ask",
    "field-may-be-missing": "keep the field required in answers, or document when it is missing",
}


def advice(change: Change) -> str:
    if change.kind.endswith("-narrowed"):
        return "accept the old range as well, or announce the stricter limit before enforcing it"
    if change.kind.endswith("-widened"):
        return "keep the old limit in answers, or document the new one so that clients accept it first"
    return ADVICE.get(change.kind, "ship it in a new major version of the API")


FAIL_ON = ("any", CLIENTS, SERVERS)


def breaks(change: Change, whom: str) -> bool:
    """Whether a change breaks ``whom`` (``clients`` or ``servers``); ``any`` matches every change."""
    return whom == "any" or change.breaks in (whom, BOTH)


def failing(changes: list[Change], fail_on: str = "any") -> list[Change]:
    """The changes that fail ``diff --fail-on``: all of them, or only those that break clients, or servers."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    return [change for change in changes if breaks(change, fail_on)]


def render(changes: list[Change]) -> str:
    if not changes:
        return "no breaking changes"
    counts = ", ".join(f"{sum(breaks(c, whom) for c in changes)} break {whom}" for whom in (CLIENTS, SERVERS))
    lines = [f"{len(changes)} breaking change(s) ({counts}):"]
    for change in changes:
        lines.append(f"  {change.kind} at {change.location}\n    breaks {change.breaks}: {change.message}")
        lines.append(f"    to ship it without breaking them: {advice(change)}")
    return "\n".join(lines)
