"""An OpenAPI document as plain data: walking it, resolving its local references, and what a check reports.

Shared by the generic repairs (``contracts.document.repairs``) and our completions (``contracts.document.completions``);
pure functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


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


def escape(token: str) -> str:
    """One JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def walk(node: Any, pointer: str = "#") -> Iterator[tuple[str, Any]]:
    """Every (JSON pointer, node) pair of a document, parents before children."""
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{pointer}/{escape(str(key))}")
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


def resolve_schema(document: Json, ref: str | None) -> Any:
    """The target of a local ``$ref``, or None when there is no such reference or it points at nothing."""
    if ref is None:
        return None
    try:
        return resolve_pointer(document, ref)
    except (KeyError, TypeError, IndexError):
        return None


def refs_in(node: Any) -> Iterator[str]:
    for _, child in walk(node):
        if isinstance(child, dict) and isinstance(child.get("$ref"), str):
            yield child["$ref"]


def schemas(document: Json) -> dict[str, Any]:
    found = document.get("components", {}).get("schemas", {})
    return found if isinstance(found, dict) else {}


def schema_ref(name: str) -> str:
    return f"#/components/schemas/{escape(name)}"


def alternatives(schema: Any) -> list[str]:
    """The $refs a polymorphic schema offers in ``oneOf``/``anyOf``."""
    if not isinstance(schema, dict):
        return []
    return [
        item["$ref"]
        for keyword in ("oneOf", "anyOf")
        for item in schema.get(keyword) or []
        if isinstance(item, dict) and isinstance(item.get("$ref"), str)
    ]


def operations(document: Json) -> Iterator[tuple[str, str, Json]]:
    for path, item in (document.get("paths") or {}).items():
        for method, operation in (item or {}).items():
            if method in HTTP_METHODS:
                yield path, method, operation
