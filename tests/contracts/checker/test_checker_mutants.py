"""The check passes the real mock and the conforming server, and kills every mutant of either for its exact rule.

Each mutant is killed under the profile that owns its rule: the default ``contract`` profile for a bug that breaks the
published contract, ``mock`` for one that breaks only our mock's conventions; those are legal servers under the default
profile, and the test says so too. The checks run without sockets or new interpreters (``run_check``'s property
phase, every enumerated case, ``examples=0``), two at a time in forked workers. A conforming mutant is an app in the
worker (``asgi_transport``); a mock mutant's bug patches the modules of the process it runs in, which the checker shares
(``contracts.rules.periods``, ``contracts.model.validation``), so it is served by a child forked from the worker and the
probes reach it through a pipe: the checker's modules stay unpatched. ``test_end_to_end.py`` runs the full default
command, Schemathesis included, over real HTTP.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pytest

from contracts.checker import asgi, properties
from contracts.checker.probes import Probe
from contracts.checker.run import CheckReport, run_check
from contracts.model.judgements import CONTRACT, MOCK
from mockserver.decisions.security import mint_token
from tests.conforming import mutants as conforming_mutants
from tests.conforming.server import ConformingServer, create_app
from tests.contracts.checker import mutants as mock_mutants

TOKEN = mint_token(("write:insight",))
REAL_CONFORMING = "conforming-server"
# What the conforming server does its own (legal) way, which only the mock profile holds against it: no error.errors
# entries and no field named in its messages, its own error codes, charset=latin-1 accepted, no contentType filled in.
CONFORMING_HABITS = {"reason", "error-entries", "error-code", "echo", "media application/json; charset=latin-1: status"}


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    failed_rules: tuple[str, ...]
    requests: int

    @property
    def judgements(self) -> set[str]:
        return {rule.rsplit(": ", 1)[1] for rule in self.failed_rules}


def check(send: properties.Transport, profile: str) -> CheckReport:
    return run_check("http://testserver/v1", TOKEN, profile=profile, examples=0, phases=("properties",), transport=send)


def _serve_over(connection: Connection, name: str) -> None:
    """The forked child: the mock mutant's app, answering each probe the pipe brings (``None`` ends it)."""
    logging.disable(logging.CRITICAL)  # a mutant's 500s are expected: no tracebacks over the test's output
    app = mock_mutants.app_of(name)
    loop = asyncio.new_event_loop()
    while (request := connection.recv()) is not None:
        path, body, headers = request
        answer = loop.run_until_complete(asgi.request(app, "POST", "http://testserver" + path, headers, body))
        connection.send((answer.status, answer.headers, answer.body))


@contextmanager
def mock_mutant(name: str) -> Iterator[properties.Transport]:
    """A transport to the mock mutant ``name``, served by a child forked from this process (which stays unpatched)."""
    parent, child = multiprocessing.Pipe()
    # The child's temporary files (a mutant's edited contract) go in a folder this process removes once the child ends:
    # the child leaves by os._exit, which runs no cleanup.
    with tempfile.TemporaryDirectory(prefix="insight-mutant-") as scratch:
        pid = os.fork()
        if pid == 0:  # the child: serve until told to stop, then leave without running any of the parent's cleanup
            try:
                tempfile.tempdir = scratch
                _serve_over(child, name)
            finally:
                os._exit(0)

        def send(probe: Probe) -> properties.Answer:
            path, body, headers = properties.request_parts(probe, properties.DEFAULT_ORIGIN)
            parent.send(("/v1" + path, body, headers))
            return properties.asgi_answer(asgi.Response(*parent.recv()))

        try:
            yield send
        finally:
            parent.send(None)
            os.waitpid(pid, 0)


def verdict_of(job: tuple[str, str, str]) -> Verdict:
    """Runs in a pool worker: check the server the job names (a mock mutant in a child of its own)."""
    family, name, profile = job
    if family == "mock":
        with mock_mutant(name) as send:
            report = check(send, profile)
    else:
        server = ConformingServer() if name == REAL_CONFORMING else conforming_mutants.MUTANTS[name].server()
        send, close = properties.asgi_transport(create_app(server))
        try:
            report = check(send, profile)
        finally:
            close()
    return Verdict(report.exit_code, tuple(report.failed_rules), report.result.total)


