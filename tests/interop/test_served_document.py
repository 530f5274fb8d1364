"""The document a running mock serves is the file: the ecosystem's tools read ``/v1/openapi.json`` as they read
``spec/insight.yaml`` (named types, no lint findings), not a dereferenced copy with anonymous inline types."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from contracts.document import spec
from tests.interop.tools import node_tool, run


@pytest.fixture(scope="module")
def served(live_mock: str, generated: Path) -> Path:
    """The contract as the live mock serves it, saved where the tools can read it."""
    path = generated / "served-openapi.json"
    path.write_text(httpx.get(f"{live_mock}/openapi.json").text, encoding="utf-8")
    return path


def test_openapi_typescript_makes_the_same_named_types_from_the_served_url(live_mock: str, generated: Path) -> None:
    from_url, from_file = generated / "from-url.ts", generated / "from-file.ts"
    for source, target in ((f"{live_mock}/openapi.json", from_url), (spec.SERVED_PATH, from_file)):
        result = run([node_tool("openapi-typescript"), source, "-o", target])
        assert result.returncode == 0, result.stdout + result.stderr
    types = from_url.read_text(encoding="utf-8")
    assert types == from_file.read_text(encoding="utf-8")
    assert 'components["schemas"]["InsightCheckoutTransactionsReportParams"]' in types


def test_redocly_finds_nothing_in_the_served_document(served: Path) -> None:
    result = run([node_tool("redocly"), "lint", "--format=json", served])
    report = json.loads(result.stdout)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, json.dumps(report["problems"], indent=1)
