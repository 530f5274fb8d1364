"""`insight-contracts check`, with its defaults, passes the real mock and kills every mutant, each for its exact rule.

The real mock is checked alone first (its time is the time of one default run, which must be under 15 s), then every
mutant of ``tests.contracts.checker.mutants`` is started and checked in a pool of a few at a time, once per module; the
tests then read the verdicts. Each check is the default one (base URL and token; ``--report-json`` only to read the
verdict).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from contracts.testing.live import free_port, wait_until_serving
from mockserver.decisions.security import mint_token
from tests.conftest import ROOT, run_cli, stop
from tests.contracts.checker.mutants import MUTANTS, REAL

TOKEN = mint_token(("write:insight",))
PARALLEL = 4
MAX_SECONDS = 15.0


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    seconds: float
    cpu_seconds: float  # of the check and its Schemathesis run; meaningful only for a check run alone
    report: dict[str, Any]
    output: str

    @property
    def failed_rules(self) -> list[str]:
        return list(self.report.get("failed_rules", []))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check_server(name: str) -> Verdict:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.contracts.checker.mutants", name, str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(f"{base}/openapi.json", server)
        report_path = Path(tempfile.mkdtemp()) / "report.json"
        began, cpu_before = time.monotonic(), _children_cpu()
        result = run_cli(
            "check", base, "--token", TOKEN, "--report-json", str(report_path), module="contracts.cli", timeout=120
        )
        seconds, cpu = time.monotonic() - began, _children_cpu() - cpu_before
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        return Verdict(result.returncode, seconds, cpu, report, result.stdout[-6000:] + result.stderr[-2000:])
    finally:
        stop(server)


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    real = check_server(REAL)  # alone, so its time is the time of one default run
    with ThreadPoolExecutor(PARALLEL) as pool:
        return {REAL: real, **dict(zip(MUTANTS, pool.map(check_server, MUTANTS), strict=True))}


def test_the_default_check_passes_the_real_mock_in_under_15_seconds(verdicts: dict[str, Verdict]) -> None:
    real = verdicts[REAL]
    assert real.exit_code == 0, real.output
    assert real.report["failures"] == [] and real.report["schemathesis_exit_code"] == 0
    # On a machine busier than its cores (several suites at once), wall time measures the neighbours: then the CPU
    # time the check itself spent must be under the budget instead.
    overloaded = os.getloadavg()[0] > (os.cpu_count() or 1)
    assert (real.cpu_seconds if overloaded else real.seconds) < MAX_SECONDS, (real.seconds, real.cpu_seconds)


@pytest.mark.parametrize("name", list(MUTANTS))
def test_the_default_check_kills_each_mutant_for_its_exact_rule(name: str, verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts[name]
    assert verdict.exit_code == 1, verdict.output
    assert MUTANTS[name].caught_by in verdict.failed_rules, (verdict.failed_rules, verdict.output)


def test_the_mutation_score_is_printed(verdicts: dict[str, Verdict], capsys: pytest.CaptureFixture[str]) -> None:
    killed = [name for name in MUTANTS if MUTANTS[name].caught_by in verdicts[name].failed_rules]
    lines = [f"mutation score: {len(killed)}/{len(MUTANTS)} mutants killed by the default check"]
    for name, mutant in MUTANTS.items():
        verdict = verdicts[name]
        mark = "killed" if name in killed else "SURVIVED"
        lines.append(f"  {name:<32} {mark:<8} by {mutant.caught_by:<50} ({verdict.seconds:.1f} s)")
    real = verdicts[REAL]
    lines.append(f"  {REAL:<32} exit {real.exit_code} ({real.seconds:.1f} s, {real.cpu_seconds:.1f} s CPU, run alone)")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert len(killed) == len(MUTANTS) >= 20


def test_every_token_refused_is_a_set_up_mistake_not_a_verdict(live_mock: str) -> None:
    result = run_cli("check", live_mock, "--token", "wrong", module="contracts.cli", timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the token was refused:" in result.stderr and "--token" in result.stderr
    assert "Authorization" in result.stderr or "JWT" in result.stderr  # the server's own message is quoted


def test_a_base_url_without_v1_is_a_set_up_mistake_not_a_verdict(live_mock: str) -> None:
    without = live_mock.removesuffix("/v1")
    result = run_cli("check", without, "--token", TOKEN, module="contracts.cli", timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"nothing at {without}" in result.stderr and "usually ends in /v1" in result.stderr


def test_an_unreachable_server_is_a_usage_error_not_a_verdict() -> None:
    result = run_cli(
        "check", f"http://127.0.0.1:{free_port()}/v1", "--token", TOKEN, module="contracts.cli", timeout=60
    )
    assert result.returncode == 2 and "cannot reach" in result.stderr
