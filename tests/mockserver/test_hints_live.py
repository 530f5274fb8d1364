"""Where a person goes wrong, told by the real CLI and the real server: what is on, the /v1, the key, the secret."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from contracts.document import spec
from contracts.testing.live import MONTHLY
from mockserver.decisions.security import AuthMode, authorize
from mockserver.settings import Settings
from tests.conftest import output_of, rsa_key_files, run_cli, start_mock, stop

pytestmark = pytest.mark.live

PATH = "/accounts/P12345678/insight/generate-report"
SECRET = "team-secret-0123456789-0123456789"
SETTING_LABELS = ("Auth:", "CORS:", "Latency:", "Fail rate:", "Seed:", "Workers:", "Journal:", "Contract:")


def banner_lines(output: str) -> dict[str, str]:
    """The banner's ``  Label:  value`` lines by label."""
    found = {}
    for line in output.splitlines():
        label, colon, value = line.strip().partition(":  ")
        if colon and line.startswith("  "):
            found[label + ":"] = value.strip()
    return found


def post(base: str, token: str) -> httpx.Response:
    return httpx.post(base + PATH, json=MONTHLY, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_banner_lists_each_setting_that_differs_from_its_default_one_line_each(tmp_path: Path) -> None:
    contract = tmp_path / "insight.yaml"
    contract.write_bytes(spec.SERVED_PATH.read_bytes())
    process, base = start_mock(
        *("--cors-origin", "http://localhost:5173", "--latency", "100-400ms", "--fail-rate", "0.2", "--seed", "7"),
        *("--journal-size", "50", "--spec", str(contract), "--auth", "off"),
    )
    stop(process)
    shown = banner_lines(output_of(process))
    assert shown["Requests:"].startswith(base.removesuffix("/v1") + "/_mock/ ")
    assert {label: shown[label] for label in SETTING_LABELS if label in shown} == {
        "Auth:": "off",
        "CORS:": "http://localhost:5173",
        "Latency:": "100-400 ms added to every API answer",
        "Fail rate:": "0.2 (20% of valid requests get a 500)",
        "Seed:": "7",
        "Journal:": "the last 50 requests",
        "Contract:": f"{contract} (version 2025.9.16)",
    }


def test_a_plain_serve_prints_its_banner_alone_lists_no_setting_and_links_the_page() -> None:
    process, base = start_mock(new_interpreter=True)  # a library's warning at import would show only there
    stop(process)
    output = output_of(process)
    shown = banner_lines(output)
    assert not set(SETTING_LABELS) & set(shown), shown
    assert f"{base.removesuffix('/v1')}/_mock/" in shown["Requests:"]
    assert output.splitlines()[0] == f"Insight mock on {base}" and len(output.splitlines()) == 1 + len(shown), output


def test_a_contract_path_without_v1_gets_a_404_naming_the_right_url(live_mock: str) -> None:
    origin = live_mock.removesuffix("/v1")
    response = httpx.post(origin + PATH + "?x=1", json=MONTHLY)
    assert response.status_code == 404 and response.json()["error"]["code"] == "NOT_FOUND"
    assert f"POST {live_mock}{PATH}?x=1" in response.json()["error"]["message"]
    elsewhere = httpx.post(origin + "/reports/P12345678", json=MONTHLY).json()["error"]["message"]
    assert elsewhere == "no such route"  # no hint where /v1 would not help


@pytest.mark.parametrize("source", ["flag", "environment"])
def test_a_short_secret_gets_one_line_of_advice_instead_of_the_librarys_warnings(source: str) -> None:
    if source == "flag":
        result = run_cli("token", "--secret", "s3")
    else:
        result = run_cli("token", env={"INSIGHT_MOCK_JWT_SECRET": "s3"})
    assert result.returncode == 0
    assert result.stderr.count("\n") == 1 and "2 bytes" in result.stderr and "Warning" not in result.stderr
    verifying_s3 = Settings(auth=AuthMode.VERIFY, jwt_secret="s3").token_policy(("write:insight",))
    assert authorize(f"Bearer {result.stdout.strip()}", "P12345678", verifying_s3).scopes == {"write:insight"}


def test_a_long_secret_gets_no_advice() -> None:
    result = run_cli("token", "--secret", SECRET)
    assert result.returncode == 0 and result.stderr == ""


def test_in_verify_mode_a_bad_signature_names_the_command_and_following_it_works() -> None:
    process, base = start_mock("--auth", "verify", "--jwt-secret", SECRET)
    try:
        refused = post(base, run_cli("token").stdout.strip())  # signed with the development secret
        message = refused.json()["error"]["message"]
        assert refused.status_code == 401 and "`insight-mock token --secret SECRET`" in message
        assert SECRET not in refused.text
        assert post(base, run_cli("token", "--secret", SECRET).stdout.strip()).status_code == 200
    finally:
        stop(process)


def test_in_verify_mode_with_a_public_key_the_401_names_the_private_key_option(tmp_path: Path) -> None:
    private_file, public_file = rsa_key_files(tmp_path)
    process, base = start_mock("--auth", "verify", "--jwt-public-key-file", str(public_file))
    try:
        refused = post(base, run_cli("token").stdout.strip())
        assert refused.status_code == 401
        assert "`insight-mock token --private-key-file PRIVATE.pem`" in refused.json()["error"]["message"]
        accepted = post(base, run_cli("token", "--private-key-file", str(private_file)).stdout.strip())
        assert accepted.status_code == 200
    finally:
        stop(process)
