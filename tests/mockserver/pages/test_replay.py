"""curl and fetch() replays of journalled requests: run for real against a live mock, they get the same answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import httpx
import pytest

from mockserver.decisions.security import mint_token
from mockserver.pages.replay import curl_command, fetch_call

PATH = "/v1/accounts/P12345678/insight/generate-report"
TOKEN = mint_token(("write:insight",))
# Not valid for the schedule, with characters a shell or a JavaScript string must keep: quotes, a dollar, non-ASCII.
REFUSED = {
    "dataType": "checkout/transactions",
    "schedule": "monthly",
    "language": "no",
    "from": "2026-11-01",
    "to": "2026-12-02",
    "note": 'it\'s $HOME "quoted" and blåbær `x`',
}


def entry(**overrides: Any) -> dict[str, Any]:
    body = json.dumps(REFUSED, separators=(",", ":"), ensure_ascii=False)
    values: dict[str, Any] = {
        "method": "POST",
        "path": PATH,
        "query": "",
        "headers": [["host", "127.0.0.1:8080"], ["authorization", "bearer (redacted)"], ["prefer", "delay=1"]],
        "body": body,
        "body_bytes": len(body.encode()),
    }
    return {**values, **overrides}


def newest_entry(origin: str) -> dict[str, Any]:
    return dict(httpx.get(origin + "/_mock/requests", timeout=10).json()["requests"][0])


def sent_and_journalled(live_mock: str) -> dict[str, Any]:
    origin = live_mock.removesuffix("/v1")
    headers = {"Authorization": f"Bearer {TOKEN}", "Prefer": "delay=1", "X-Request-Id": "r-1"}
    body = json.dumps(REFUSED, ensure_ascii=False).encode()
    response = httpx.post(origin + PATH, content=body, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    return newest_entry(origin)


@pytest.mark.live
def test_the_curl_replay_gets_the_same_answer_and_journals_the_same_request(live_mock: str) -> None:
    original = sent_and_journalled(live_mock)
    command = curl_command(original, "http://unused.example")
    replayed = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=30, env={**os.environ, "TOKEN": TOKEN}
    )
    assert replayed.returncode == 0, replayed.stderr
    status_line, _, rest = replayed.stdout.partition("\n")
    assert " 400 " in status_line
    assert json.loads(rest.split("\n\n", 1)[1]) == json.loads(original["answer"])  # text mode: CRLF read as LF
    again = newest_entry(live_mock.removesuffix("/v1"))
    assert again["id"] != original["id"] and again["body"] == original["body"]
    assert ["x-request-id", "r-1"] in again["headers"] and ["prefer", "delay=1"] in again["headers"]


@pytest.mark.live
def test_the_fetch_replay_gets_the_same_answer_and_journals_the_same_body(live_mock: str) -> None:
    node = shutil.which("node")
    assert node, "node is missing: run .ci/install-node-tools"
    original = sent_and_journalled(live_mock)
    program = f"const token = process.env.TOKEN;\n{fetch_call(original, 'http://unused.example')}"
    replayed = subprocess.run(
        [node, "--input-type=module", "-e", program],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TOKEN": TOKEN},
    )
    assert replayed.returncode == 0, replayed.stderr
    status, _, answer = replayed.stdout.strip().partition(" ")
    assert status == "400" and json.loads(answer) == json.loads(original["answer"])
    assert newest_entry(live_mock.removesuffix("/v1"))["body"] == original["body"]


def test_a_bearer_token_is_never_in_a_replay_only_a_variable() -> None:
    curl, fetch = curl_command(entry(), ""), fetch_call(entry(), "")
    assert '-H "Authorization: Bearer $TOKEN"' in curl and "TOKEN=$(insight-mock token)" in curl
    assert '"Authorization": `Bearer ${token}`' in fetch and "(redacted)" not in curl + fetch


def test_a_replay_goes_to_the_host_the_client_named_else_to_the_fallback() -> None:
    assert "http://127.0.0.1:8080" + PATH in curl_command(entry(), "http://fallback")
    without_host = entry(headers=[], query="a=1")
    assert f"'http://fallback{PATH}?a=1'" in curl_command(without_host, "http://fallback")


def test_a_body_the_journal_cut_or_redacted_is_said_in_a_comment_not_hidden() -> None:
    cut = entry(body="{" + "x" * 4095, body_bytes=9000)
    assert "# The journal kept the first 4096 characters of a 9000-byte body" in curl_command(cut, "")
    assert "// The journal kept the first 4096 characters" in fetch_call(cut, "")
    secret = entry(body='{"accessToken":"(redacted)"}', body_bytes=30)
    assert "Secrets were not kept" in curl_command(secret, "")


def test_headers_the_browser_sets_itself_are_left_out_of_fetch_but_kept_in_curl() -> None:
    browsing = entry(headers=[["origin", "http://localhost:5173"], ["sec-fetch-mode", "cors"], ["content-length", "9"]])
    assert "Origin: http://localhost:5173" in curl_command(browsing, "") and "Content-Length" not in curl_command(
        browsing, ""
    )
    assert "Origin" not in fetch_call(browsing, "") and "Sec-Fetch-Mode" not in fetch_call(browsing, "")


@pytest.mark.parametrize(
    ("method", "body", "flag"),
    [("GET", None, False), ("DELETE", None, True), ("POST", "{}", False), ("PUT", "{}", True)],
)
def test_curl_names_the_method_only_when_curl_would_not_infer_it(method: str, body: str | None, flag: bool) -> None:
    assert (f"-X {method}" in curl_command(entry(method=method, body=body), "")) is flag


@pytest.mark.parametrize(
    "body", ['{"a":1.0}', '{"a":12345678901234567890}', '{"2":1,"a":2}', '{"a": 1}', '{"a":1,"a":2}', "not json"]
)
def test_a_body_javascript_would_write_differently_is_sent_as_the_string_it_was(body: str) -> None:
    assert f"body: {json.dumps(body)}," in fetch_call(entry(body=body, body_bytes=len(body)), "")
