"""``run_check``: a check from Python, the same one the command runs, returning its verdict, failures and coverage."""

from __future__ import annotations

import pytest

from contracts.checker import properties
from contracts.checker.run import CheckReport, run_check
from contracts.testing.live import free_port
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.settings import Settings
from tests.conforming.mutants import MUTANTS
from tests.conforming.server import create_app as conforming_app

TOKEN = mint_token(("write:insight",))


def in_process(app: object, **options: object) -> CheckReport:
    send, close = properties.asgi_transport(app)
    try:
        return run_check("http://testserver/v1", TOKEN, transport=send, phases=("properties",), **options)  # type: ignore[arg-type]
    finally:
        close()


def test_a_kept_contract_is_a_report_with_no_failure_and_every_cell_reached() -> None:
    report = in_process(create_app(Settings()), examples=0)
    assert report.kept and report.exit_code == 0 and report.verdict == "CONTRACT KEPT"
    assert report.failures == [] and report.failed_rules == [] and report.profile == "contract"
    assert report.matrix is not None and report.matrix.unreached == []
    assert report.as_json()["coverage"]["cells"] and report.as_json()["profile"] == "contract"


def test_a_broken_contract_is_a_report_of_each_failure_with_its_rule_and_curl() -> None:
    report = in_process(conforming_app(MUTANTS["expiry-not-checked"].server()), examples=0)
    assert report.exit_code == 1 and not report.kept and "auth expired: status" in report.failed_rules
    (failure, *_) = [failure for failure in report.failures if failure.rule == "auth expired: status"]
    assert failure.curl.startswith("curl ") and "expired" in failure.message


def test_the_profile_is_chosen_by_name_and_an_unknown_one_is_refused() -> None:
    assert in_process(create_app(Settings()), examples=0, profile="mock").profile == "mock"
    with pytest.raises(ValueError, match="profile must be one of contract, mock"):
        run_check("http://testserver/v1", TOKEN, profile="strict")
    with pytest.raises(ValueError, match="unknown phase"):
        run_check("http://testserver/v1", TOKEN, phases=("fuzz",))


def test_an_unreachable_server_is_a_report_that_did_not_run() -> None:
    report = run_check(f"http://127.0.0.1:{free_port()}/v1", TOKEN)
    assert report.exit_code == 2 and report.verdict == "NOT RUN" and "cannot reach" in (report.setup_problem or "")
