"""Running a check from Python: ``run_check(base_url, token) -> CheckReport``, the function ``insight-contracts check``
itself calls.

    from contracts.checker.run import run_check

    report = run_check("http://127.0.0.1:8080/v1", token, examples=10)
    assert report.kept, report.failed_rules

The report is data: the verdict and exit code, every failure (rule, message, curl line), the coverage matrix and what
was not probed; ``as_json()`` is what ``--report-json`` writes. ``transport`` replaces HTTP (a function from a probe to
an answer, e.g. an in-process ASGI client), for the property phase; the Schemathesis phase always talks HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from contracts.checker import coverage, probes, properties
from contracts.document import spec
from contracts.model.contract import Contract, default_contract
from contracts.model.judgements import CONTRACT, PROFILE_VARIABLE, PROFILES

CONFIG_PATH = Path(__file__).resolve().parent.parent / "testing" / "schemathesis.toml"
PHASES = ("schemathesis", "properties")
KEPT, BROKEN, NOT_RUN = 0, 1, 2


@dataclass
class CheckReport:
    """What one check found: the verdict, the failures, the coverage."""

    base_url: str
    profile: str
    seed: int
    exit_code: int  # 0: the contract was kept; 1: broken; 2: the check could not run (``setup_problem`` says why)
    result: properties.PhaseResult = field(default_factory=properties.PhaseResult)
    matrix: coverage.Matrix | None = None
    schemathesis_exit_code: int | None = None
    setup_problem: str | None = None
    not_planned: list[str] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.exit_code == KEPT

    @property
    def verdict(self) -> str:
        return {KEPT: "CONTRACT KEPT", BROKEN: "CONTRACT BROKEN"}.get(self.exit_code, "NOT RUN")

    @property
    def failures(self) -> list[properties.Failure]:
        return self.result.failures

    @property
    def failed_rules(self) -> list[str]:
        return sorted({failure.rule for failure in self.failures})

    @property
    def nothing_accepted(self) -> bool:
        """No request got a 2xx: nothing proves the server accepts valid reports (a wrong token, usually)."""
        return self.result.successes == 0 and self.result.total > 0

    def summary(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "profile": self.profile,
            "seed": self.seed,
            "exit_code": self.exit_code,
            "verdict": self.verdict,
            "requests": self.result.total,
            "successes": self.result.successes,
            "schemathesis_exit_code": self.schemathesis_exit_code,
            "setup_problem": self.setup_problem,
            "failed_rules": self.failed_rules,
            "failures": [
                {
                    "rule": failure.rule,
                    "case": failure.case,
                    "judgement": failure.judgement,
                    "message": failure.message,
                    "curl": failure.curl,
                }
                for failure in self.failures
            ],
            "sent": self.result.sent,
            "not_probed": self.not_planned,
        }

    def as_json(self) -> dict[str, Any]:
        """The summary and the coverage matrix: what ``--report-json`` writes."""
        matrix = coverage.as_json(self.matrix) if self.matrix is not None else None
        return {**self.summary(), "coverage": matrix}


def start_schemathesis(
    base_url: str,
    token: str,
    *,
    profile: str,
    seed: int,
    examples: int,
    workers: int = 1,
    time_budget: float | None = None,
    junit_path: Path | None = None,
    output: int | IO[Any] | None = None,
) -> subprocess.Popen[bytes]:
    """Start the Schemathesis CLI over the served contract, with our hooks and checks judging by ``profile``.

    It runs while the property phase sends its probes (the server answers both), and is waited for before the verdict;
    its output goes to ``output`` (the terminal by default).
    """
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG_PATH),
        "run",
        str(spec.SERVED_PATH),
        "--url",
        base_url,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        "--mode",
        "all",
        "--seed",
        str(seed),
        "--max-examples",
        str(examples),
        "--workers",
        str(workers),
        "--no-color",
    ]
    if time_budget:
        command += ["--max-time", str(max(1, int(time_budget)))]
    if junit_path is not None:
        command += ["--report", "junit", "--report-junit-path", str(junit_path)]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "contracts.testing.checks", PROFILE_VARIABLE: profile}
    return subprocess.Popen(command, env=environment, stdout=output, stderr=output)


def _preflight(base_url: str, aid: str, plan: probes.Plan, send: properties.Transport) -> str | None:
    """Set-up mistakes first: one valid request per variant; all 401, all 403 or all 404 is not a contract verdict."""
    firsts: dict[str, probes.Probe] = {}
    for probe in plan.probes:
        if probe.case == probes.VALID and probe.variant not in firsts:
            firsts[probe.variant] = probe
    try:
        answers = [send(probe) for probe in firsts.values()]
    except httpx.HTTPError as error:
        return f"cannot reach {base_url}: {error}"
    return properties.setup_problem(base_url, answers, aid)


def run_check(
    base_url: str,
    token: str,
    *,
    profile: str = CONTRACT,
    aid: str = properties.DEFAULT_AID,
    examples: int = 50,
    seed: int = 0,
    jwt_secret: str | None = None,
    origin: str | None = properties.DEFAULT_ORIGIN,
    phases: Sequence[str] = PHASES,
    time_budget: float | None = None,
    workers: int = 1,
    transport: properties.Transport | None = None,
    schemathesis_junit: Path | None = None,
    schemathesis_output: int | IO[Any] | None = None,
    contract: Contract | None = None,
    now: Callable[[], float] = time.time,
) -> CheckReport:
    """Check the server at ``base_url`` (e.g. ``http://127.0.0.1:8080/v1``) against the contract, by ``profile``."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise ValueError(f"unknown phase(s) {', '.join(sorted(unknown))}; the phases are {', '.join(PHASES)}")
    base_url = base_url.rstrip("/")
    contract = contract or default_contract()
    report = CheckReport(base_url, profile, seed, NOT_RUN)
    close: Callable[[], None] = lambda: None  # noqa: E731 - nothing to close for a transport we were given
    if transport is None:
        try:
            httpx.get(base_url, timeout=10)
        except httpx.HTTPError as error:
            report.setup_problem = f"cannot reach {base_url}: {error}"
            return report
        transport, close = properties.http_transport(base_url, origin=origin)
    plan = probes.plan(
        contract, token, aid, seed=seed, examples=examples, now=now(), jwt_secret=jwt_secret, profile=profile
    )
    report.not_planned = list(plan.not_planned)
    try:
        problem = _preflight(base_url, aid, plan, transport)
        if problem:
            report.setup_problem = problem
            return report
        schemathesis = None
        if "schemathesis" in phases:
            schemathesis = start_schemathesis(
                base_url,
                token,
                profile=profile,
                seed=seed,
                examples=examples,
                workers=workers,
                time_budget=time_budget,
                junit_path=schemathesis_junit,
                output=schemathesis_output,
            )
        try:
            if "properties" in phases:
                report.result = properties.run_phase(
                    base_url,
                    plan,
                    transport,
                    time_budget=time_budget,
                    user_token=token,
                    contract=contract,
                    origin=origin,
                    profile=profile,
                )
        finally:
            if schemathesis is not None:
                report.schemathesis_exit_code = schemathesis.wait()
    finally:
        close()
    exchanges = [(exchange.probe, exchange.status) for exchange in report.result.exchanges]
    report.matrix = coverage.build(contract, exchanges, report.result.skipped, profile)
    kept = not report.failures and not report.nothing_accepted and report.schemathesis_exit_code in (None, 0)
    report.exit_code = KEPT if kept else BROKEN
    return report
