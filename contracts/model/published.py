"""What the published document itself states about the report operation's answers, read from it as it is.

The served contract completes the published one (``contracts.document.completions``): it declares more statuses, and
it types the items of ``error.errors``. The contract profile of the checker and of the proxy holds a server only to
what was published: the Error schema of ``spec/insight.upstream.yaml`` (``error.message`` required, ``code`` optional,
``errors`` items any object) and the statuses it declares with that schema. Reading them here, not copying them, keeps
the profile right when upstream publishes a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from contracts.document import spec

Json = dict[str, Any]
JSON_MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class PublishedAnswers:
    statuses: tuple[int, ...]  # every status the report operation declares
    error_statuses: tuple[int, ...]  # those whose body is the Error schema
    error_schema: Json


def _resolved(document: Json, node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = spec.resolve_pointer(document, node["$ref"])
    return node


def answers_of(document: Json) -> PublishedAnswers:
    """The report operation's (the one operation with a request body) statuses and Error schema in a document."""
    (operation,) = [op for _, _, op in spec.operations(document) if "requestBody" in op]
    statuses, error_statuses = [], []
    error_schema: Json = {}
    for status, declared in operation.get("responses", {}).items():
        statuses.append(int(status))
        media = (_resolved(document, declared).get("content") or {}).get(JSON_MEDIA_TYPE) or {}
        ref = (media.get("schema") or {}).get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[-1] == "Error":
            error_statuses.append(int(status))
            error_schema = _resolved(document, media["schema"])
    return PublishedAnswers(tuple(sorted(statuses)), tuple(sorted(error_statuses)), error_schema)


@cache
def published_answers(path: Path = spec.UPSTREAM_PATH) -> PublishedAnswers:
    """What the published document (``spec/insight.upstream.yaml``) says the report operation answers."""
    return answers_of(spec.load_yaml(spec.extract_openapi_text(path.read_text(encoding="utf-8"))))
