"""Getting the report: the URL in a 200's header, its round trip, tampered links, and the offline command."""

from __future__ import annotations

import base64
import io
import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pypdf import PdfReader
from starlette.testclient import TestClient

from contracts.document import spec
from contracts.model.contract import Contract
from contracts.testing.live import MONTHLY
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.reports import (
    REPORTS,
    ReportsUnavailable,
    account_profile,
    missing_renderers,
    parse_csv,
    vocabulary_of,
)
from mockserver.settings import Settings
from tests.conftest import ROOT, run_main

PATH = "/v1/accounts/P12345678/insight/generate-report"
AUTH = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}


def report_url(client: TestClient, body: dict[str, Any]) -> str:
    response = client.post(PATH, json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.headers["x-mock-report-url"]


def test_every_data_type_of_the_contract_has_a_report_with_the_contracts_content_types(contract: Contract) -> None:
    vocabulary = vocabulary_of(contract)
    assert set(vocabulary.data_types) == set(contract.data_types)
    for data_type, variant in contract.variants.items():
        assert vocabulary.content_types[data_type] == variant.allowed("contentType")
        assert vocabulary.filter_keys[data_type] == variant.filter_keys
        assert vocabulary.schedules[data_type] == variant.schedules
        assert (REPORTS[data_type].pdf is not None) == ("application/pdf" in variant.allowed("contentType"))
    assert missing_renderers(contract, REPORTS) == []


def test_a_200_names_a_csv_report_that_downloads_with_a_telling_filename(client: TestClient) -> None:
    download = client.get(report_url(client, MONTHLY))
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == (
        'attachment; filename="P12345678_checkout-transactions_2026-11-01_2026-12-01.csv"'
    )
    header = download.content.split(b"\r\n", 1)[0].decode()
    assert header.startswith("Transaksjons-ID,")


def test_a_pdf_report_downloads_in_norwegian_and_english(client: TestClient) -> None:
    for language, words in (
        ("no", ["Rapport over checkout-transaksjoner", "Side 1 av"]),
        ("en", ["Checkout transactions report", "Page 1 of"]),
    ):
        body = {**MONTHLY, "language": language, "contentType": "application/pdf"}
        download = client.get(report_url(client, body))
        assert download.headers["content-type"] == "application/pdf"
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages[:2])
        for word in words:
            assert word in text


def test_the_same_request_gives_the_same_url_and_byte_identical_report(client: TestClient) -> None:
    first, second = report_url(client, MONTHLY), report_url(client, MONTHLY)
    assert first == second
    assert client.get(first).content == client.get(second).content


def test_a_link_from_one_process_is_served_by_another(live_mock: str, client: TestClient) -> None:
    url = httpx.post(live_mock + PATH.removeprefix("/v1"), json=MONTHLY, headers=AUTH).headers["x-mock-report-url"]
    path = "/" + url.split("/", 3)[3]  # the same link, asked of a different app in this process
    served_elsewhere = client.get(path)
    assert served_elsewhere.status_code == 200
    assert httpx.get(url, timeout=60).content == served_elsewhere.content  # a month of rows, on a busy machine


@pytest.mark.parametrize(
    "link",
    [
        "/_mock/reports/abc",
        "/_mock/reports/eyJhaWQiOiJQMTIzNDU2NzgifQ.c2lnbmF0dXJl",
        "/_mock/reports/%C3%A6%C3%B8.%C3%A5",
        "/_mock/reports/" + "a" * 5000,
    ],
)
def test_a_malformed_or_forged_link_is_a_4xx_in_the_error_shape(client: TestClient, link: str) -> None:
    response = client.get(link)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["message"]


