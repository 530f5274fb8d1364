"""`insight-contracts check` passes on the real mock and fails, with a readable reason, on each broken variant."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from mockserver.security import mint_token
from tests.conftest import ROOT, free_port, stop, wait_until_serving
from tests.contracts.mutants import MUTANTS

TOKEN = mint_token(("write:insight",))
EXAMPLES = "10"
SEED = "20261125"
# What the summary must say for each mutant: the reason a user reads.
REASONS = {
    "orders-accept-monthly": "schedule-not-allowed",
    "ignores-window": "window-start",
    "skips-auth": "auth-required",
    "echoes-wrong-params": "the 200 echo differs",
    "rejects-second-half-of-month": "valid-params-accepted",
    "window-errors-are-422": "not 400",
    "skips-account-check": "account-id-pattern",
    "crashes-on-filters": "valid-params-accepted",
    "problem-json": "application/problem+json",
}


def check(base_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "contracts.cli",
            "check",
            base_url,
            "--token",
            TOKEN,
            "--examples",
            EXAMPLES,
            "--seed",
            SEED,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture
def mutant(request: pytest.FixtureRequest) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.contracts.mutants", request.param, str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    wait_until_serving(f"{base}/openapi.json", process)
    yield base
    stop(process)


def test_the_check_passes_on_the_real_mock(live_mock: str) -> None:
    result = check(live_mock)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "CONTRACT KEPT" in result.stdout and "Schemathesis phase: passed" in result.stdout


@pytest.mark.parametrize("mutant", list(MUTANTS), indirect=True)
def test_the_check_fails_on_each_broken_mock_and_says_why(mutant: str, request: pytest.FixtureRequest) -> None:
    name = request.node.callspec.params["mutant"]
    result = check(mutant)
    assert result.returncode == 1, result.stdout[-4000:]
    assert "CONTRACT BROKEN" in result.stdout
    assert REASONS[name] in result.stdout, result.stdout[-4000:]


def test_the_check_refuses_success_when_nothing_got_a_2xx(live_mock: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "contracts.cli",
            "check",
            live_mock,
            "--token",
            "wrong",
            "--examples",
            "3",
            "--phases",
            "properties",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1
    assert "No request got a 2xx answer" in result.stdout and "Is the token right" in result.stdout


def test_an_unreachable_server_is_a_usage_error_not_a_verdict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contracts.cli", "check", f"http://127.0.0.1:{free_port()}/v1", "--token", TOKEN],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2 and "cannot reach" in result.stderr
