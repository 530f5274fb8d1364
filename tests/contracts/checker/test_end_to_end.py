"""`insight-contracts check` as a user runs it: a command, real HTTP, Schemathesis included, on real server processes.

The default check (base URL and token) passes the real mock and the conforming server, each over HTTP with both phases;
``--profile mock`` fails the conforming server on its habits only; set-up mistakes exit 2 before any verdict (the same
command in this process). The mutants are checked in-process by ``test_checker_mutants.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.testing.live import MONTHLY, VALID_AID, free_port, wait_until_serving
from mockserver.decisions.security import mint_token
from tests.conftest import ROOT, run_cli, run_main, stop
from tests.launcher import launch

TOKEN = mint_token(("write:insight",))
HABITS = {"reason", "error-entries", "error-code", "echo", "status"}


@pytest.fixture(scope="module")
def conforming_server() -> Iterator[str]:
    port = free_port()
    process = launch("tests.conforming.server", [str(port)], env=os.environ, cwd=ROOT, output=Path(os.devnull))
    base = f"http://127.0.0.1:{port}/v1"
    try:
        url = f"{base}/accounts/{VALID_AID}/insight/generate-report"
        wait_until_serving(url, process, json=MONTHLY, headers={"Authorization": f"Bearer {TOKEN}"})
        yield base
    finally:
        stop(process)


def check(base: str, tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report = tmp_path / "report.json"
    result = run_cli(
        "check", base, "--token", TOKEN, "--report-json", str(report), *options, module="contracts.cli", timeout=240
    )
    return result, json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}


def test_the_default_check_passes_the_real_mock_with_both_phases(live_mock: str, tmp_path: Path) -> None:
    result, report = check(live_mock, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert report["failures"] == [] and report["schemathesis_exit_code"] == 0 and report["profile"] == "contract"
    assert "Profile: contract" in result.stdout and "CONTRACT KEPT" in result.stdout


def test_the_default_check_passes_the_conforming_server_with_both_phases(
    conforming_server: str, tmp_path: Path
) -> None:
    result, report = check(conforming_server, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert report["failures"] == [] and report["schemathesis_exit_code"] == 0


def test_the_mock_profile_fails_the_conforming_server_on_its_habits_only(
    conforming_server: str, tmp_path: Path
) -> None:
    result, report = check(conforming_server, tmp_path, "--profile", "mock", "--phases", "properties")
    assert result.returncode == 1, result.stdout[-4000:]
    assert report["profile"] == "mock"
    assert {failure["judgement"] for failure in report["failures"]} == HABITS
    statuses = {failure["case"] for failure in report["failures"] if failure["judgement"] == "status"}
    assert statuses == {"media application/json; charset=latin-1"}


# The set-up mistakes: the same command, run in this process (``tests.conftest.run_main``); the three checks above run
# it as a process of its own.
def check_in_process(*args: str) -> tuple[int, str]:
    result = run_main("check", *args, module="contracts.cli")
    return result.returncode, result.stderr


def test_every_token_refused_is_a_set_up_mistake_not_a_verdict(live_mock: str) -> None:
    exit_code, said = check_in_process(live_mock, "--token", "wrong")
    assert exit_code == 2, said
    assert "the token was refused:" in said and "--token" in said
    assert "Authorization" in said or "JWT" in said  # the server's own message is quoted


def test_a_base_url_without_v1_is_a_set_up_mistake_not_a_verdict(live_mock: str) -> None:
    without = live_mock.removesuffix("/v1")
    exit_code, said = check_in_process(without, "--token", TOKEN)
    assert exit_code == 2, said
    assert f"nothing at {without}" in said and "usually ends in /v1" in said


def test_an_unreachable_server_is_a_usage_error_not_a_verdict() -> None:
    exit_code, said = check_in_process(f"http://127.0.0.1:{free_port()}/v1", "--token", TOKEN)
    assert exit_code == 2 and "cannot reach" in said