def test_a_tampered_link_is_refused(client: TestClient) -> None:
    url = report_url(client, MONTHLY)
    payload, signature = url.rsplit("/", 1)[1].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["aid"] = "P87654321"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = client.get(f"/_mock/reports/{forged}.{signature}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_the_offline_command_writes_the_same_bytes_the_mock_serves(client: TestClient, tmp_path: Path) -> None:
    body = {**MONTHLY, "dataType": "wallets/transactions", "contentType": "application/pdf", "language": "en"}
    params = tmp_path / "params.json"
    params.write_text(json.dumps(body))
    output = tmp_path / "out.pdf"
    result = run_report("--params", str(params), "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == client.get(report_url(client, body)).content


def test_the_offline_command_refuses_invalid_params_with_the_same_messages(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({**MONTHLY, "to": "2026-12-02"}))
    result = run_report("--params", str(params))
    assert result.returncode == 2
    assert "needs 'to' = 2026-12-01" in result.stderr


# -- what the 200 accepts downloads, and says what it should ------------------------------------------------------

BUSY_AID = "P79049437"
OCTOBER_IN_OSLO = {"from": "2025-10-01T00:00:00+02:00", "to": "2025-11-01T00:00:00+01:00"}


def download(client: TestClient, body: dict[str, Any], aid: str = "P12345678") -> httpx.Response:
    response = client.post(PATH.replace("P12345678", aid), json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    report = client.get(response.headers["x-mock-report-url"])
    assert report.status_code == 200, report.text
    return report


def csv_rows(report: httpx.Response, data_type: str) -> list[Any]:
    return parse_csv(report.content, REPORTS[data_type])


def test_wallets_with_report_filters_downloads_the_unfiltered_report(client: TestClient) -> None:
    # The wallets variant declares no reportFilters: an extra property the contract accepts and that means nothing.
    wallets = {**MONTHLY, "dataType": "wallets/transactions", "from": "2025-11-01", "to": "2025-12-01"}
    filtered = {**wallets, "reportFilters": [{"filter": "store_id", "value": "nettbutikk"}]}
    for content_type in ("text/csv", "application/pdf"):
        plain = download(client, {**wallets, "contentType": content_type})
        assert download(client, {**filtered, "contentType": content_type}).content == plain.content


def test_a_filter_value_the_account_does_not_have_gives_an_empty_report(client: TestClient) -> None:
    body = {
        **MONTHLY,
        "from": "2025-11-01",
        "to": "2025-12-01",
        "reportFilters": [{"filter": "store_id", "value": "no-such-store"}],
    }
    csv = download(client, {**body, "contentType": "text/csv", "language": "en"})
    assert csv.content.count(b"\r\n") == 1 and csv.content.startswith(b"Transaction ID,")
    pdf = download(client, {**body, "contentType": "application/pdf", "language": "en"})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "No rows: no transactions in this period match the filters." in text
    orders = {
        **body,
        "dataType": "orders/orderoperations",
        "schedule": "twice-a-month",
        "to": "2025-11-16",
        "reportFilters": [{"filter": "operation_payout_destination", "value": "NO000000000MVA"}],
    }
    assert download(client, orders).content.count(b"\r\n") == 1


def test_a_date_time_window_covers_from_to_in_its_offset_not_the_utc_day(client: TestClient) -> None:
    body = {**MONTHLY, "schedule": "daily", "from": "2025-11-01T00:00:00+01:00", "to": "2025-11-02T00:00:00+01:00"}
    rows = csv_rows(download(client, body, BUSY_AID), "checkout/transactions")
    since, until = datetime(2025, 10, 31, 23, tzinfo=UTC), datetime(2025, 11, 1, 23, tzinfo=UTC)
    assert rows and all(since <= row.created_at < until for row in rows)
    assert any(row.created_at.date() == date(2025, 10, 31) for row in rows)  # 23:xxZ on Oct 31 is Nov 1 in +01:00


def test_a_month_across_the_oslo_daylight_saving_change_is_accepted_and_covered(client: TestClient) -> None:
    body = {**MONTHLY, **OCTOBER_IN_OSLO}
    rows = csv_rows(download(client, body), "checkout/transactions")
    since, until = datetime(2025, 9, 30, 22, tzinfo=UTC), datetime(2025, 10, 31, 23, tzinfo=UTC)
    assert rows and all(since <= row.created_at < until for row in rows)
    pdf = download(client, {**body, "contentType": "application/pdf", "language": "en"})
    assert "(UTC+02:00/+01:00)" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_a_wrong_end_across_the_change_names_local_midnight(client: TestClient) -> None:
    body = {**MONTHLY, "from": OCTOBER_IN_OSLO["from"], "to": "2025-10-31T00:00:00+01:00"}
    response = client.post(PATH, json=body, headers=AUTH)
    assert response.status_code == 400
    assert "needs 'to' = 2025-11-01T00:00:00+01:00" in response.text
    far_apart = {**MONTHLY, "from": "2025-11-01T00:00:00+01:00", "to": "2025-12-01T00:00:00-05:00"}
    assert client.post(PATH, json=far_apart, headers=AUTH).json()["error"]["errors"][0]["code"] == "mixed-offsets"


def test_a_future_window_has_no_rows_and_today_has_none_after_now(client: TestClient) -> None:
    future = {**MONTHLY, "from": "2099-11-01", "to": "2099-12-01"}
    assert download(client, future).content.count(b"\r\n") == 1
    today = datetime.now(UTC).date()
    body = {**MONTHLY, "schedule": "daily", "from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    before = datetime.now(UTC)
    rows = csv_rows(download(client, body, BUSY_AID), "checkout/transactions")
    assert all(row.created_at <= datetime.now(UTC) for row in rows)
    assert all(row.created_at < before + timedelta(seconds=5) for row in rows)


def contract_with_wallet_filters(folder: Path, keys: tuple[str, ...] = ("store_id", "card_id")) -> Path:
    """A contract in which wallets take filters on ``keys`` and accounts may start with X."""
    document = spec.load_yaml((ROOT / "spec" / "insight.yaml").read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    wallets = schemas["InsightWalletsTransactionsReportParams"]["allOf"][0]["properties"]
    filter_key = {"type": "string", "enum": list(keys)}
    filter_items = {"type": "object", "properties": {"filter": filter_key, "value": {"type": "string"}}}
    wallets["reportFilters"] = {"type": "array", "items": filter_items}
    document["components"]["parameters"]["accountId"]["schema"]["pattern"] = "^[PTX][0-9]{8}$"
    served = folder / "insight.yaml"
    served.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return served


def test_report_filters_follow_the_contract_loaded_with_spec(tmp_path: Path) -> None:
    served = contract_with_wallet_filters(tmp_path)
    store = account_profile("X12345678").stores[0].store_id
    body = {
        **MONTHLY,
        "dataType": "wallets/transactions",
        "from": "2025-11-01",
        "to": "2025-12-01",
        "reportFilters": [{"filter": "store_id", "value": store}],
    }
    with TestClient(create_app(Settings(spec_path=served)), raise_server_exceptions=False) as other:
        rows = csv_rows(download(other, body, "X12345678"), "wallets/transactions")
    assert rows and all(row.store_id == store for row in rows)


def test_a_contract_filter_the_report_rows_cannot_apply_stops_the_app(tmp_path: Path) -> None:
    # terminal_id: the synthetic wallet rows have no such field, so the filter could only ever be ignored or match
    # nothing; either would be a report that lies about the data, so the mock refuses the contract instead.
    served = contract_with_wallet_filters(tmp_path, ("store_id", "terminal_id"))
    with pytest.raises(ReportsUnavailable) as refused:
        create_app(Settings(spec_path=served))
    assert refused.value.problems == (
        "the contract allows filter 'terminal_id' for dataType 'wallets/transactions', "
        "whose report rows have no field it selects",
    )


# -- the offline command ----------------------------------------------------------------------------------------


def run_report(*args: str) -> subprocess.CompletedProcess[str]:
    return run_main("report", "--aid", "P12345678", *args)


def wallet_params(tmp_path: Path, report_filter: str, value: str) -> Path:
    """A params file for November 2025's wallet transactions, filtered by one ``reportFilters`` entry."""
    params = tmp_path / "params.json"
    window = {"from": "2025-11-01", "to": "2025-12-01"}
    filters = [{"filter": report_filter, "value": value}]
    params.write_text(json.dumps({**MONTHLY, "dataType": "wallets/transactions", **window, "reportFilters": filters}))
    return params


def test_the_offline_command_writes_wallets_with_report_filters(tmp_path: Path) -> None:
    params = wallet_params(tmp_path, "store_id", "x")
    result = run_report("--params", str(params), "-o", str(tmp_path / "w.csv"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "w.csv").read_bytes().count(b"\r\n") > 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no params file at"),
        ("{not json", "is not JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
        (b"\xff\xfe", "cannot read the params file"),
    ],
)
def test_a_missing_or_malformed_params_file_is_one_line_and_exit_2(
    tmp_path: Path, content: str | bytes | None, words: str
) -> None:
    params = tmp_path / "params.json"
    if isinstance(content, bytes):
        params.write_bytes(content)
    elif content is not None:
        params.write_text(content)
    result = run_report("--params", str(params))
    assert result.returncode == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_an_output_suffix_that_contradicts_the_content_type_is_refused(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({**MONTHLY, "contentType": "text/csv"}))
    result = run_report("--params", str(params), "-o", str(tmp_path / "r.pdf"))
    assert result.returncode == 2
    assert "contentType text/csv makes a .csv file" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_the_offline_command_reads_the_vocabulary_of_its_spec(tmp_path: Path) -> None:
    served = contract_with_wallet_filters(tmp_path)
    card = "9578"  # no card id is this short: the filter matches no row, where the default contract ignores it
    params = wallet_params(tmp_path, "card_id", card)
    with_spec = run_report("--params", str(params), "--spec", str(served), "-o", str(tmp_path / "a.csv"))
    without = run_report("--params", str(params), "-o", str(tmp_path / "b.csv"))
    assert with_spec.returncode == without.returncode == 0, with_spec.stderr + without.stderr
    assert (tmp_path / "a.csv").read_bytes().count(b"\r\n") == 1
    assert (tmp_path / "b.csv").read_bytes().count(b"\r\n") > 1
