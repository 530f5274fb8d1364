"""A typed view of the served contract, computed once: variants, their allowed values, defaults, scopes, patterns.

Everything a rule needs to know about the API's vocabulary (which schedules, languages, content types and filters a
``dataType`` allows) is read here from the contract, never written by hand elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
from jsonschema.protocols import Validator

from contracts.document import spec
from contracts.model.routes import OperationRoute, route
from contracts.rules.ecma import compile_pattern
from contracts.rules.periods import SCHEDULES

Json = dict[str, Any]


def _ecma_pattern(validator: Validator, pattern: str, instance: Any, schema: Json) -> Any:
    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


# OpenAPI 3.0 schema objects are (close to) JSON Schema draft 4; patterns keep their ECMA meaning.
SchemaValidator = jsonschema.validators.extend(jsonschema.Draft4Validator, {"pattern": _ecma_pattern})


def inline_refs(document: Json, node: Any, seen: tuple[str, ...] = ()) -> Any:
    """A copy of ``node`` with every local ``$ref`` replaced by its target (the served contract has no cycles)."""
    if isinstance(node, list):
        return [inline_refs(document, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            raise ValueError(f"cyclic $ref {ref}")
        return inline_refs(document, spec.resolve_pointer(document, ref), (*seen, ref))
    return {key: inline_refs(document, value, seen) for key, value in node.items()}


@dataclass(frozen=True, repr=False)
class Variant:
    """One ``dataType`` of the report request: its standalone schema and the vocabulary it allows."""

    def __repr__(self) -> str:  # the schemas and validators are long; a failing draw should print readably
        return f"Variant({self.data_type!r})"

    data_type: str
    schema: Json
    properties: Mapping[str, Json]
    required: tuple[str, ...]
    filter_keys: tuple[str, ...]
    filter_schema: Json | None
    validator: Validator = field(repr=False, compare=False)  # explains every problem, slowly
    # jsonschema-rs: the same verdict, compiled to Rust; 50.7% less CPU per request than asking `validator`
    # (cpu_per_request --distinct 5000 --ablate, 2026-12-03)
    fast_validator: Any = field(repr=False, compare=False)

    def allowed(self, name: str) -> tuple[Any, ...]:
        """The values the contract allows for a top-level property (empty when it has no enum)."""
        return tuple(self.properties.get(name, {}).get("enum", ()))

    @cached_property
    def defaults(self) -> dict[str, Any]:
        """What the server fills in: ``x-default`` (optional in generated types), else a JSON Schema ``default``."""
        return {
            name: prop[key]
            for name, prop in self.properties.items()
            for key in ("default", spec.DEFAULT_EXTENSION)  # the extension wins when both are written
            if key in prop
        }

    @property
    def schedules(self) -> tuple[str, ...]:
        return tuple(str(value) for value in self.allowed("schedule"))


def _merged_object(schema: Json) -> tuple[Json, tuple[str, ...]]:
    """The properties and required names of a variant, over its ``allOf`` parts."""
    properties: Json = dict(schema.get("properties", {}))
    required = list(schema.get("required", []))
    for part in schema.get("allOf", []):
        sub_properties, sub_required = _merged_object(part)
        properties.update(sub_properties)
        required += [name for name in sub_required if name not in required]
    return properties, tuple(required)


def _variant(data_type: str, schema: Json) -> Variant:
    properties, required = _merged_object(schema)
    filters = properties.get("reportFilters", {}).get("items")
    filter_keys = tuple(filters.get("properties", {}).get("filter", {}).get("enum", ())) if filters else ()
    return Variant(
        data_type=data_type,
        schema=schema,
        properties=properties,
        required=required,
        filter_keys=filter_keys,
        filter_schema=filters,
        validator=SchemaValidator(schema),
        fast_validator=jsonschema_rs.Draft4Validator(schema),
    )


@dataclass(frozen=True)
class Contract:
    """The served contract and what the mock, the checker and the strategies read from it."""

    document: Json
    base_path: str
    path: str  # the report operation's path template, relative to base_path
    method: str
    operation_id: str
    discriminator: str
    variants: Mapping[str, Variant]
    required_scopes: tuple[str, ...]
    account_schema: Json
    account_pattern: re.Pattern[str]
    declared_statuses: tuple[int, ...]
    error_schema: Json
    route: OperationRoute  # the report operation's path matcher, the one the proxy and the mock share

    @property
    def data_types(self) -> tuple[str, ...]:
        return tuple(self.variants)

    def url_path(self, aid: str) -> str:
        return self.base_path + self.path.replace("{aid}", aid)


def _base_path(document: Json) -> str:
    servers = document.get("servers") or [{"url": "/"}]
    url = str(servers[0].get("url", "/"))
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    return path.rstrip("/")


def contract_from_document(document: Json) -> Contract:
    """Read the report operation's vocabulary from a served (repaired and completed) contract."""
    found = [(path, method, op) for path, method, op in spec.operations(document) if "requestBody" in op]
    if len(found) != 1:
        raise ValueError(f"expected exactly one operation with a request body, found {len(found)}")
    ((path, method, operation),) = found
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    polymorphic = spec.resolve_pointer(document, body_schema["$ref"])
    discriminator = polymorphic["discriminator"]
    variants = {
        data_type: _variant(data_type, inline_refs(document, {"$ref": ref}))
        for data_type, ref in discriminator["mapping"].items()
    }
    unknown = {s for variant in variants.values() for s in variant.schedules} - set(SCHEDULES)
    if unknown:
        raise ValueError(f"the contract names schedules that have no window rule: {sorted(unknown)}")
    (account,) = [inline_refs(document, p) for p in operation["parameters"] if inline_refs(document, p)["in"] == "path"]
    account_schema = account["schema"]
    base_path = _base_path(document)
    return Contract(
        document=document,
        base_path=base_path,
        path=path,
        method=method.upper(),
        operation_id=operation["operationId"],
        discriminator=discriminator["propertyName"],
        variants=variants,
        required_scopes=tuple(operation.get(spec.SCOPES_EXTENSION, ())),
        account_schema=account_schema,
        account_pattern=compile_pattern(account_schema["pattern"]),
        declared_statuses=tuple(sorted(int(status) for status in operation["responses"])),
        error_schema=inline_refs(document, {"$ref": "#/components/schemas/Error"}),
        route=route(method, base_path + path, operation["operationId"]),
    )


def load_contract(path: Path = spec.SERVED_PATH) -> Contract:
    return contract_from_document(spec.load_yaml(path.read_text(encoding="utf-8")))


@cache
def default_contract() -> Contract:
    """The checked-in served contract, loaded once per process."""
    return load_contract()
