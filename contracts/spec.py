"""Turn the published Insight document into the contract we serve: find its defects, repair them, complete it.

Two kinds of change, kept apart on purpose:

* **repairs** (``repair``) are generic: they would fix any OpenAPI 3.0 document with the same defects, whatever its
  schema names: ``discriminator.mapping`` values written as ``{$ref: ...}`` objects, a sub-schema whose ``allOf``
  refers back to the polymorphic schema that lists it (a cycle no validator can evaluate), and a regular expression
  written in ``format`` instead of ``pattern``;
* **completions** (``complete``) are ours and explicit: they declare what the upstream prose states but the schemas do
  not (``from``/``to``, the scopes, the default ``contentType``, the error responses every real server sends).

Nothing here does I/O beyond reading and writing the files it is given.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from contracts.ecma import ascii_digits
from contracts.rules import BOUND_PATTERN, valid_window

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
UPSTREAM_PATH = SPEC_DIR / "insight.upstream.yaml"
SERVED_PATH = SPEC_DIR / "insight.yaml"
ADMIN_PATH = SPEC_DIR / "mock-admin.yaml"

Json = dict[str, Any]

# Formats OpenAPI 3.0 and JSON Schema define; anything else in ``format`` is custom (and allowed) unless it is a regex.
KNOWN_FORMATS = frozenset(
    {
        *("int32", "int64", "float", "double", "byte", "binary", "password", "regex"),
        *("date", "date-time", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6"),
        *("uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template", "json-pointer"),
        "relative-json-pointer",
    }
)
_REGEX_HINT = re.compile(r"[\^$\\\[\]{}()|*+?]")


@dataclass(frozen=True)
class Finding:
    """One defect of a document: where, what is wrong, and what (if anything) was done about it."""

    defect: str
    location: str
    problem: str
    repair: str | None  # None: not repairable by this tool

    @property
    def repaired(self) -> bool:
        return self.repair is not None


# --- reading ---------------------------------------------------------------------------------------------------------


def extract_openapi_text(text: str) -> str:
    """The YAML of a document; accepts the bare YAML or a Markdown page with the YAML in a ```` ```` ```` fence."""
    fence = re.search(r"^(`{3,})ya?ml[^\n]*\n(.*?)^\1\s*$", text, re.S | re.M)
    return fence.group(2) if fence else text


# libyaml's loader when PyYAML was built with it: the same safe subset, several times faster at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Json:
    document = yaml.load(text, Loader=_SAFE_LOADER)
    if not isinstance(document, dict):
        raise ValueError("the document is not a YAML mapping")
    return document


def dump_yaml(document: Json) -> str:
    # PyYAML quotes strings such as 'no' that YAML 1.1 would read as booleans, so D8 cannot come back.
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)


# --- walking ---------------------------------------------------------------------------------------------------------


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def walk(node: Any, pointer: str = "#") -> Iterator[tuple[str, Any]]:
    """Every (JSON pointer, node) pair of a document, parents before children."""
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{pointer}/{_escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{pointer}/{index}")


def resolve_pointer(document: Json, ref: str) -> Any:
    if not ref.startswith("#/"):
        raise KeyError(f"only local references are supported: {ref}")
    node: Any = document
    for token in ref[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _refs_in(node: Any) -> Iterator[str]:
    for _, child in walk(node):
        if isinstance(child, dict) and isinstance(child.get("$ref"), str):
            yield child["$ref"]


# --- repairs (generic) -----------------------------------------------------------------------------------------------


def repair_discriminator_mappings(document: Json) -> list[Finding]:
    """D1: OpenAPI 3.0 requires ``discriminator.mapping`` values to be strings; a ``{$ref: X}`` object becomes ``X``."""
    findings = []
    for pointer, node in walk(document):
        if not (isinstance(node, dict) and isinstance(node.get("discriminator"), dict)):
            continue
        mapping = node["discriminator"].get("mapping") or {}
        for value, target in list(mapping.items()):
            where = f"{pointer}/discriminator/mapping/{_escape(str(value))}"
            if isinstance(target, str):
                continue
            if isinstance(target, dict) and set(target) == {"$ref"} and isinstance(target["$ref"], str):
                mapping[value] = target["$ref"]
                findings.append(
                    Finding(
                        "discriminator-mapping-not-a-string",
                        where,
                        "a discriminator mapping value is an object {$ref: ...}; OpenAPI 3.0 requires a string",
                        f"replaced by the string {target['$ref']!r}",
                    )
                )
            else:
                findings.append(
                    Finding(
                        "discriminator-mapping-invalid",
                        where,
                        f"a discriminator mapping value is neither a string nor a $ref: {target!r}",
                        None,
                    )
                )
    return findings


def _schemas(document: Json) -> dict[str, Any]:
    schemas = document.get("components", {}).get("schemas", {})
    return schemas if isinstance(schemas, dict) else {}


def _schema_ref(name: str) -> str:
    return f"#/components/schemas/{_escape(name)}"


def _alternatives(schema: Any) -> list[str]:
    """The $refs a polymorphic schema offers in ``oneOf``/``anyOf``."""
    if not isinstance(schema, dict):
        return []
    return [
        item["$ref"]
        for keyword in ("oneOf", "anyOf")
        for item in schema.get(keyword) or []
        if isinstance(item, dict) and isinstance(item.get("$ref"), str)
    ]


def repair_inheritance_cycles(document: Json) -> list[Finding]:
    """D2: a sub-schema whose ``allOf`` includes the polymorphic schema that lists it in ``oneOf``/``anyOf``.

    The sub-schema then contains itself on the same instance: validators recurse forever. The intent of such an
    ``allOf`` entry is "inherit the parent's own constraints"; we keep those (everything but the composition and the
    discriminator) and drop the back-reference. When the parent has no constraints of its own, the entry disappears.
    """
    findings = []
    schemas = _schemas(document)
    for name, schema in schemas.items():
        if not isinstance(schema, dict) or not isinstance(schema.get("allOf"), list):
            continue
        own_ref = _schema_ref(name)
        kept = []
        for index, item in enumerate(schema["allOf"]):
            ref = item.get("$ref") if isinstance(item, dict) else None
            parent = _resolve_schema(document, ref)
            if ref is None or own_ref not in _alternatives(parent):
                kept.append(item)
                continue
            inherited = {
                key: copy.deepcopy(value)
                for key, value in parent.items()
                if key not in ("oneOf", "anyOf", "discriminator")
            }
            if inherited:
                kept.append(inherited)
            findings.append(
                Finding(
                    "inheritance-cycle",
                    f"{own_ref}/allOf/{index}",
                    f"{name} includes {ref} in allOf, and {ref} lists {name} in oneOf/anyOf: "
                    "a schema that contains itself, which validators evaluate forever",
                    "removed the back-reference"
                    + (f" and kept the parent's own keywords {sorted(inherited)}" if inherited else ""),
                )
            )
        schema["allOf"] = kept
    return findings


def _resolve_schema(document: Json, ref: str | None) -> Any:
    if ref is None:
        return None
    try:
        return resolve_pointer(document, ref)
    except (KeyError, TypeError):
        return None


def repair_regex_formats(document: Json) -> list[Finding]:
    """D3: a regular expression written as ``format`` is enforced by no tool; it belongs in ``pattern``."""
    findings = []
    for pointer, node in walk(document):
        if not isinstance(node, dict) or not isinstance(node.get("format"), str):
            continue
        value = node["format"]
        if value in KNOWN_FORMATS or not _REGEX_HINT.search(value):
            continue
        try:
            re.compile(value)
        except re.error:
            continue
        pattern = ascii_digits(value)
        if "pattern" in node and node["pattern"] != pattern:
            repair = f"dropped the format; the schema already has pattern {node['pattern']!r}"
        else:
            node["pattern"] = pattern
            repair = f"moved it to pattern {pattern!r}"
        del node["format"]
        findings.append(
            Finding(
                "regex-in-format",
                f"{pointer}/format",
                f"format is the regular expression '{value}'; "
                "validators ignore unknown formats, so it is never enforced",
                repair,
            )
        )
    return findings


def find_unrepaired_cycles(document: Json) -> list[Finding]:
    """Cycles that consume no instance depth (allOf/oneOf/anyOf/not only) and that ``repair`` could not remove."""
    schemas = _schemas(document)
    edges: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        composed = [
            item
            for keyword in ("allOf", "oneOf", "anyOf")
            for item in (schema.get(keyword) or [] if isinstance(schema, dict) else [])
        ]
        if isinstance(schema, dict) and isinstance(schema.get("not"), dict):
            composed.append(schema["not"])
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            composed.append(schema)
        edges[_schema_ref(name)] = {ref for item in composed for ref in _refs_in(item) if ref.startswith("#/")}
    findings = []
    for start in edges:
        seen, stack = set(), list(edges[start])
        while stack:
            ref = stack.pop()
            if ref == start:
                findings.append(
                    Finding(
                        "composition-cycle",
                        start,
                        f"{start} contains itself through allOf/oneOf/anyOf/not without consuming any input",
                        None,
                    )
                )
                break
            if ref not in seen:
                seen.add(ref)
                stack.extend(edges.get(ref, ()))
    return findings


def find_dangling_refs(document: Json) -> list[Finding]:
    findings = []
    for pointer, node in walk(document):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                resolve_pointer(document, node["$ref"])
            except (KeyError, TypeError, IndexError):
                findings.append(Finding("dangling-ref", pointer, f"{node['$ref']} points at nothing", None))
    return findings


def repair(document: Json) -> tuple[Json, list[Finding]]:
    """A repaired copy of the document, and what was found. The input is not changed."""
    repaired = copy.deepcopy(document)
    findings = [
        *repair_discriminator_mappings(repaired),
        *repair_inheritance_cycles(repaired),
        *repair_regex_formats(repaired),
    ]
    findings += find_unrepaired_cycles(repaired) + find_dangling_refs(repaired)
    return repaired, findings


# --- completions (ours, explicit) ------------------------------------------------------------------------------------

WINDOW_BOUNDS = {
    "from": "First day of the report period (included): a date, or a date-time at local midnight.",
    "to": "Day after the last day of the report period (excluded), in the same form and offset as 'from'.",
}
WINDOW_RULE_TEXT = (
    "'from' and 'to' must match the schedule: daily = any day to the next day; weekly = a Monday to the Monday after; "
    "twice-a-month = the 1st to the 16th, or the 16th to the 1st of the next month; monthly = the 1st to the 1st of "
    "the next month. Dates lie within 2000-01-01 <= from and to <= 2100-01-01."
)
DEFAULT_CONTENT_TYPE = "text/csv"
SCOPES_EXTENSION = "x-required-scopes"
ERROR_RESPONSES = {
    "404": ("NotFound", "No such route or account"),
    "405": ("MethodNotAllowed", "Method not allowed on this route"),
    "413": ("PayloadTooLarge", "Request body too large"),
    "415": ("UnsupportedMediaType", "Request body is not application/json"),
}
_PROSE_SCOPES = re.compile(r"\*\*scopes\*\*:\s*\n((?:\s*-\s*\S+\s*\n?)+)")


def operations(document: Json) -> Iterator[tuple[str, str, Json]]:
    for path, item in (document.get("paths") or {}).items():
        for method, operation in (item or {}).items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                yield path, method, operation


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
    schema = _resolve_schema(document, schema.get("$ref")) or schema
    alternatives = [_resolve_schema(document, ref) for ref in _alternatives(schema)]
    return [variant for variant in alternatives if isinstance(variant, dict)] or [schema]


def _variant_properties(variant: Json) -> Json:
    """The object schema inside a variant that declares its properties (variants here use allOf)."""
    for part in variant.get("allOf") or []:
        if isinstance(part, dict) and "properties" in part:
            return part
    return variant


def complete(document: Json) -> tuple[Json, list[Finding]]:
    """Our completions, on a copy: what the prose requires and the schemas leave out, each reported as a finding."""
    completed = copy.deepcopy(document)
    findings: list[Finding] = []
    responses = completed.setdefault("components", {}).setdefault("responses", {})
    for name, description in ERROR_RESPONSES.values():
        error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        responses.setdefault(name, {"description": description, "content": error_content})
    responses["MethodNotAllowed"].setdefault(
        "headers", {"Allow": {"description": "The methods the route accepts", "schema": {"type": "string"}}}
    )
    for path, method, operation in operations(completed):
        where = f"#/paths/{_escape(path)}/{method}"
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
    return completed, findings


EXAMPLE_DAY = date(2026, 11, 1)


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
                "pattern": BOUND_PATTERN,
                "description": f"{description} {WINDOW_RULE_TEXT}",
            }
            added.append(f"'{name}' (required, date or midnight date-time)")
    required = body.setdefault("required", [])
    required += [name for name in WINDOW_BOUNDS if name not in required]
    content_type = properties.get("contentType")
    if content_type and DEFAULT_CONTENT_TYPE in content_type.get("enum", []) and "default" not in content_type:
        content_type["default"] = DEFAULT_CONTENT_TYPE
        added.append(f"contentType default {DEFAULT_CONTENT_TYPE!r}")
    return added


# --- the whole pipeline ----------------------------------------------------------------------------------------------


def build_served_contract(upstream_text: str) -> tuple[Json, list[Finding]]:
    """The served contract for an upstream document (bare YAML or the Markdown page), and the defects found in it."""
    yaml_text = extract_openapi_text(upstream_text)
    repaired, findings = repair(load_yaml(yaml_text))
    served, completions = complete(repaired)
    served["info"]["x-generated-from"] = {
        "file": UPSTREAM_PATH.name,
        "sha256": hashlib.sha256(yaml_text.encode("utf-8")).hexdigest(),
        "by": "insight-mock spec build",
    }
    return served, findings + completions


def served_contract_text(upstream_path: Path = UPSTREAM_PATH) -> str:
    served, _ = build_served_contract(upstream_path.read_text(encoding="utf-8"))
    return dump_yaml(served)
