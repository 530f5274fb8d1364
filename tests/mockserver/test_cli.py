"""`insight-mock` as a user runs it: a real server process, a token from the CLI (its main()), curl-like requests."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from contracts.testing.live import MONTHLY, free_port
from tests.conftest import output_of, run_cli, run_main, start_mock, stop

PATH = "/accounts/P12345678/insight/generate-report"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """A command's output and exit status, from its ``main()`` in this process (``tests.conftest.run_main``)."""
    return run_main(*args)


def test_a_token_from_the_cli_gets_a_200_for_a_valid_monthly_request(live_mock: str) -> None:
    token = cli("token", "--scope", "write:insight").stdout.strip()
    response = httpx.post(live_mock + PATH, json=MONTHLY, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {**MONTHLY, "contentType": "text/csv"}


def test_orders_with_a_monthly_schedule_gets_a_precise_400(live_mock: str) -> None:
    token = cli("token").stdout.strip()
    response = httpx.post(
        live_mock + PATH,
        json={**MONTHLY, "dataType": "orders/orderoperations"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_BODY"
    assert error["errors"][0]["path"] == "/schedule"
    assert "'weekly', 'twice-a-month', 'daily'" in error["message"]


def test_swagger_ui_and_the_served_contract_are_reachable(live_mock: str) -> None:
    assert "swagger-ui" in httpx.get(live_mock + "/ui/").text
    served = httpx.get(live_mock + "/openapi.json").json()
    assert served["servers"] == [{"url": "/v1"}]
    assert "from" in served["components"]["schemas"]["InsightCheckoutTransactionsReportParams"]["allOf"][0]["required"]


def test_a_token_bound_to_an_account_only_works_for_that_account(live_mock: str) -> None:
    token = cli("token", "--aid", "P12345678").stdout.strip()
    other = live_mock + "/accounts/P00000000/insight/generate-report"
    assert httpx.post(live_mock + PATH, json=MONTHLY, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    forbidden = httpx.post(other, json=MONTHLY, headers={"Authorization": f"Bearer {token}"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "ACCOUNT_MISMATCH"


def test_verify_mode_accepts_tokens_minted_with_the_same_secret() -> None:
    process, base = start_mock("--auth", "verify", "--jwt-secret", "team-secret-0123456789-0123456789")
    try:
        good = cli("token", "--secret", "team-secret-0123456789-0123456789").stdout.strip()
        bad = cli("token").stdout.strip()
        assert httpx.post(base + PATH, json=MONTHLY, headers={"Authorization": f"Bearer {good}"}).status_code == 200
        assert httpx.post(base + PATH, json=MONTHLY, headers={"Authorization": f"Bearer {bad}"}).status_code == 401
    finally:
        stop(process)


def test_serve_prints_where_it_listens_and_how_to_get_a_token() -> None:
    process, base = start_mock("--auth", "off")
    try:
        assert httpx.post(base + PATH, json=MONTHLY).status_code == 200
    finally:
        stop(process)
    output = output_of(process)
    assert base in output and f"{base}/ui/" in output and "insight-mock token" in output


def test_verify_mode_without_a_key_fails_with_a_clear_message() -> None:
    result = run_cli("serve", "--auth", "verify", "--port", str(free_port()))  # a process: a bug here would serve
    assert result.returncode == 2
    assert "needs a JWT secret" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["token", "--help"], ["lint", "--help"], ["spec", "build", "--help"]])
def test_every_command_has_help(args: list[str]) -> None:
    assert cli(*args).returncode == 0
