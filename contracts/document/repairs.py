"""Generic repairs: they fix any OpenAPI 3.0 document with the same defects, whatever its schema names.

* D1: ``discriminator.mapping`` values written as ``{$ref: ...}`` objects (OpenAPI 3.0 requires strings);
* D2: a sub-schema whose ``allOf`` refers back to the polymorphic schema that lists it (a cycle no validator can
  evaluate);
* D3: a regular expression written in ``format`` instead of ``pattern`` (no tool enforces it).

Cycles and dangling references the repairs cannot fix are reported as not repaired. Pure functions on plain data.
"""

from __future__ import annotations

import copy
import re

from contracts.document.walk import (
    Finding,
    Json,
    alternatives,
    escape,
    refs_in,
    resolve_pointer,
    resolve_schema,
    schema_ref,
    schemas,
    walk,
)
from contracts.rules.ecma import ascii_digits

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


def repair_discriminator_mappings(document: Json) -> list[Finding]:
    """D1: OpenAPI 3.0 requires ``discriminator.mapping`` values to be strings; a ``{$ref: X}`` object becomes ``X``."""
    findings = []
    for pointer, node in walk(document):
        if not (isinstance(node, dict) and isinstance(node.get("discriminator"), dict)):
            continue
        mapping = node["discriminator"].get("mapping") or {}
        for value, target in list(mapping.items()):
            where = f"{pointer}/discriminator/mapping/{escape(str(value))}"
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


def repair_inheritance_cycles(document: Json) -> list[Finding]:
    """D2: a sub-schema whose ``allOf`` includes the polymorphic schema that lists it in ``oneOf``/``anyOf``.

    The sub-schema then contains itself on the same instance: validators recurse forever. The intent of such an
    ``allOf`` entry is "inherit the parent's own constraints"; we keep those (everything but the composition and the
    discriminator) and drop the back-reference. When the parent has no constraints of its own, the entry disappears.
    """
    findings = []
    for name, schema in schemas(document).items():
        if not isinstance(schema, dict) or not isinstance(schema.get("allOf"), list):
            continue
        own_ref = schema_ref(name)
        kept = []
        for index, item in enumerate(schema["allOf"]):
            ref = item.get("$ref") if isinstance(item, dict) else None
            parent = resolve_schema(document, ref)
            if ref is None or own_ref not in alternatives(parent):
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
    edges: dict[str, set[str]] = {}
    for name, schema in schemas(document).items():
        composed = [
            item
            for keyword in ("allOf", "oneOf", "anyOf")
            for item in (schema.get(keyword) or [] if isinstance(schema, dict) else [])
        ]
        if isinstance(schema, dict) and isinstance(schema.get("not"), dict):
            composed.append(schema["not"])
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            composed.append(schema)
        edges[schema_ref(name)] = {ref for item in composed for ref in refs_in(item) if ref.startswith("#/")}
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
