"""Redocly (recommended rules) and Spectral (spectral:oas) find nothing in either served document."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from contracts.document import spec
from tests.interop.tools import node_tool, run

DOCUMENTS = [spec.SERVED_PATH, spec.ADMIN_PATH]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_redocly_recommended_finds_nothing(document: Path) -> None:
    result = run([node_tool("redocly"), "lint", "--format=json", document])
    report = json.loads(result.stdout)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, json.dumps(report["problems"], indent=1)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_spectral_oas_finds_nothing(document: Path, generated: Path) -> None:
    # The ruleset is Spectral's own, unchanged: it lives with the test so that the repository needs no config file.
    ruleset = generated / "spectral-oas.yaml"
    ruleset.write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
    output = generated / f"spectral-{document.stem}.json"
    result = run(
        [node_tool("spectral"), "lint", "-r", ruleset, "-f", "json", "-o", output, "--fail-severity=hint", document]
    )
    assert json.loads(output.read_text(encoding="utf-8")) == [], output.read_text(encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr


def test_openapi_spec_validator_finds_nothing_in_the_admin_document() -> None:
    # (spec/insight.yaml has the same test in tests/contracts/test_spec.py)
    result = run([sys.executable, "-m", "openapi_spec_validator", "--validation-errors", "all", spec.ADMIN_PATH])
    assert result.returncode == 0 and "OK" in result.stdout, result.stdout + result.stderr
