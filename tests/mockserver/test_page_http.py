"""``/_mock/`` over HTTP: where it is, what it is served with, its fragments, and its errors in the Error shape."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from starlette.testclient import TestClient

from contracts.testing.live import MONTHLY

PATH = "/v1/accounts/P12345678/insight/generate-report"


@pytest.fixture
def fresh(client: TestClient) -> TestClient:
    """The shared in-process mock with an empty journal."""
    assert client.delete("/_mock/requests").status_code == 204
    return client


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@pytest.mark.parametrize("path", ["/", "/_mock"])
def test_the_root_and_the_admin_base_lead_to_the_page(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code in (307, 308) and response.headers["location"].endswith("/_mock/")


def test_the_page_is_html_that_may_run_only_its_own_style_and_script_and_call_only_the_mock(fresh: TestClient) -> None:
    response = fresh.get("/_mock/")
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    (script,) = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    (style,) = re.findall(r"<style>(.*?)</style>", response.text, re.DOTALL)
    assert policy["script-src"] == f"'{sha256(script)}'" and policy["style-src"] == f"'{sha256(style)}'"
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["cache-control"] == "no-store"


def test_the_page_links_both_swagger_uis_and_shows_the_settings(fresh: TestClient) -> None:
    page = fresh.get("/_mock/").text
    assert 'href="/v1/ui/"' in page and 'href="/_mock/ui/"' in page
    for label in ("Auth", "CORS", "Latency", "Fail rate", "Seed", "Workers", "Journal", "Contract"):
        assert f">{label}</dt>" in page
    assert "version 2025.9.16" in page


def test_a_request_shows_in_the_list_and_opens_by_its_id(fresh: TestClient, auth_headers: dict[str, str]) -> None:
    fresh.post(PATH, json={**MONTHLY, "to": "2026-12-02"}, headers=auth_headers)
    (entry,) = fresh.get("/_mock/requests").json()["requests"]
    listed = fresh.get("/_mock/page/requests").text
    assert f'data-id="{entry["id"]}"' in listed and "INVALID_PERIOD" in listed
    opened = fresh.get(f"/_mock/page/requests/{entry['id']}")
    assert opened.status_code == 200 and 'class="problems"' in opened.text
    whole = fresh.get("/_mock/", params={"entry": entry["id"]}).text
    assert 'class="problems"' in whole  # the page opens it without a script too


def test_an_accepted_csv_request_opens_with_the_first_rows_of_its_report_and_their_true_count(
    fresh: TestClient, auth_headers: dict[str, str]
) -> None:
    past_day = {**MONTHLY, "schedule": "daily", "from": "2026-10-05", "to": "2026-10-06"}
    link = fresh.post(PATH, json=past_day, headers=auth_headers).headers["x-mock-report-url"]
    rows = fresh.get(link).text.splitlines()[1:]
    (entry,) = fresh.get("/_mock/requests").json()["requests"]
    opened = fresh.get(f"/_mock/page/requests/{entry['id']}").text
    assert len(rows) > 10 and f"the first 10 of {len(rows)} rows" in opened
    assert opened.count("<tr>") >= 10 and rows[0].split(",")[0] in opened


def test_the_journal_keeps_the_headers_and_the_answer_with_the_token_redacted(
    fresh: TestClient, auth_headers: dict[str, str]
) -> None:
    fresh.post(PATH, json=MONTHLY, headers={**auth_headers, "X-Api-Key": "k-123", "Cookie": "s=1"})
    (entry,) = fresh.get("/_mock/requests").json()["requests"]
    headers = dict(entry["headers"])
    assert headers["authorization"] == "bearer (redacted)" and headers["x-api-key"] == headers["cookie"] == "(redacted)"
    assert entry["answer"] == fresh.post(PATH, json=MONTHLY, headers=auth_headers).text
    assert ["content-type", "application/json"] in entry["answer_headers"]
    assert auth_headers["Authorization"].split()[1] not in str(entry) and "k-123" not in str(entry)


def test_an_entry_no_longer_in_the_journal_is_a_404_in_the_error_shape_and_a_note_on_the_page(
    fresh: TestClient,
) -> None:
    response = fresh.get("/_mock/page/requests/gone-1")
    assert response.status_code == 404 and response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "NOT_FOUND" and "gone-1" in response.json()["error"]["message"]
    assert "No request gone-1 in the journal" in fresh.get("/_mock/", params={"entry": "gone-1"}).text


@pytest.mark.parametrize("query", ["outcome=refused", "status=abc", "status=700", "status=4xx"])
def test_a_filter_that_matches_nothing_is_a_400_in_the_error_shape(fresh: TestClient, query: str) -> None:
    for path in ("/_mock/", "/_mock/page/requests"):
        response = fresh.get(f"{path}?{query}")
        assert response.status_code == 400 and response.headers["content-type"] == "application/json", path
        assert response.json()["error"]["message"]


def test_an_empty_status_as_a_form_sends_it_lists_every_status(fresh: TestClient) -> None:
    assert fresh.get("/_mock/page/requests?outcome=&status=").status_code == 200


@pytest.mark.parametrize("path", ["/_mock/", "/_mock/page/requests"])
def test_nothing_but_the_journals_delete_clears_it(fresh: TestClient, path: str) -> None:
    """A cross-origin form can POST without CORS permission; only a DELETE, which needs it, clears the journal."""
    response = fresh.post(path)
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