JOBS = [
    ("mock", mock_mutants.REAL, CONTRACT),
    ("mock", mock_mutants.REAL, MOCK),
    ("conforming", REAL_CONFORMING, CONTRACT),
    ("conforming", REAL_CONFORMING, MOCK),
    *(("mock", name, mutant.profile) for name, mutant in mock_mutants.MUTANTS.items()),
    *(("mock", name, CONTRACT) for name, mutant in mock_mutants.MUTANTS.items() if mutant.profile == MOCK),
    *(("conforming", name, CONTRACT) for name in conforming_mutants.MUTANTS),
]


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, str, str], Verdict]:
    # fork: each worker starts from this process's imports, which is cheap.
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return dict(zip(JOBS, pool.map(verdict_of, JOBS, chunksize=1), strict=True))


@pytest.mark.parametrize("profile", [CONTRACT, MOCK])
def test_the_real_mock_keeps_the_contract_and_its_own_conventions(verdicts: dict, profile: str) -> None:
    verdict = verdicts[("mock", mock_mutants.REAL, profile)]
    assert verdict.exit_code == 0 and verdict.failed_rules == (), verdict


def test_the_conforming_server_keeps_the_contract_with_no_failure(verdicts: dict) -> None:
    verdict = verdicts[("conforming", REAL_CONFORMING, CONTRACT)]
    assert verdict.exit_code == 0 and verdict.failed_rules == (), verdict


def test_the_mock_profile_fails_the_conforming_server_exactly_on_its_habits(verdicts: dict) -> None:
    verdict = verdicts[("conforming", REAL_CONFORMING, MOCK)]
    assert verdict.exit_code == 1
    # A habit is named by its judgement, or, for a status, by the case whose status differs.
    habits = {rule if rule.endswith(": status") else rule.rsplit(": ", 1)[1] for rule in verdict.failed_rules}
    assert habits == CONFORMING_HABITS, verdict.failed_rules


@pytest.mark.parametrize("name", list(mock_mutants.MUTANTS))
def test_each_mutant_of_the_mock_is_killed_for_its_rule_under_its_profile(verdicts: dict, name: str) -> None:
    mutant = mock_mutants.MUTANTS[name]
    verdict = verdicts[("mock", name, mutant.profile)]
    assert verdict.exit_code == 1 and mutant.caught_by in verdict.failed_rules, verdict
    if mutant.profile == MOCK:  # it breaks only our conventions: a legal server under the published contract
        legal = verdicts[("mock", name, CONTRACT)]
        assert legal.exit_code == 0 and legal.failed_rules == (), legal


@pytest.mark.parametrize("name", list(conforming_mutants.MUTANTS))
def test_each_mutant_of_the_conforming_server_is_killed_by_the_default_profile_for_its_rule(
    verdicts: dict, name: str
) -> None:
    verdict = verdicts[("conforming", name, CONTRACT)]
    assert verdict.exit_code == 1, verdict
    assert conforming_mutants.MUTANTS[name].caught_by in verdict.failed_rules, verdict


def test_the_mutation_score_and_the_profile_of_each_rule_are_printed(
    verdicts: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = []
    killed = 0
    families = (("mock", mock_mutants.MUTANTS), ("conforming", conforming_mutants.MUTANTS))
    for family, table in families:
        for name, mutant in table.items():
            profile = getattr(mutant, "profile", CONTRACT)
            verdict = verdicts[(family, name, profile)]
            hit = mutant.caught_by in verdict.failed_rules
            killed += hit
            mark = "killed" if hit else "SURVIVED"
            lines.append(f"  {family:<10} {name:<38} {mark:<8} --profile {profile:<8} by {mutant.caught_by}")
    total = len(mock_mutants.MUTANTS) + len(conforming_mutants.MUTANTS)
    with capsys.disabled():
        print(f"\nmutation score: {killed}/{total}\n" + "\n".join(lines))
    assert killed == total and len(conforming_mutants.MUTANTS) >= 15 and len(mock_mutants.MUTANTS) >= 29
