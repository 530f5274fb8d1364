"""`insight-contracts lint` and `spec build` are the commands; `insight-mock lint` and `spec build` stay as aliases."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from contracts.document import spec
from tests.conftest import run_main


def run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_main(*args, module=module)


@pytest.mark.parametrize("module", ["contracts.cli", "mockserver.cli"])
def test_lint_reports_the_upstream_defects_under_both_spellings(module: str) -> None:
    result = run(module, "lint", str(spec.UPSTREAM_PATH))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "repaired, 0 not repaired" in result.stdout


@pytest.mark.parametrize("module", ["contracts.cli", "mockserver.cli"])
def test_spec_build_check_names_the_command_to_run_when_the_file_drifted(module: str, tmp_path: Path) -> None:
    stale = tmp_path / "insight.yaml"
    stale.write_text(spec.served_contract_text() + "# edited by hand\n", encoding="utf-8")
    result = run(module, "spec", "build", "--check", "--output", str(stale))
    assert result.returncode == 1 and "run `insight-contracts spec build`" in result.stderr
    assert run(module, "spec", "build", "--output", str(stale)).returncode == 0
    assert run(module, "spec", "build", "--check", "--output", str(stale)).returncode == 0
